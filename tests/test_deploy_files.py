"""The systemd units in deploy/ start commands that exist, from files that exist: a renamed
command or a moved config breaks this test, not a production server at three in the morning."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"
CHECKOUT = "/srv/endorse"  # where the units expect the repository


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    unit.read_string((UNITS / name).read_text())
    return unit


def _command(name: str) -> list[str]:
    return shlex.split(_unit(name)["Service"]["ExecStart"])


@pytest.mark.parametrize(
    ("unit", "command"),
    [("endorse-mail.service", "mail-worker"), ("endorse-purge.service", "purge")],
)
def test_the_worker_units_run_our_commands(app: Flask, unit: str, command: str) -> None:
    args = _command(unit)
    assert args[:4] == [f"{CHECKOUT}/.venv/bin/flask", "--app", "wsgi", "endorse"]
    assert args[4:] == [command]
    result = app.test_cli_runner().invoke(args=[*args[3:], "--help"])
    assert result.exit_code == 0, result.output


def test_the_app_unit_runs_gunicorn_with_the_shipped_config() -> None:
    args = _command("endorse.service")
    assert args[0] == f"{CHECKOUT}/.venv/bin/gunicorn"
    config = args[args.index("-c") + 1]
    assert config.startswith(CHECKOUT + "/")
    assert (ROOT / config.removeprefix(CHECKOUT + "/")).is_file()


def test_every_unit_reads_the_same_environment_file() -> None:
    files = {
        _unit(name)["Service"]["EnvironmentFile"]
        for name in ("endorse.service", "endorse-mail.service", "endorse-purge.service")
    }
    assert files == {"/etc/endorse/endorse.env"}


def test_the_timer_starts_the_purge_daily() -> None:
    timer = _unit("endorse-purge.timer")["Timer"]
    assert timer["Persistent"] in ("yes", "true")  # a day missed while down runs at boot
    assert timer["OnCalendar"].startswith("*-*-*")  # every day
    # A timer starts the service of its own name.
    assert (UNITS / "endorse-purge.service").is_file()
