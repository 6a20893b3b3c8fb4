"""`make run PORT=…`: the development server on the port asked for, its links pointing there."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import need

pytestmark = pytest.mark.system  # make, and a server in another process

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent  # the virtualenv running the tests


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_commands(port: int, env: dict[str, str]) -> list[str]:
    """What `make run PORT=…` runs, from make itself (-n: printed, not run)."""
    printed = subprocess.run(
        ["make", "-n", "run", f"PORT={port}", f"VENV={VENV}"],  # noqa: S607  (make from PATH)
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in printed.splitlines() if " --debug " in line]


def test_make_run_serves_on_the_port_given_and_links_to_it(tmp_path: Path) -> None:
    need(shutil.which("make") is not None, "make", "apt-get install make")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENDORSE_", "FLASK_"))}
    env["ENDORSE_INSTANCE_PATH"] = str(tmp_path)
    upgrade, demo, serve = _run_commands(port, env)
    assert upgrade.endswith("db upgrade")
    assert demo.endswith("endorse demo")
    assert serve.endswith(f"run --port {port}")
    subprocess.run(upgrade, shell=True, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S602
    server = subprocess.Popen(  # noqa: S602  (make's own command line)
        serve,
        shell=True,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = _get(f"http://127.0.0.1:{port}/fr/")
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)
    assert f'hreflang="nl" href="http://127.0.0.1:{port}/nl/"' in body


def test_an_explicit_base_url_wins_over_the_port(tmp_path: Path) -> None:
    need(shutil.which("make") is not None, "make", "apt-get install make")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENDORSE_")}
    env["ENDORSE_BASE_URL"] = "https://endorse.example.org"
    *_, serve = _run_commands(5123, env)
    shown = subprocess.run(  # noqa: S602  (make's own command line)
        serve.replace(" run --port 5123", " endorse config"),
        shell=True,
        cwd=ROOT,
        env={**env, "ENDORSE_INSTANCE_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "https://endorse.example.org" in shown


def _get(url: str) -> str:
    """The page, once the server listens (it takes a few seconds to start)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  (loopback)
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
