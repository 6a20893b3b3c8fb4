"""A production install is whole: the catalogs are compiled and committed, and an install that
lacks them, or its templates, refuses to start in one clear line instead of serving English
or 500s."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from endorse import create_app, i18n
from endorse.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "endorse" / "translations"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_committed_catalogs_match_their_sources(lang: str) -> None:
    """The .mo files are committed, so a checkout serves three languages with no build step;
    this keeps them in step with the .po files people edit (make translations-update)."""
    folder = CATALOGS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as source:
        expected = {
            message.id: message.string
            for message in read_po(source)
            if message.id and message.string and not message.fuzzy
        }
    with (folder / "messages.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    found: dict[Any, Any] = {}
    for key, value in catalog.items():
        if key == "":
            continue  # the header
        if isinstance(key, tuple):  # a plural form: (singular, index) -> text
            singular, index = key
            plural = next(k for k in expected if isinstance(k, tuple) and k[0] == singular)
            found.setdefault(plural, [None] * len(expected[plural]))[index] = value
        else:
            found[key] = value
    found = {k: tuple(v) if isinstance(v, list) else v for k, v in found.items()}
    expected = {k: tuple(v) if isinstance(v, list | tuple) else v for k, v in expected.items()}
    assert found == expected, "run `make translations` and commit the .mo files"


def test_production_refuses_to_start_without_a_compiled_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n, "CATALOGS", tmp_path / "translations")  # an install without them
    settings = {
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "a-production-secret-key-long-enough",
    }
    with pytest.raises(ConfigError, match=r"compiled catalogs for fr, nl are missing"):
        create_app(settings)
    assert create_app({**settings, "TESTING": True}).testing  # tests and debug only warn


@pytest.mark.system  # builds a wheel and starts it in another process
def test_a_wheel_run_outside_its_checkout_refuses_to_start_in_one_line(tmp_path: Path) -> None:
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "empty"
    elsewhere.mkdir()
    # Built from a copy: setuptools leaves a build/ folder beside what it builds.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT / "endorse", source / "endorse", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("endorse-*.whl")
    subprocess.run(
        [*pip, "install", "--no-index", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "ENDORSE_INSTANCE_PATH": str(tmp_path)}
    env["ENDORSE_SECRET_KEY"] = "a-production-secret-key-long-enough"
    started = subprocess.run(
        [sys.executable, "-c", "from endorse import create_app; create_app()"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode != 0
    assert str(target / "endorse") in started.stderr  # the wheel's copy, not the checkout's
    reason = started.stderr.strip().splitlines()[-1]
    assert "endorse runs from its source checkout" in reason
    assert "gunicorn wsgi:app" in reason


def _venv_with_our_dependencies(where: Path) -> Path:
    """A fresh venv that sees the test venv's packages (through a .pth file, no download) but
    not its editable endorse; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    Path(site, "dependencies.pth").write_text(ours + "\n")
    return python


@pytest.mark.system  # installs the checkout twice into fresh venvs and runs its commands
@pytest.mark.parametrize("editable", [True, False], ids=["pip install -e .", "pip install ."])
def test_the_flask_commands_run_from_a_production_install(tmp_path: Path, editable: bool) -> None:
    """README's production steps: install the checkout, then `flask --app wsgi db upgrade` and
    `flask --app wsgi endorse config` run as the `flask` script does (not `python -m`, whose
    working directory would hide a copy of the package in the venv)."""
    checkout = tmp_path / "srv-endorse"
    shutil.copytree(  # the working tree as it is, as a deployment checks it out
        ROOT,
        checkout,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "instance", "mutants", "build", "__pycache__"
        ),
    )
    python = _venv_with_our_dependencies(tmp_path / "venv")
    install = ["-e", str(checkout)] if editable else [str(checkout)]
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            *install,
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    flask = Path(sys.executable).parent / "flask"  # the script: its own folder first on the path
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ENDORSE_", "FLASK_"))}
    env = {
        **clean,
        "ENDORSE_SECRET_KEY": "a-production-secret-key-long-enough",
        "ENDORSE_CONTACT_EMAIL": "contact@campaign.example",
        "ENDORSE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    results = [
        subprocess.run(
            [str(python), str(flask), "--app", "wsgi", *command],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        for command in (["db", "upgrade"], ["endorse", "config"])
    ]
    if editable:
        for result in results:
            assert result.returncode == 0, result.stderr[-2000:]
        assert "CONTACT_EMAIL = 'contact@campaign.example'" in results[1].stdout
    else:  # the copy in the venv has no templates: one line says how to install instead
        for result in results:
            assert result.returncode != 0
            assert "pip install -e ." in result.stderr.strip().splitlines()[-1]
