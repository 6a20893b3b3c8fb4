"""Configuration from ENDORSE_* variables, checked before the app starts."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from endorse import create_app
from endorse.config import DEMO_CONTACT_EMAIL
from endorse.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def _run_wsgi(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return _run_clean(["-c", "import wsgi"], env, tmp_path)


def _flask(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``flask --app wsgi ARGS`` as a newcomer types it: no ENDORSE_ or FLASK_ variable."""
    return _run_clean(["-m", "flask", "--app", "wsgi", *args], {}, tmp_path)


def _run_clean(
    argv: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ENDORSE_", "FLASK_"))}
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "ENDORSE_INSTANCE_PATH": str(tmp_path), **env},
        timeout=60,
        check=False,
    )


@pytest.mark.system  # a production process
def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _run_wsgi({}, tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "ENDORSE_SECRET_KEY" in lines[0]


@pytest.mark.system  # a production process
def test_production_refuses_a_weak_secret_key(tmp_path: Path) -> None:
    result = _run_wsgi({"ENDORSE_SECRET_KEY": "change-me"}, tmp_path)
    assert result.returncode == 1
    assert "ENDORSE_SECRET_KEY" in result.stderr


@pytest.mark.system  # a production process
def test_production_starts_with_a_real_key(tmp_path: Path) -> None:
    result = _run_wsgi(
        {"ENDORSE_SECRET_KEY": "x" * 40, "ENDORSE_CONTACT_EMAIL": "write@campaign.example"},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.system  # a production process
@pytest.mark.parametrize("address", ["", "not an address"])
def test_production_refuses_to_start_without_a_contact_address(
    tmp_path: Path, address: str
) -> None:
    result = _run_wsgi({"ENDORSE_SECRET_KEY": "x" * 40, "ENDORSE_CONTACT_EMAIL": address}, tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "ENDORSE_CONTACT_EMAIL" in lines[0]


def test_debug_and_tests_use_a_clearly_fake_contact_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENDORSE_CONTACT_EMAIL", raising=False)
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    assert app.config["CONTACT_EMAIL"].endswith(".invalid")  # RFC 2606: never delivered
    with pytest.raises(ConfigError, match="ENDORSE_CONTACT_EMAIL"):
        create_app({"SECRET_KEY": "k" * 32, "INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setenv("ENDORSE_CONTACT_EMAIL", " write@campaign.example ")
    production = create_app({"SECRET_KEY": "k" * 32, "INSTANCE_PATH": str(tmp_path)})
    assert production.config["CONTACT_EMAIL"] == "write@campaign.example"


@pytest.mark.system  # a development process, as `make run` starts it
def test_the_development_server_uses_the_fake_contact_address(tmp_path: Path) -> None:
    result = _flask("--debug", "endorse", "config", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"CONTACT_EMAIL = {DEMO_CONTACT_EMAIL!r}" in result.stdout.splitlines()
    assert DEMO_CONTACT_EMAIL.endswith(".invalid")


def test_environment_variables_configure_the_app(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ENDORSE_SECRET_KEY", "k" * 32)
    monkeypatch.setenv("ENDORSE_SECRET_KEY_FALLBACKS", "old-key-one, old-key-two")
    monkeypatch.setenv("ENDORSE_VERIFY_MAX_AGE", "3600")
    monkeypatch.setenv("ENDORSE_BASE_URL", "https://endorse.example/")
    monkeypatch.setenv("ENDORSE_MAIL_URL", "smtps://user:pass@mail.example:465")
    monkeypatch.setenv("ENDORSE_DATABASE_URL", "postgresql://u@db.example/endorse")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY_FALLBACKS"] == ["old-key-one", "old-key-two"]
    assert app.config["VERIFY_MAX_AGE"] == 3600
    assert app.config["BASE_URL"] == "https://endorse.example"
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'endorse.sqlite'}"
    assert app.config["MAIL_URL"] == "console:"
    assert app.config["VERIFY_MAX_AGE"] == 7 * 24 * 3600


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"MAIL_URL": "ftp://x"}, "ENDORSE_MAIL_URL"),
        ({"BASE_URL": "endorse.example"}, "ENDORSE_BASE_URL"),
        ({"VERIFY_MAX_AGE": "soon"}, "ENDORSE_VERIFY_MAX_AGE"),
        ({"VERIFY_MAX_AGE": -5}, "ENDORSE_VERIFY_MAX_AGE"),
        ({"PASSWORD_HASH_METHOD": "plain"}, "ENDORSE_PASSWORD_HASH_METHOD"),
        ({"TIMEZONE": "Mars/Olympus_Mons"}, "ENDORSE_TIMEZONE"),
        ({"DIGEST_HOUR": 24}, "ENDORSE_DIGEST_HOUR"),
        ({"DIGEST_HOUR": "morning"}, "ENDORSE_DIGEST_HOUR"),
        ({"TIMEZONE": "Europe/Brusels"}, "ENDORSE_TIMEZONE"),
        ({"TIMEZONE": "../../etc/passwd"}, "ENDORSE_TIMEZONE"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), **overrides})


@pytest.mark.system  # a production command line
def test_the_commands_list_themselves_without_a_secret_key(tmp_path: Path) -> None:
    result = _flask("endorse", "--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "approve" in result.stdout
    assert "mail-worker" in result.stdout


@pytest.mark.parametrize(
    ("settings", "warned"),
    [
        ({}, True),  # production, limits counted in each worker's memory
        ({"RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0"}, False),
        ({"TESTING": True}, False),
    ],
    ids=["production-memory", "production-redis", "testing"],
)
def test_production_warns_that_memory_limits_count_per_worker(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, settings: dict[str, object], warned: bool
) -> None:
    with caplog.at_level(logging.WARNING):
        create_app({"SECRET_KEY": "k" * 32, "INSTANCE_PATH": str(tmp_path), **settings})
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    said = [message for message in warnings if "memory://" in message]
    assert bool(said) == warned, warnings
    if warned:
        assert "each worker" in said[0]
        assert "ENDORSE_RATELIMIT_STORAGE_URL" in said[0]
