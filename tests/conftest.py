"""Fixtures: a real database (SQLite, and PostgreSQL when ENDORSE_TEST_DATABASE_URL is set),
a real SMTP server on loopback, and a test client that closes responses like a server does."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from psycopg import sql
from sqlalchemy import Engine, MetaData, text
from sqlalchemy.engine import make_url

from endorse import create_app, projections
from endorse.database import write_transaction
from endorse.extensions import db, limiter
from endorse.mail.outbox import wait_for_work_after_responses

from .helpers import LiveServer, Mailbox, SmtpServer

PG_URL = os.environ.get("ENDORSE_TEST_DATABASE_URL")
#: Where people write to the campaign, as production requires it (ENDORSE_CONTACT_EMAIL): set
#: for the apps tests build as in production, in this process and the processes it starts.
CONTACT_EMAIL = "write-to-us@endorse.test"
os.environ.setdefault("ENDORSE_CONTACT_EMAIL", CONTACT_EMAIL)

# Under CI every property test and fuzzer replays the same examples, so a failure there can be
# replayed here; elsewhere they explore. Modules may refine their own settings on top.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


class ClosingClient(FlaskClient):
    """Closes each response as a WSGI server would, so ``call_on_close`` hooks run, and waits
    for the work they start (the mail sent after the response, in a thread of its own): a test
    goes on as a visitor would, seconds later. A test that holds its response open
    (``buffered=False``) sees that work begin when it closes the response."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        assert wait_for_work_after_responses(timeout=60), "work after a response still runs"
        return response


def make_app(database_url: str, instance: Path, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "BASE_URL": "http://endorse.test",
        "MAIL_URL": "console:",
        "MAIL_FROM": "Campaign <campaign@endorse.test>",
        "CONTACT_EMAIL": CONTACT_EMAIL,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        # Tests sign up many times from 127.0.0.1; the limits have tests of their own.
        "SIGN_LIMIT": "100000 per hour",
        "RESEND_LIMIT": "100000 per hour",
        "API_LIMIT": "100000 per minute",
        # The same scrypt at a lower cost: hashing at production cost is a third of a second.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
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


@pytest.fixture(scope="session")
def pg_target_url() -> str:
    """A second PostgreSQL database, for imports and migrations from empty, created once.

    Not the test database: other tests' fixtures truncate that one. Named after it
    (``<test database>_target``), so runs against different test databases never share it.
    """
    assert PG_URL
    server = make_url(PG_URL).set(drivername="postgresql")
    name = f"{server.database}_target"
    conninfo = server.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if found is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def empty_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Make an app on a second, empty database (SQLite, or ``pg_target_url``) brought by the
    migrations to ``revision``."""
    made: list[Flask] = []

    def make(backend: str, revision: str = "head") -> Flask:
        if backend == "postgresql":
            url = request.getfixturevalue("pg_target_url")
        else:
            url = f"sqlite:///{tmp_path / f'target-{len(made)}.sqlite'}"
        app = make_app(url, tmp_path / f"target-instance-{len(made)}")
        made.append(app)
        with app.app_context():
            _drop_everything(db.engine)
            flask_migrate.upgrade(revision=revision)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


#: Set on a test whose app runs inside one rolled-back transaction; see ``app``.
ISOLATED = pytest.StashKey[bool]()


@pytest.fixture
def app_factory(
    database_url: str, smtp_server: SmtpServer, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """Make apps of their own on the test database (several, for key rotation), committing for
    real; the tables start empty. For tests that need other settings, other connections
    (threads, servers, processes) or real commits."""
    if request.node.stash.get(ISOLATED, False):
        raise pytest.UsageError(
            "this test uses the rolled-back `app` and also makes apps of its own, which cannot "
            "see its data: mark it @pytest.mark.real_commits"
        )
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        overrides.setdefault("MAIL_URL", smtp_server.url)
        app = make_app(database_url, tmp_path / "instance", **overrides)
        made.append(app)
        return app

    first = factory()
    _empty_tables(first)
    yield factory
    # What the test's responses started after they closed ends with the test, not in the next.
    assert wait_for_work_after_responses(timeout=60), "work after a response still runs"
    for app in made:
        with app.app_context():
            db.session.remove()
    _empty_tables(first)  # the rolled-back tests that follow start from empty tables too
    for app in made:
        with app.app_context():
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


@pytest.fixture(scope="session")
def shared_app(
    database_url: str, smtp_server: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """One app for every isolated test of a database: built, and its templates compiled, once.
    Its tables are emptied once; each test then runs in a transaction rolled back after it."""
    app = make_app(database_url, tmp_path_factory.mktemp("shared"), MAIL_URL=smtp_server.url)
    _empty_tables(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(request: pytest.FixtureRequest, shared_app: Flask) -> Flask:
    """The app under test. By default the shared app, inside a transaction that is rolled back
    after the test (STYLE habit 8): each write transaction of the code is a SAVEPOINT, so the
    code commits and rolls back as it does in production, and nothing outlives the test.

    A test marked ``real_commits`` gets an app of its own that commits for real, for threads,
    servers, other processes or other apps that must see its data.
    """
    if request.node.get_closest_marker("real_commits"):
        return request.getfixturevalue("app_factory")()  # type: ignore[no-any-return]
    return request.getfixturevalue("isolated_app")  # type: ignore[no-any-return]


@pytest.fixture
def isolated_app(shared_app: Flask, request: pytest.FixtureRequest) -> Iterator[Flask]:
    if "app_factory" in request.fixturenames:
        raise pytest.UsageError(
            "this test uses the rolled-back `app` and also makes apps of its own, which cannot "
            "see its data: mark it @pytest.mark.real_commits"
        )
    request.node.stash[ISOLATED] = True
    with shared_app.app_context():
        limiter.reset()  # the app's counters live in memory for the whole session otherwise
        engines = db.engines
        engine = engines[None]
    for cache in CACHES:
        shared_app.extensions[cache].clear()
    connection = engine.connect()
    outer = connection.begin()
    # Every session of the app, in any app context of this thread, works on this connection
    # and turns its commits into savepoints within the outer transaction.
    engines[None] = connection  # type: ignore[assignment]
    db.session.session_factory.kw["join_transaction_mode"] = "create_savepoint"
    settings = dict(shared_app.config)
    try:
        yield shared_app
    finally:
        assert wait_for_work_after_responses(timeout=60), "work after a response still runs"
        shared_app.config.clear()
        shared_app.config.update(settings)  # a test that changed a setting changed it for itself
        db.session.session_factory.kw.pop("join_transaction_mode", None)
        engines[None] = engine
        outer.rollback()
        connection.close()


#: What the app keeps in memory between requests, forgotten between isolated tests.
CACHES = ("endorse_counts", "endorse_count_json")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def live_server(app: Flask, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    if request.node.stash.get(ISOLATED, False):
        raise pytest.UsageError(
            "a live server's threads need their own connections: mark the test "
            "@pytest.mark.real_commits"
        )
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


def need(available: bool, what: str, how: str) -> None:
    """Skip a test whose tool is missing, saying how to get it; under CI, fail instead: a
    missing tool there is a broken install, never a reason to test less."""
    if available:
        return
    message = f"{what} is missing: {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


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
    need(Path(CHROMIUM).exists(), "Debian's chromium", "apt-get install chromium (make test does)")
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
        app = app_factory(**overrides)
        server = LiveServer(app)  # bound to a port the system chose, free for certain
        app.config["BASE_URL"] = server.url
        server.start()
        servers.append(server)
        return app, server.url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def site(site_factory: Any) -> tuple[Flask, str]:
    return site_factory()  # type: ignore[no-any-return]
