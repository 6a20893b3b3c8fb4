"""Fixtures: a real database (SQLite, and PostgreSQL when ENDORSE_TEST_DATABASE_URL is set),
a real SMTP server on loopback, and a test client that closes responses like a server does."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, MetaData, text

from endorse import create_app, projections
from endorse.database import write_transaction
from endorse.extensions import db

from .helpers import LiveServer, Mailbox, SmtpServer, free_port

PG_URL = os.environ.get("ENDORSE_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


class ClosingClient(FlaskClient):
    """Closes each response as a WSGI server would, so ``call_on_close`` hooks run."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def make_app(database_url: str, instance: Path, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "BASE_URL": "http://endorse.test",
        "MAIL_URL": "console:",
        "MAIL_FROM": "Campaign <campaign@endorse.test>",
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        # Tests sign up many times from 127.0.0.1; the limits have tests of their own.
        "SIGN_LIMIT": "100000 per hour",
        "RESEND_LIMIT": "100000 per hour",
        "API_LIMIT": "100000 per minute",
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = ClosingClient
    return app


def _drop_everything(engine: Engine) -> None:
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty database brought to the current schema by the migrations."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'endorse.sqlite'}"
    else:
        url = str(PG_URL)
    app = make_app(url, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        _drop_everything(db.engine)
        flask_migrate.upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> Mailbox:
    smtp_server.mailbox.clear()
    return smtp_server.mailbox


@pytest.fixture
def app_factory(database_url: str, smtp_server: SmtpServer, tmp_path: Path) -> Iterator[Any]:
    """Make apps on the test database (several, for key rotation); the tables start empty."""
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        overrides.setdefault("MAIL_URL", smtp_server.url)
        app = make_app(database_url, tmp_path / "instance", **overrides)
        made.append(app)
        return app

    first = factory()
    _empty_tables(first)
    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        tables = [t for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())
        with write_transaction():
            projections.recount()


@pytest.fixture
def app(app_factory: Any) -> Flask:
    return app_factory()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def moderator(app: Flask) -> FlaskClient:
    """A client signed in as a moderator."""
    from .helpers import login, make_user

    make_user(app, "mod@campaign.example", "moderator")
    client = app.test_client()
    assert login(client, "mod@campaign.example").status_code == 302
    return client


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    """A client signed in as an admin."""
    from .helpers import login, make_user

    make_user(app, "admin@campaign.example", "admin")
    client = app.test_client()
    assert login(client, "admin@campaign.example").status_code == 302
    return client


# The browser: Debian's headless Chromium, driven by Playwright (no browser download).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site_factory(app_factory: Any) -> Iterator[Any]:
    """Start the app on a real HTTP server, its mail links pointing at that server."""
    servers: list[LiveServer] = []

    def start(**overrides: Any) -> tuple[Flask, str]:
        port = free_port()
        app = app_factory(BASE_URL=f"http://127.0.0.1:{port}", **overrides)
        server = LiveServer(app, port)
        server.start()
        servers.append(server)
        return app, server.url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def site(site_factory: Any) -> tuple[Flask, str]:
    return site_factory()  # type: ignore[no-any-return]
