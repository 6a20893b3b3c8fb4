"""Each account's own page: the console's language, the daily digest, and the password."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from endorse.extensions import db
from endorse.models import AuditEvent, User

from .helpers import PASSWORD, csrf_token, errors_on, login, make_user, post_action, submit

NEW_PASSWORD = "a much longer sentence I will remember"


def _user(app: Flask, email: str = "mod@campaign.example") -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        db.session.expunge(user)
        return user


def _change(client: FlaskClient, current: str, new: str, again: str) -> Any:
    return post_action(
        client,
        "/moderate/account/password",
        "/moderate/account",
        current=current,
        password=new,
        confirm=again,
    )


def test_the_account_page_needs_a_session(client: FlaskClient) -> None:
    response = client.get("/moderate/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/moderate/login")


def test_the_preferences_are_saved_and_the_console_speaks_the_chosen_language(
    app: Flask, moderator: FlaskClient
) -> None:
    page = moderator.get("/moderate/account").get_data(as_text=True)
    assert "Your account" in page
    assert '<input checked id="digest" name="digest"' in page  # on by default
    response = submit(moderator, "/moderate/account", {"language": "nl"})  # digest unticked
    assert response.status_code == 302
    user = _user(app)
    assert (user.language, user.digest) == ("nl", False)
    assert "Uw account" in moderator.get("/moderate/account").get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEvent.action)
                .where(AuditEvent.subject_user_id == user.id)
                .order_by(AuditEvent.id.desc())
                .limit(1)
            )
            == "user.preferences"
        )
    # Back to the browser's language, digest on again.
    submit(moderator, "/moderate/account", {"language": "", "digest": "y"})
    user = _user(app)
    assert (user.language, user.digest) == (None, True)
    page = moderator.get("/moderate/account", headers={"Accept-Language": "fr"})
    assert "Votre compte" in page.get_data(as_text=True)
    # The audit log says it in words: the language's name, the digest on or off.
    log = moderator.get(
        "/moderate/audit?action=user.preferences", headers={"Accept-Language": "en"}
    )
    trail = log.get_data(as_text=True)
    assert "Language: Nederlands" in trail
    assert "Daily digest: No" in trail
    assert "Daily digest: Yes" in trail
    assert "True" not in trail
    assert "False" not in trail


def test_a_language_we_do_not_have_is_refused(app: Flask, moderator: FlaskClient) -> None:
    response = submit(moderator, "/moderate/account", {"language": "de", "digest": "y"})
    assert response.status_code == 400
    assert errors_on(response)
    assert _user(app).language is None


def test_the_forms_need_their_csrf_token(app: Flask, moderator: FlaskClient) -> None:
    assert moderator.post("/moderate/account", data={"language": "fr"}).status_code == 400
    assert _user(app).language is None
    response = moderator.post(
        "/moderate/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert _user(app).check_password(PASSWORD)


def test_changing_the_password_needs_the_current_one(app: Flask, moderator: FlaskClient) -> None:
    response = _change(moderator, "not my password at all", NEW_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 400
    assert "This is not your current password." in errors_on(response)
    assert _user(app).check_password(PASSWORD)


def test_a_new_password_ends_the_other_sessions_but_not_this_one(
    app: Flask, moderator: FlaskClient
) -> None:
    other = app.test_client()
    assert login(other, "mod@campaign.example").status_code == 302
    response = _change(moderator, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert moderator.get("/moderate/account").status_code == 200  # this session goes on
    assert other.get("/moderate/account").status_code == 302  # the other one has ended
    assert login(app.test_client(), "mod@campaign.example").status_code == 401
    assert login(app.test_client(), "mod@campaign.example", NEW_PASSWORD).status_code == 302


def test_a_too_short_or_mistyped_new_password_is_refused(
    app: Flask, moderator: FlaskClient
) -> None:
    for new, again in (("short", "short"), (NEW_PASSWORD, NEW_PASSWORD + "!")):
        response = _change(moderator, PASSWORD, new, again)
        assert response.status_code == 400
        assert errors_on(response)
    assert _user(app).check_password(PASSWORD)


def test_an_invited_account_speaks_the_language_it_was_invited_in(
    app: Flask, admin: FlaskClient
) -> None:
    token = csrf_token(admin, "/moderate/users")
    admin.post(
        "/moderate/users",
        data={"csrf_token": token, "email": "nieuw@campaign.example", "role": "moderator"},
        headers={"Accept-Language": "nl"},
    )
    assert _user(app, "nieuw@campaign.example").language == "nl"
    make_user(app, "cli@campaign.example")
    assert _user(app, "cli@campaign.example").language is None
