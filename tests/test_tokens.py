"""Confirmation links: valid once, for a limited time, under the current or an old key."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from endorse import operations
from endorse.errors import DomainError
from endorse.extensions import db
from endorse.models import Endorsement, State, User
from endorse.tokens import (
    FORM_PAYLOAD,
    FORM_SALT,
    MAX_CARRIED_TOKEN,
    UPLOAD_SALT,
    Purpose,
    TokenError,
    TokenExpired,
    TokenInvalid,
    TokenUsed,
    carry_upload,
    form_token_is_valid,
    make_form_token,
    make_token,
    new_nonce,
    read_carried_upload,
    read_token,
)

from .helpers import Mailbox, csrf_token, link_in, make_endorsement, path_of, sign


def _token_for(app: Flask, entry_id: int) -> str:
    with app.app_context():
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        return make_token(Purpose.CONFIRM, entry.id, entry.token_nonce)


def _state(app: Flask, entry_id: int) -> State:
    with app.app_context():
        return db.session.scalar(select(Endorsement.state).where(Endorsement.id == entry_id))  # type: ignore[return-value]


def test_a_valid_token_confirms(app: Flask) -> None:
    entry_id = make_endorsement(app)
    token = _token_for(app, entry_id)
    with app.app_context():
        assert operations.confirm(token) == entry_id
    assert _state(app, entry_id) == State.VERIFIED


def test_a_token_works_once(app: Flask) -> None:
    entry_id = make_endorsement(app)
    token = _token_for(app, entry_id)
    with app.app_context():
        operations.confirm(token)
        with pytest.raises(TokenUsed):
            operations.confirm(token)


def test_the_payload_holds_no_personal_data(app: Flask) -> None:
    import base64

    entry_id = make_endorsement(app, contact_email="secret.person@ligue.example")
    token = _token_for(app, entry_id)
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "secret.person" not in decoded
    assert "Ligue" not in decoded


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: t.split(".")[0],  # signature cut off
        lambda t: "WzEsIm5vbmNlIl0" + t[t.index(".") :],  # payload swapped for another id
        lambda t: t + "x",
        lambda t: "",
        lambda t: "%00",
    ],
)
def test_a_tampered_token_is_invalid(app: Flask, tamper: Any) -> None:
    entry_id = make_endorsement(app)
    token = tamper(_token_for(app, entry_id))
    with app.app_context(), pytest.raises(TokenInvalid):
        operations.confirm(token)
    assert _state(app, entry_id) == State.UNVERIFIED


def test_a_token_of_another_purpose_is_invalid(app: Flask) -> None:
    from itsdangerous import URLSafeTimedSerializer

    entry_id = make_endorsement(app)
    with app.app_context():
        nonce = db.session.get(Endorsement, entry_id).token_nonce  # type: ignore[union-attr]
        other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="endorse.manage")
        with pytest.raises(TokenInvalid):
            operations.confirm(str(other.dumps([entry_id, nonce])))


def test_an_expired_token_is_refused(app_factory: Any, time_machine: Any) -> None:
    app = app_factory(VERIFY_MAX_AGE=60)
    time_machine.move_to(datetime.now(UTC))
    entry_id = make_endorsement(app)
    token = _token_for(app, entry_id)
    time_machine.shift(timedelta(seconds=61))
    with app.app_context(), pytest.raises(TokenExpired):
        operations.confirm(token)
    assert _state(app, entry_id) == State.UNVERIFIED


def test_tokens_survive_a_key_rotation(app_factory: Any) -> None:
    old = app_factory(SECRET_KEY="the-old-secret-key-for-signing-links")
    entry_id = make_endorsement(old)
    token = _token_for(old, entry_id)

    without_fallback = app_factory(SECRET_KEY="the-new-secret-key-for-signing-links")
    with without_fallback.app_context(), pytest.raises(TokenInvalid):
        read_token(Purpose.CONFIRM, token, 3600)

    rotated = app_factory(
        SECRET_KEY="the-new-secret-key-for-signing-links",
        SECRET_KEY_FALLBACKS="the-old-secret-key-for-signing-links",
    )
    with rotated.app_context():
        assert operations.confirm(token) == entry_id
        # New links are signed with the new key.
        fresh = make_token(Purpose.CONFIRM, entry_id, "n")
    with without_fallback.app_context():
        assert read_token(Purpose.CONFIRM, fresh, 3600) == (entry_id, "n")


# Through the web pages.


def _confirm_via_web(client: Any, link: str) -> Any:
    return client.post(path_of(link), data={"csrf_token": csrf_token(client, path_of(link))})


def test_a_used_link_gets_a_friendly_page_with_a_new_link_form(
    client: Any, mailbox: Mailbox
) -> None:
    sign(client)
    link = link_in(mailbox.wait_for(1)[0])
    assert _confirm_via_web(client, link).status_code == 303

    again = client.get(path_of(link))
    assert again.status_code == 410
    body = again.get_data(as_text=True)
    assert "already been used" in body
    assert 'name="contact_email"' in body
    replay = client.post(path_of(link), data={"csrf_token": csrf_token(client, "/en/new-link")})
    assert replay.status_code == 410


def test_a_tampered_link_gets_400_and_the_new_link_form(client: Any) -> None:
    page = client.get("/en/confirm/not-a-real-token")
    assert page.status_code == 400
    assert 'name="contact_email"' in page.get_data(as_text=True)


def test_an_expired_link_gets_410(app_factory: Any, mailbox: Mailbox, time_machine: Any) -> None:
    client = app_factory(VERIFY_MAX_AGE=60).test_client()
    time_machine.move_to(datetime.now(UTC))
    sign(client)
    link = link_in(mailbox.wait_for(1)[0])
    time_machine.shift(timedelta(seconds=61))
    page = client.get(path_of(link))
    assert page.status_code == 410
    assert "expired" in page.get_data(as_text=True)


def test_confirming_needs_the_csrf_token(app: Flask, client: Any, mailbox: Mailbox) -> None:
    sign(client)
    link = link_in(mailbox.wait_for(1)[0])
    refused = client.post(path_of(link), data={})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Endorsement.state)) == State.UNVERIFIED


@pytest.mark.parametrize("error", [TokenInvalid, TokenExpired, TokenUsed])
def test_every_refused_link_is_a_token_error(error: type[Exception]) -> None:
    assert issubclass(error, TokenError)
    assert issubclass(error, DomainError)


def test_a_nonce_is_random_and_fits_the_column_that_keeps_it() -> None:
    nonces = {new_nonce() for _ in range(100)}
    assert len(nonces) == 100
    assert {len(nonce) for nonce in nonces} == {16}  # 96 random bits, base64url
    longest = max(len(nonce) for nonce in nonces)
    assert longest <= Endorsement.__table__.c.token_nonce.type.length  # PostgreSQL enforces it
    assert longest <= User.__table__.c.token_nonce.type.length


def test_a_form_token_is_dated_to_the_hour_so_every_visitor_gets_the_same_page(
    app: Flask, time_machine: Any
) -> None:
    with app.app_context():
        time_machine.move_to(datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC), tick=False)
        first = make_form_token()
        time_machine.move_to(datetime(2026, 12, 1, 10, 59, 59, tzinfo=UTC), tick=False)
        assert make_form_token() == first
        time_machine.move_to(datetime(2026, 12, 1, 11, 0, 0, tzinfo=UTC), tick=False)
        assert make_form_token() != first
        signed = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=FORM_SALT)
        payload, dated = signed.loads(first, return_timestamp=True)
        assert (payload, dated) == (FORM_PAYLOAD, datetime(2026, 12, 1, 10, tzinfo=UTC))
        assert form_token_is_valid(first)


def test_a_form_token_is_no_link_and_a_link_is_no_form_token(app: Flask) -> None:
    with app.app_context():
        form_token = make_form_token()
        for purpose in Purpose:
            with pytest.raises(TokenInvalid):
                read_token(purpose, form_token, max_age=3600)
            assert not form_token_is_valid(make_token(purpose, 1, new_nonce()))
        other_payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=FORM_SALT)
        assert not form_token_is_valid(other_payload.dumps("something else"))


def _signed_upload(app: Flask, payload: Any) -> str:
    """What ``carry_upload`` would sign, with any payload: a key holder's token, not a visitor's."""
    return str(URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=UPLOAD_SALT).dumps(payload))


def test_a_carried_logo_is_signed_for_its_own_use(app: Flask) -> None:
    """A form served before a deploy still carries its logo after it (the salt is its own and
    stays), and no other token of ours is taken for a carried logo."""
    assert UPLOAD_SALT == "endorse.carried-upload"
    with app.app_context():
        assert read_carried_upload(_signed_upload(app, ["d2VicA==", 2, 3])) == (b"webp", 2, 3)
        token = carry_upload(b"webp", 2, 3)
        assert token is not None
        assert URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=UPLOAD_SALT).loads(token) == [
            "d2VicA==",
            2,
            3,
        ]
        for other in (make_form_token(), make_token(Purpose.MANAGE, 1, new_nonce())):
            with pytest.raises(TokenInvalid):
                read_carried_upload(other)


@pytest.mark.parametrize(
    "payload",
    [
        ["d2VicA==", "2", 3],  # a width that is not a number
        ["d2VicA==", 2],  # no height
        [b"webp".hex(), 2, 3, 4],  # one field too many
        {"content": "d2VicA==", "width": 2, "height": 3},
        ["d2Vi!cA==", 2, 3],  # a lenient decoder would skip the "!"
        ["d2VicA", 2, 3],  # base64 without its padding
    ],
)
def test_a_carried_logo_of_the_wrong_shape_is_refused(app: Flask, payload: Any) -> None:
    with app.app_context(), pytest.raises(TokenInvalid):
        read_carried_upload(_signed_upload(app, payload))


def test_a_carried_logo_larger_than_we_ever_sign_is_refused_unread(app: Flask) -> None:
    """Even signed: the bound is checked before the signature and the decoding are paid for."""
    with app.app_context():
        # Valid base64, and signed: only its size is wrong. Random, so it does not compress.
        content = base64.b64encode(os.urandom(MAX_CARRIED_TOKEN)).decode("ascii")
        token = _signed_upload(app, [content, 1, 1])
        assert len(token) > MAX_CARRIED_TOKEN
        with pytest.raises(TokenInvalid):
            read_carried_upload(token)


def test_a_carried_logo_expires_with_the_form(app: Flask, time_machine: Any) -> None:
    with app.app_context():
        time_machine.move_to(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tick=False)
        token = carry_upload(b"webp", 2, 3)
        assert token is not None
        age = app.config["FORM_TOKEN_MAX_AGE"]
        time_machine.move_to(datetime(2026, 12, 1, 10, 0, tzinfo=UTC) + timedelta(seconds=age))
        assert read_carried_upload(token) == (b"webp", 2, 3)
        time_machine.shift(timedelta(seconds=2))
        with pytest.raises(TokenExpired):
            read_carried_upload(token)
