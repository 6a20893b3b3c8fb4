"""A database that stops answering: a visitor gets the translated 503 within seconds, never a
worker killed by gunicorn's timeout and a 500; commands and migrations are not hurried."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from sqlalchemy.engine import make_url

from .cluster import LISTENING, Managed, app_env

#: The issue's bound: the 503 comes within this many seconds.
PATIENCE = 10.0


class SilentServer:
    """A TCP server on loopback that accepts connections and never says a word, as a
    PostgreSQL server does whose disk or process has frozen."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(client)  # kept open, never answered

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for client in self.accepted:
            client.close()


def _gunicorn(name: str, env: dict[str, str], log_dir: Path) -> Managed:
    """gunicorn as deployed (sync workers, its default 30 s timeout)."""
    args = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", "127.0.0.1:0"]
    return Managed(name, [*args, "wsgi:app"], env, log_dir)


def _address(server: Managed, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"{server.name} exited:\n{server.output[-4000:]}")
        found = LISTENING.search(server.output)
        if found:
            # The worker has loaded the app once it answers, here without the database: a
            # Host that is not ours gets its 400 before anything else runs.
            url = f"http://127.0.0.1:{found.group(1)}"
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, headers={"Host": "elsewhere"}, timeout=5).status_code == 400:
                    return url
        time.sleep(0.1)
    raise AssertionError(f"{server.name} did not start:\n{server.output[-4000:]}")


def _timed_get(url: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.get(url, timeout=60)
    return response, time.monotonic() - started


@pytest.mark.system
def test_a_postgresql_server_that_never_answers_is_a_quick_503(tmp_path: Path) -> None:
    with SilentServer() as silent:
        url = f"postgresql://endorse:secret@127.0.0.1:{silent.port}/endorse"
        env = app_env(url, tmp_path / "instance")  # the default timeouts
        with _gunicorn("silent-db", env, tmp_path / "logs") as server:
            base = _address(server)
            health, health_took = _timed_get(f"{base}/healthz")
            page, page_took = _timed_get(f"{base}/fr/supporters")
            output = server.output
        assert silent.accepted, "the app never reached the silent server"
    assert health.status_code == 503, health.text
    assert health.json() == {"status": "unavailable", "database": "unreachable"}
    assert health_took < PATIENCE
    assert page.status_code == 503
    assert page_took < PATIENCE
    assert "Temporairement indisponible" in page.text
    assert page.headers["Retry-After"] == "30"
    assert "WORKER TIMEOUT" not in output


@contextlib.contextmanager
def _locked(database_url: str) -> Iterator[None]:
    """Another connection holds the endorsements table, as a long migration or a stuck
    transaction does: every statement that reads it waits."""
    if database_url.startswith("postgresql"):
        conninfo = make_url(database_url).set(drivername="postgresql")
        with psycopg.connect(conninfo.render_as_string(hide_password=False)) as holder:
            holder.execute("LOCK TABLE endorsements IN ACCESS EXCLUSIVE MODE")
            yield
            holder.rollback()
    else:
        import sqlite3

        holder = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # SQLite's one write lock
            yield
            holder.execute("ROLLBACK")
        finally:
            holder.close()


@pytest.mark.real_commits
def test_a_statement_stuck_behind_a_lock_is_a_503_within_its_timeout(
    app_factory: Any, database_url: str
) -> None:
    from .helpers import VALID_SIGNATURE, csrf_token

    app = app_factory(DATABASE_STATEMENT_TIMEOUT=1, SQLITE_BUSY_TIMEOUT=1)
    client = app.test_client()
    token = csrf_token(client, "/en/sign")
    assert client.get("/en/supporters").status_code == 200  # a pooled connection, ready
    with _locked(database_url):
        started = time.monotonic()
        # A reader on PostgreSQL; SQLite's readers never wait (WAL), its writers do.
        down = client.post("/nl/sign", data={"csrf_token": token, **VALID_SIGNATURE})
        took = time.monotonic() - started
        if database_url.startswith("postgresql"):
            started = time.monotonic()
            read = client.get("/en/supporters")
            assert read.status_code == 503
            assert time.monotonic() - started < 3
    assert down.status_code == 503
    assert "Tijdelijk niet beschikbaar" in down.get_data(as_text=True)
    assert took < 3
    assert client.post("/en/sign", data={"csrf_token": token, **VALID_SIGNATURE}).status_code == 303


@pytest.mark.real_commits
def test_commands_wait_for_a_lock_without_the_request_timeout(
    app_factory: Any, database_url: str
) -> None:
    app = app_factory(DATABASE_STATEMENT_TIMEOUT=1)
    client = app.test_client()
    assert client.get("/en/supporters").status_code == 200  # its connection had the timeout
    runner = app.test_cli_runner()
    outcome: dict[str, Any] = {}

    def recount() -> None:  # reads and writes the locked table
        started = time.monotonic()
        outcome["result"] = runner.invoke(args=["endorse", "recount"])
        outcome["took"] = time.monotonic() - started

    with _locked(database_url):
        command = threading.Thread(target=recount)
        command.start()
        time.sleep(2.5)  # past the request's timeout, the command still waits
    command.join(timeout=30)
    result = outcome["result"]
    assert result.exit_code == 0, result.output
    assert outcome["took"] > 2.4
