# endorse: everyday commands. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
CATALOGS := endorse/translations
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help setup run check test lint fmt migrate translations translations-update bench mutation mutation-check

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 22

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed translations  ## install everything into .venv

translations: $(VENV)/.installed  ## compile the message catalogs
	$(BIN)/pybabel compile -d $(CATALOGS)

translations-update: $(VENV)/.installed  ## extract new strings into the catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project endorse -o $(CATALOGS)/messages.pot .
	$(BIN)/pybabel update -i $(CATALOGS)/messages.pot -d $(CATALOGS) --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(CATALOGS)  # the .mo files are committed: an install needs no step

# The development server's port; links (in mails, hreflang, the embed snippet) follow it
# unless ENDORSE_BASE_URL is set.
PORT ?= 5000
DEV_ENV = ENDORSE_BASE_URL=$${ENDORSE_BASE_URL:-http://127.0.0.1:$(PORT)}

run: setup  ## set up and run on SQLite with demo content (make run PORT=5001; prints a moderator login)
	$(DEV_ENV) $(FLASK) --debug db upgrade
	$(DEV_ENV) $(FLASK) --debug endorse demo
	$(DEV_ENV) $(FLASK) --debug run --port $(PORT)

# The browser tests drive Debian's Chromium; Playwright's own browser download is not used.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; \
	fi

# wrk drives the benchmark's smoke run in the tests (the Python driver is tested too).
WRK := /usr/bin/wrk
$(WRK):
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	else \
		echo "The benchmark smoke test needs Debian's wrk: sudo apt-get install wrk"; exit 1; \
	fi

# axe-core, injected by the accessibility tests into the pages they check, and Lighthouse
# (SEO and best practices on the home and supporters pages): both pinned in package-lock.json.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

check: lint  ## everyday: lint, then the tests without servers, browsers, benchmarks, fuzzing
	$(BIN)/pytest -m "not system"

test: setup $(CHROMIUM) $(WRK) $(AXE)  ## set up, lint and run the whole test suite (what CI runs)
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest

# Mutation testing: mutants of the critical modules, each against the tests that reach it.
# The scores and the survivors judged equivalent are in tests/MUTATION.md.
MUTMUT := $(BIN)/mutmut
mutation: setup  ## mutation-test the critical modules (long: see tests/MUTATION.md)
	rm -rf mutants
	-ENDORSE_TEST_DATABASE_URL= $(MUTMUT) run --max-children 2 >/dev/null  # exits 1 on survivors: the score decides
	$(BIN)/python tests/mutation_score.py

mutation-check: setup  ## the mutation check CI runs: one small module, with its required score
	rm -rf mutants
	-ENDORSE_TEST_DATABASE_URL= $(MUTMUT) run --max-children 2 "endorse.tokens.*" >/dev/null
	$(BIN)/python tests/mutation_score.py --require endorse.tokens=90

lint: setup  ## format check, ruff and the type checker
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

fmt: setup  ## format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: setup  ## write a migration for model changes: make migrate m="what changed"
	$(FLASK) --debug db migrate -m "$(m)"

bench: setup  ## run the benchmarks (PostgreSQL; add ARGS=--sqlite or ARGS=--smoke)
	@command -v wrk >/dev/null || echo "wrk not found: the Python driver is used (apt-get install wrk)"
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench $(ARGS)
