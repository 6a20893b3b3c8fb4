"""Who may use the console, and how sessions start and end."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from endorse.extensions import db
from endorse.models import User

from .helpers import (
    CSRF,
    PASSWORD,
    Mailbox,
    a_logo,
    csrf_token,
    login,
    make_endorsement,
    make_user,
    submit,
    text_of,
)

OPEN = {"moderation.login", "moderation.set_password"}
ADMIN_ONLY = {
    "moderation.users",
    "moderation.invite",
    "moderation.change_role",
    "moderation.deactivate",
    "moderation.activate",
    "moderation.clear_failures",
    "moderation.content_index",
    "moderation.edit_page",
    "moderation.upload_dossier",
    "moderation.edit_list",
    "moderation.add_item",
    "moderation.edit_item",
    "moderation.move_item",
    "moderation.remove_item",
    "moderation.upload_brand",
    "moderation.reset_brand",
    "moderation.mail_previews",
    "moderation.mail_preview",
    "moderation.mail_preview_html",
    "moderation.import_index",
    "moderation.import_upload",
    "moderation.import_preview",
    "moderation.import_run",
    "moderation.import_undo",
}


def _console_routes(
    app: Flask, endorsement_id: int = 1, user_id: int = 2
) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("moderation."):
            continue
        values = {
            "endorsement_id": endorsement_id,
            "user_id": user_id,
            "token": "not-a-token",
            "slug": "experts",
            "language": "fr",
            "key": "impact",
            "name": "faq",
            "kind": "logo",
            "mail": "confirm",
            "import_id": 1,
        }
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, url))
    return routes


def _request(client: FlaskClient, method: str, url: str) -> Any:
    if method == "GET":
        return client.get(url)
    token = CSRF.search(client.get("/moderate/login").get_data(as_text=True))
    if token is None:  # signed in: the login page redirects, take a token from the console
        token = CSRF.search(client.get("/moderate/queue").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token.group(1) if token else ""})


def test_the_walk_covers_the_console(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _m, _u in _console_routes(app)}
    assert {
        "moderation.dashboard",
        "moderation.queue",
        "moderation.approve",
        "moderation.export_csv",
        "moderation.audit_log",
    } <= endpoints
    assert endpoints >= ADMIN_ONLY
    assert endpoints >= OPEN


def test_every_console_route_refuses_anonymous_visitors(app: Flask, client: FlaskClient) -> None:
    make_endorsement(app)
    for endpoint, method, url in _console_routes(app):
        response = _request(client, method, url)
        if endpoint in OPEN:
            assert response.status_code in (200, 400, 401, 410), (endpoint, method)
        else:
            assert response.status_code == 302, (endpoint, method, response.status_code)
            assert response.headers["Location"].startswith("/moderate/login"), endpoint


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_every_console_route_answers_by_role(app: Flask, role: str) -> None:
    entry_id = make_endorsement(app, logo=a_logo())  # with a logo: the console shows it
    other_id = make_user(app, "other@campaign.example")
    make_user(app, f"{role}@campaign.example", role)
    client = app.test_client()
    login(client, f"{role}@campaign.example")
    for endpoint, method, url in _console_routes(app, entry_id, other_id):
        if endpoint in ("moderation.logout", "moderation.deactivate"):
            continue  # they end sessions; tested on their own below
        response = _request(client, method, url)
        location = response.headers.get("Location", "")
        assert not location.startswith("/moderate/login"), (endpoint, method)
        if endpoint in ADMIN_ONLY and role == "moderator":
            assert response.status_code == 403, (endpoint, method)
        elif endpoint not in OPEN:
            assert response.status_code in (200, 302, 303, 400, 410), (
                endpoint,
                method,
                response.status_code,
            )
            assert response.status_code != 403


def test_every_console_post_needs_a_csrf_token(app: Flask, admin: FlaskClient) -> None:
    make_endorsement(app)
    for _endpoint, method, url in _console_routes(app):
        if method == "POST":
            response = admin.post(url, data={})
            assert response.status_code == 400, url
            assert "did not come from this site" in response.get_data(as_text=True)


def test_login_failures_say_the_same_thing(app: Flask, client: FlaskClient) -> None:
    make_user(app, "mod@campaign.example")
    wrong_password = login(client, "mod@campaign.example", "not the password")
    unknown = login(client, "nobody@campaign.example", "not the password")
    assert wrong_password.status_code == unknown.status_code == 401
    for response in (wrong_password, unknown):
        assert "Invalid email or password." in response.get_data(as_text=True)


def test_login_starts_a_fresh_session_and_logout_revokes_it(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "mod@campaign.example")
    with client.session_transaction("/moderate/") as session:
        session["planted"] = "by an attacker"
    assert login(client, "mod@campaign.example").status_code == 302
    with client.session_transaction("/moderate/") as session:
        assert "planted" not in session
    assert client.get("/moderate/").status_code == 200
    stolen = client.get_cookie("session")
    assert stolen is not None

    token = csrf_token(client, "/moderate/")
    assert client.post("/moderate/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/moderate/").status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", stolen.value)
    response = replay.get("/moderate/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/moderate/login")


def test_session_cookie_flags(app_factory: Any) -> None:
    app = app_factory()
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    client = app.test_client()
    make_user(app, "mod@campaign.example")
    response = login(client, "mod@campaign.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_an_idle_session_ends(app: Flask, moderator: FlaskClient) -> None:
    assert moderator.get("/moderate/queue").status_code == 200
    with moderator.session_transaction("/moderate/") as session:
        session["seen"] = time.time() - 31 * 60  # half an hour passes
    response = moderator.get("/moderate/queue")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/moderate/login")
    page = moderator.get(response.headers["Location"]).get_data(as_text=True)
    assert "without activity" in page


def test_deactivating_an_account_ends_its_sessions_at_once(app: Flask, admin: FlaskClient) -> None:
    user_id = make_user(app, "leaving@campaign.example")
    leaving = app.test_client()
    login(leaving, "leaving@campaign.example")
    assert leaving.get("/moderate/").status_code == 200

    token = csrf_token(admin, "/moderate/users")
    response = admin.post(f"/moderate/users/{user_id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    assert leaving.get("/moderate/").status_code == 302
    assert login(app.test_client(), "leaving@campaign.example").status_code == 401


def test_an_admin_cannot_lock_out_the_last_admin(app: Flask, admin: FlaskClient) -> None:
    token = csrf_token(admin, "/moderate/users")
    response = admin.post(
        f"/moderate/users/{_user_id(app, 'admin@campaign.example')}/role",
        data={"csrf_token": token, "role": "moderator"},
        follow_redirects=True,
    )
    assert "last active admin" in response.get_data(as_text=True)
    assert admin.get("/moderate/users").status_code == 200


def test_role_changes_take_effect(app: Flask, admin: FlaskClient) -> None:
    user_id = make_user(app, "promoted@campaign.example")
    token = csrf_token(admin, "/moderate/users")
    admin.post(f"/moderate/users/{user_id}/role", data={"csrf_token": token, "role": "admin"})
    promoted = app.test_client()
    login(promoted, "promoted@campaign.example")
    assert promoted.get("/moderate/users").status_code == 200


def test_repeated_failures_are_limited_per_account(app_factory: Any) -> None:
    app = app_factory(LOGIN_FREE_FAILURES=3)
    make_user(app, "mod@campaign.example")
    client = app.test_client()
    for _ in range(3):
        assert login(client, "mod@campaign.example", "wrong guess").status_code == 401
    blocked = login(client, "mod@campaign.example")  # even the right password waits
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert "Please wait" in blocked.get_data(as_text=True)
    assert login(app.test_client(), "mod@campaign.example").status_code == 429
    make_user(app, "other@campaign.example")
    assert login(app.test_client(), "other@campaign.example").status_code == 302


def test_repeated_failures_are_limited_per_address(app_factory: Any) -> None:
    app = app_factory(LOGIN_LIMIT_PER_IP="4 per 15 minutes")
    make_user(app, "mod@campaign.example")
    client = app.test_client()
    for index in range(4):
        assert login(client, f"guess{index}@campaign.example", "x").status_code == 401
    assert login(client, "mod@campaign.example").status_code == 429


def test_successful_logins_do_not_count(app_factory: Any) -> None:
    app = app_factory(LOGIN_FREE_FAILURES=2)
    make_user(app, "mod@campaign.example")
    for _ in range(4):
        assert login(app.test_client(), "mod@campaign.example").status_code == 302


def test_next_only_leads_to_our_own_console(app: Flask, client: FlaskClient) -> None:
    make_user(app, "mod@campaign.example")
    for target, expected in [
        ("/moderate/queue", "/moderate/queue"),
        ("https://evil.example/", "/moderate/"),
        ("//evil.example/x", "/moderate/"),
        ("/\\evil.example", "/moderate/"),
    ]:
        fresh = app.test_client()
        page = f"/moderate/login?next={target}"
        response = fresh.post(
            page,
            data={
                "csrf_token": csrf_token(fresh, page),
                "email": "mod@campaign.example",
                "password": PASSWORD,
            },
        )
        assert response.headers["Location"] == expected, target


def test_an_invited_moderator_sets_a_password_once(
    app: Flask, admin: FlaskClient, mailbox: Mailbox
) -> None:
    response = submit(
        admin, "/moderate/users", {"email": "new@campaign.example", "role": "moderator"}
    )
    assert response.status_code == 302
    [mail] = mailbox.wait_for(1)
    assert mail["To"] == "new@campaign.example"
    link = re.search(r"http://endorse\.test(/moderate/welcome/\S+)", text_of(mail))
    assert link
    path = link.group(1)

    newcomer = app.test_client()
    assert login(newcomer, "new@campaign.example", "anything at all").status_code == 401
    short = submit(newcomer, path, {"password": "short", "confirm": "short"})
    assert short.status_code == 400
    mismatch = submit(newcomer, path, {"password": PASSWORD, "confirm": PASSWORD + "!"})
    assert mismatch.status_code == 400
    done = submit(newcomer, path, {"password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302
    assert login(newcomer, "new@campaign.example").status_code == 302
    assert newcomer.get("/moderate/queue").status_code == 200
    assert app.test_client().get(path).status_code == 410


def test_inviting_an_existing_address_says_so(app: Flask, admin: FlaskClient) -> None:
    response = submit(
        admin, "/moderate/users", {"email": "admin@campaign.example", "role": "moderator"}
    )
    assert response.status_code == 400
    assert "exists already" in response.get_data(as_text=True)


def test_a_deactivated_account_can_be_reactivated(app: Flask, admin: FlaskClient) -> None:
    user_id = make_user(app, "back@campaign.example")
    token = csrf_token(admin, "/moderate/users")
    admin.post(f"/moderate/users/{user_id}/deactivate", data={"csrf_token": token})
    assert login(app.test_client(), "back@campaign.example").status_code == 401
    token = csrf_token(admin, "/moderate/users")
    admin.post(f"/moderate/users/{user_id}/activate", data={"csrf_token": token})
    assert login(app.test_client(), "back@campaign.example").status_code == 302
    audit_page = admin.get("/moderate/audit?action=user.activate").get_data(as_text=True)
    assert "user.activate" in audit_page


def test_an_admin_cannot_deactivate_themselves(app: Flask, admin: FlaskClient) -> None:
    token = csrf_token(admin, "/moderate/users")
    response = admin.post(
        f"/moderate/users/{_user_id(app, 'admin@campaign.example')}/deactivate",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    assert admin.get("/moderate/").status_code == 200


def _user_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.email == email)).one()


def test_failed_logins_count_against_one_account_however_its_address_is_spelled(
    app: Flask, client: FlaskClient
) -> None:
    assert app.config["LOGIN_FREE_FAILURES"] == 5
    make_user(app, "mod@campaign.example")
    spellings = [" Mod@Campaign.Example ", "mod@campaign.example"] * 2 + [" MOD@campaign.example"]
    for spelling in spellings:
        assert login(client, spelling, "wrong guess").status_code == 401, spelling
    assert login(app.test_client(), "mod@campaign.example").status_code == 429


def test_an_invitation_older_than_three_days_is_refused(
    app: Flask, admin: FlaskClient, mailbox: Mailbox, time_machine: Any
) -> None:
    assert app.config["INVITE_MAX_AGE"] == 3 * 24 * 3600
    time_machine.move_to(datetime.now(UTC), tick=False)
    response = submit(
        admin, "/moderate/users", {"email": "late@campaign.example", "role": "moderator"}
    )
    assert response.status_code == 302
    [mail] = mailbox.wait_for(1)
    link = re.search(r"http://endorse\.test(/moderate/welcome/\S+)", text_of(mail))
    assert link
    path = link.group(1)

    newcomer = app.test_client()
    time_machine.shift(timedelta(days=3))
    assert newcomer.get(path).status_code == 200  # three days old: still good
    time_machine.shift(timedelta(seconds=1))
    assert newcomer.get(path).status_code == 410
    password = {"password": PASSWORD, "confirm": PASSWORD}
    refused = newcomer.post(
        path, data={"csrf_token": csrf_token(newcomer, "/moderate/login"), **password}
    )
    assert refused.status_code == 410
    assert login(newcomer, "late@campaign.example").status_code == 401
