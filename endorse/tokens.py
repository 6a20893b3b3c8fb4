"""Signed, expiring links. One salt per purpose, so a token of one kind never passes as another.

The payload is readable by whoever holds the link, so it holds only an endorsement id
and a nonce; the nonce changes when the link is used, which makes each link single-use.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import time
from enum import StrEnum

from flask import current_app
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from .errors import DomainError


class Purpose(StrEnum):
    CONFIRM = "confirm"  # a signer confirms their email
    INVITE = "invite"  # a new moderator sets their password
    MANAGE = "manage"  # a signer sees, edits, withdraws or erases their endorsement
    CLAIM = "claim"  # the same, mailed once to an imported supporter, valid for longer


class TokenError(DomainError):
    """A link that cannot be used; the subclass says why, so the page can say what to do."""


class TokenInvalid(TokenError):
    """Tampered, truncated, or signed for another purpose or with an unknown key."""


class TokenExpired(TokenError):
    """Genuine, but older than its purpose allows."""


class TokenUsed(TokenError):
    """Genuine and fresh, but already used (or its endorsement is gone)."""


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


FORM_SALT = "endorse.public-form"  # not a link: its own salt, beside the purposes
FORM_PAYLOAD = "form"


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return _signer(f"endorse.{purpose.value}")


def _signer(salt: str, dated: type[TimestampSigner] = TimestampSigner) -> URLSafeTimedSerializer:
    cfg = current_app.config
    # itsdangerous signs with the last key and accepts every key in the list.
    keys = [*reversed(cfg["SECRET_KEY_FALLBACKS"]), cfg["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=salt, signer=dated)


def make_token(purpose: Purpose, endorsement_id: int, nonce: str) -> str:
    return str(_serializer(purpose).dumps([endorsement_id, nonce]))


def read_token(purpose: Purpose, token: str, max_age: int) -> tuple[int, str]:
    """The (endorsement id, nonce) a token carries; raises TokenInvalid or TokenExpired."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired() from exc
    except BadData as exc:
        raise TokenInvalid() from exc
    match payload:
        case [int() as endorsement_id, str() as nonce]:
            return endorsement_id, nonce
    raise TokenInvalid()


class _HourlySigner(TimestampSigner):
    """Dates a signature to the hour: a form page is then the same bytes, and the same ETag,
    for every visitor during that hour, so caches can revalidate it with a 304."""

    def get_timestamp(self) -> int:
        return int(time.time()) // 3600 * 3600


def _form_serializer() -> URLSafeTimedSerializer:
    return _signer(FORM_SALT, _HourlySigner)


def make_form_token() -> str:
    """The token a public form carries: signed and dated, the same for every visitor (the page
    is shared), for clients that say neither where a post comes from nor its origin."""
    return str(_form_serializer().dumps(FORM_PAYLOAD))


def form_token_is_valid(token: str) -> bool:
    try:
        payload = _form_serializer().loads(token, max_age=current_app.config["FORM_TOKEN_MAX_AGE"])
    except BadData:
        return False
    return bool(payload == FORM_PAYLOAD)


def nonce_matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


UPLOAD_SALT = "endorse.carried-upload"  # a logo a form carries back to its signer after an error
#: The largest re-encoded logo a form carries (a 256-pixel WebP logo is mostly far smaller): its
#: token must fit in one text field (``MAX_FORM_MEMORY_SIZE``, 64 KiB). A larger one is not
#: carried, and the signer chooses the file again.
MAX_CARRIED_BYTES = 40 * 1024
MAX_CARRIED_TOKEN = 60_000  # base64 and the signature of the largest, with room to spare


def carry_upload(content: bytes, width: int, height: int) -> str | None:
    """A signed hidden-field value holding an image we already checked and re-encoded, so a
    form sent back with an error keeps it without a session; None when it is too large."""
    if len(content) > MAX_CARRIED_BYTES:
        return None
    payload = [base64.b64encode(content).decode("ascii"), width, height]
    return str(_signer(UPLOAD_SALT).dumps(payload))


def read_carried_upload(token: str) -> tuple[bytes, int, int]:
    """The (content, width, height) ``carry_upload`` signed; raises TokenInvalid (tampered,
    too large, or another token) or TokenExpired (older than a form's token may be)."""
    if len(token) > MAX_CARRIED_TOKEN:
        raise TokenInvalid()
    try:
        payload = _signer(UPLOAD_SALT).loads(
            token, max_age=current_app.config["FORM_TOKEN_MAX_AGE"]
        )
    except SignatureExpired as exc:
        raise TokenExpired() from exc
    except BadData as exc:
        raise TokenInvalid() from exc
    match payload:
        case [str() as encoded, int() as width, int() as height]:
            try:
                return base64.b64decode(encoded, validate=True), width, height
            except binascii.Error as exc:
                raise TokenInvalid() from exc
    raise TokenInvalid()
