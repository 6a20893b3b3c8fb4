"""The benchmark harness keeps working: CI runs it in smoke mode (seconds, a tiny data set)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import need

pytestmark = pytest.mark.system  # the benchmark harness and wrk

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [
    "baseline /robots.txt",
    "GET /api/v1/count",
    "GET /en/ (home)",
    "supporters page 1",
    "supporters deep page",
    "supporters search",
    "GET /api/v1/supporters",
    "sign-ups (GET form + POST) a second",
    "big day (95% read, 5% sign-up) #2",
    "mail worker delivery (mails/s)",
]


PG_URL = os.environ.get("ENDORSE_TEST_DATABASE_URL")
# wrk (and its Lua visitors) on every database; our Python driver, the fallback, on SQLite.
RUNS = [("sqlite", "wrk"), ("sqlite", "python")] + ([("postgresql", "wrk")] if PG_URL else [])


def _bench(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bench ARGS`` on SQLite or on PostgreSQL."""
    env = {**os.environ}
    if database == "sqlite":
        args = (*args, "--sqlite")
    else:
        # The harness makes (and empties) its own database next to the test one.
        env["ENDORSE_BENCH_DATABASE_URL"] = str(PG_URL).rpartition("/")[0] + "/endorse_bench"
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize(("database", "driver"), RUNS)
def test_the_smoke_run_prints_every_scenario_without_errors(database: str, driver: str) -> None:
    if driver == "wrk":
        need(shutil.which("wrk") is not None, "wrk", "apt-get install wrk (make test does)")
    result = _bench(database, "--smoke", "--driver", driver)
    assert result.returncode == 0, result.stderr[-3000:]
    for scenario in SCENARIOS:
        line = next((x for x in result.stdout.splitlines() if x.startswith(scenario)), None)
        assert line is not None, scenario
    assert "total errors: 0" in result.stdout
    signups = next(x for x in result.stdout.splitlines() if x.startswith("sign-up"))
    assert float(re.split(r"\s{2,}", signups)[2].replace(",", "")) > 0
    assert re.search(r"RSS per worker after big day #2: \d+ MB", result.stdout)


@pytest.mark.parametrize("database", ["sqlite"] + (["postgresql"] if PG_URL else []))
def test_the_import_benchmark_imports_skips_the_duplicates_and_undoes(database: str) -> None:
    result = _bench(database, "--import", "--rows", "300", "--existing", "150")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    # 300 rows, 100 of them among the 150 already in: 200 new, the count 350.
    assert "imported 200, skipped 100" in lines
    assert "public count now 350" in lines
    assert "audit chain intact: True" in lines
    for step, rows in [("dry run", 300), ("import (", 300), ("undo", 200)]:
        line = next(x for x in lines if x.startswith(step))
        figures = re.search(r"([\d,]+) rows\s+([\d.]+) s\s+([\d,]+) rows/s", line)
        assert figures, line
        assert int(figures[1].replace(",", "")) == rows
        assert int(figures[3].replace(",", "")) > 0
