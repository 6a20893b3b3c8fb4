"""Failed sign-ins: a growing delay per address, kept in the database, the same for every
spelling of an address, for unknown addresses and for every worker; an admin can clear it."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from endorse.errors import ConfigError
from endorse.extensions import db
from endorse.models import AuditEvent, LoginFailures

from .helpers import CSRF, PASSWORD, csrf_token, login, make_user

WRONG = "not the password at all"


WAIT = re.compile(r"Please wait (\d+) minutes? and try again")


def _wait_of(response: Any) -> int:
    """The minutes a refused attempt is told to wait."""
    assert response.status_code == 429, response.status_code
    assert int(response.headers["Retry-After"]) > 0
    found = WAIT.search(response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)
    return int(found.group(1))


def _fail(client: FlaskClient, email: str, times: int) -> None:
    for _ in range(times):
        assert login(client, email, WRONG).status_code == 401


@pytest.fixture
def clock(time_machine: Any) -> Any:
    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False)
    return time_machine


def test_every_spelling_of_an_address_counts_against_it(app: Flask, client: FlaskClient) -> None:
    """The review's case: the address is read as the sign-in reads it (email-validator's
    normalised form), so a spelling that reaches the account never gets fresh guesses."""
    make_user(app, "admin@example.org", "admin")
    spellings = [
        "admin@example.org",
        "admin@ｅxａmple.org",  # full-width letters
        "admin@example\u3002org",  # the ideographic full stop
        "admin@exa\u034fmple.org",  # an invisible combining grapheme joiner
        " ADMIN@Example.ORG ",
    ]
    for spelling in spellings:
        assert login(client, spelling, WRONG).status_code == 401, spelling
    for spelling in spellings:
        _wait_of(login(app.test_client(), spelling))  # even the right password waits


@pytest.mark.real_commits
def test_the_count_holds_across_workers_whatever_the_limiter_storage(app_factory: Any) -> None:
    """Two workers, each with its own memory:// rate-limit storage, see one count."""
    first, second = app_factory(), app_factory()
    assert first.config["RATELIMIT_STORAGE_URL"] == "memory://"
    make_user(first, "mod@campaign.example")
    _fail(first.test_client(), "mod@campaign.example", 5)
    _wait_of(login(second.test_client(), "mod@campaign.example"))


def test_the_delay_grows_with_each_failure_and_a_success_ends_it(app: Flask, clock: Any) -> None:
    app.config.update(LOGIN_FREE_FAILURES=3, LOGIN_DELAY_SECONDS=60, LOGIN_MAX_DELAY_SECONDS=240)
    make_user(app, "mod@campaign.example")
    client = app.test_client()
    _fail(client, "mod@campaign.example", 3)
    for seconds in (60, 120, 240, 240):  # doubling, up to the most
        assert _wait_of(login(client, "mod@campaign.example")) == seconds // 60
        clock.shift(timedelta(seconds=seconds - 1))
        _wait_of(login(client, "mod@campaign.example", WRONG))  # waiting adds nothing
        clock.shift(timedelta(seconds=1))
        _fail(client, "mod@campaign.example", 1)
    clock.shift(timedelta(seconds=240))
    assert login(client, "mod@campaign.example").status_code == 302
    _fail(app.test_client(), "mod@campaign.example", 3)  # a success starts the count afresh


def test_failures_are_forgotten_a_day_after_the_last(app: Flask, clock: Any) -> None:
    make_user(app, "mod@campaign.example")
    _fail(app.test_client(), "mod@campaign.example", 5)
    clock.shift(timedelta(days=1, seconds=1))
    _fail(app.test_client(), "mod@campaign.example", 5)
    _wait_of(login(app.test_client(), "mod@campaign.example"))


def _answers(app: Flask, email: str) -> list[tuple[int, str | None, str]]:
    answers = []
    for password in [WRONG] * 5 + [PASSWORD, WRONG]:
        response = login(app.test_client(), email, password)
        body = CSRF.sub("", response.get_data(as_text=True)).replace(email, "EMAIL")
        answers.append((response.status_code, response.headers.get("Retry-After"), body))
    return answers


def test_an_unknown_address_is_answered_exactly_like_a_known_one(app: Flask, clock: Any) -> None:
    make_user(app, "mod@campaign.example")
    known = _answers(app, "mod@campaign.example")
    unknown = _answers(app, "nobody@campaign.example")
    assert [status for status, _after, _body in known] == [401] * 5 + [429, 429]
    assert unknown == known


@pytest.mark.real_commits
def test_attempts_at_the_same_moment_get_one_guess_between_them(app_factory: Any) -> None:
    app = app_factory(LOGIN_FREE_FAILURES=1, LOGIN_DELAY_SECONDS=60)
    make_user(app, "mod@campaign.example")
    clients = [app.test_client() for _ in range(6)]
    tokens = [csrf_token(client, "/moderate/login") for client in clients]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def attempt(client: FlaskClient, token: str) -> None:
        barrier.wait()
        data = {"csrf_token": token, "email": "mod@campaign.example", "password": WRONG}
        statuses.append(client.post("/moderate/login", data=data).status_code)

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [401] + [429] * 5


def test_an_admin_clears_an_accounts_failures_on_the_record(app: Flask, admin: FlaskClient) -> None:
    user_id = make_user(app, "mod@campaign.example")
    _fail(app.test_client(), "mod@campaign.example", 5)
    _wait_of(login(app.test_client(), "mod@campaign.example"))
    page = admin.get("/moderate/users").get_data(as_text=True)
    assert re.search(r"mod@campaign\.example.*?5 failed sign-ins", page, re.S), page
    response = admin.post(
        f"/moderate/users/{user_id}/clear-failures",
        data={"csrf_token": csrf_token(admin, "/moderate/users")},
        follow_redirects=True,
    )
    assert "can sign in again at once" in response.get_data(as_text=True)
    assert login(app.test_client(), "mod@campaign.example").status_code == 302
    with app.app_context():
        [record] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.clear_failures")
        )
        assert record.subject_user_id == user_id


def test_purge_forgets_counts_a_day_old(app: Flask, runner: Any, clock: Any) -> None:
    _fail(app.test_client(), "old@campaign.example", 2)
    clock.shift(timedelta(hours=23))
    _fail(app.test_client(), "recent@campaign.example", 2)
    clock.shift(timedelta(hours=1, seconds=1))
    result = runner.invoke(args=["endorse", "purge"])
    assert "forgot 1 old counts of failed sign-ins" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailures)) == 1


def test_the_old_per_account_setting_is_refused_with_its_replacement(app_factory: Any) -> None:
    with pytest.raises(ConfigError, match="ENDORSE_LOGIN_FREE_FAILURES"):
        app_factory(LOGIN_LIMIT_PER_ACCOUNT="5 per 15 minutes")
