"""Moderator accounts: invitations, passwords, roles, and ending sessions at once."""

from __future__ import annotations

import secrets
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from .. import audit
from ..audit import Actor
from ..config import LANGUAGES
from ..database import write_transaction
from ..errors import DomainError, NotFound
from ..extensions import db
from ..mail import messages
from ..mail.outbox import deliver_after_response, enqueue
from ..models import MailKind, Role, User
from ..models.types import utcnow
from ..tokens import Purpose, TokenUsed, new_nonce, nonce_matches, read_token
from . import lockout

MIN_PASSWORD = 12


def _hash_method() -> str:
    return str(current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash(method: str) -> str:
    """Checked when no account matches, so a wrong email costs as long as a wrong password."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


class AccountError(DomainError):
    """An account change the rules refuse."""


class InvalidEmail(AccountError):
    pass


class WeakPassword(AccountError):
    pass


class AccountExists(AccountError):
    pass


class LastAdmin(AccountError):
    """The console always keeps one active admin."""


class OwnAccount(AccountError):
    """An admin cannot lock themselves out."""


class WrongPassword(AccountError):
    """Changing a password needs the current one: a session left open is not enough."""


def normalize_email(address: str) -> str:
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidEmail(f"not a valid email address: {exc}") from exc


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(f"the password needs at least {MIN_PASSWORD} characters")


def create(email: str, password: str, role: Role, actor: Actor) -> User:
    """An account with a password, made from the command line."""
    check_password_strength(password)
    with write_transaction():
        user = _new_user(email, role, actor, password)
    return user


def ensure(email: str, password: str, role: Role, actor: Actor) -> User:
    """The account for ``email`` with this password and role, made or reset (the demo's admin).

    Resetting ends the account's sessions, like any change of password.
    """
    check_password_strength(password)
    with write_transaction():
        user = db.session.scalar(
            select(User).where(User.email == normalize_email(email)).with_for_update()
        )
        if user is None:
            return _new_user(email, role, actor, password)
        user.set_password(password, _hash_method())
        user.role, user.active = role, True
        user.session_version += 1
        audit.record(actor, "user.password", subject_user_id=user.id)
    return user


def invite(email: str, role: Role, actor: Actor, language: str) -> User:
    """An account whose owner sets the password through a single-use, expiring link."""
    with write_transaction():
        # The password is unusable until they choose one.
        user = _new_user(email, role, actor, secrets.token_urlsafe(32))
        user.language = language  # invited in it: the console and the digest speak it too
        message = enqueue(user.email, MailKind.INVITE, messages.invite(user, language))
        db.session.flush()
        message_id = message.id
    deliver_after_response([message_id])
    return user


def _new_user(email: str, role: Role, actor: Actor, password: str) -> User:
    address = normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == address)):
        raise AccountExists(f"an account for {address} exists already")
    user = User(email=address, role=role, token_nonce=new_nonce())
    user.set_password(password, _hash_method())
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", subject_user_id=user.id, data={"role": role.value})
    return user


def check_invitation(token: str) -> User:
    user_id, nonce = read_token(Purpose.INVITE, token, current_app.config["INVITE_MAX_AGE"])
    user = db.session.get(User, user_id)
    if user is None or not user.active or not nonce_matches(user.token_nonce, nonce):
        raise TokenUsed()
    return user


def set_password(token: str, password: str) -> User:
    """Use an invitation link: set the password; the link and older sessions stop working."""
    check_password_strength(password)
    with write_transaction():
        user = check_invitation(token)
        db.session.refresh(user, with_for_update=True)
        user.set_password(password, _hash_method())
        user.token_nonce = new_nonce()
        user.session_version += 1
        audit.record(Actor.moderator(user.id), "user.password", subject_user_id=user.id)
    return user


def login_address(email: str) -> str:
    """The address as the sign-in reads it: the account's, for every spelling that reaches it.
    Text that is no address at all stands for itself, folded, so it is counted like any other."""
    try:
        return normalize_email(email)
    except InvalidEmail:
        return " ".join(email.split()).casefold()


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password, or None, in the same time either way.

    Raises ``lockout.MustWait`` while the address has failed too often (see ``lockout``),
    known or not, right password or not.
    """
    address = login_address(email)
    lockout.begin_attempt(address)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None:
        User(password_hash=_dummy_hash(_hash_method())).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    with write_transaction():
        db.session.get_one(User, user.id).last_login_at = utcnow()
        lockout.succeeded(address)
    return db.session.get(User, user.id)


def load(session_id: str) -> User | None:
    """The account of a login session, if it is still valid (Flask-Login's user loader)."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def end_sessions(user_id: int) -> None:
    """Log the account out everywhere: every existing session cookie stops working."""
    with write_transaction():
        user = _locked(user_id)
        user.session_version += 1


def change_role(user_id: int, role: Role, actor: Actor) -> None:
    with write_transaction():
        user = _locked(user_id)
        if user.role == role:
            return
        if user.role == Role.ADMIN:
            _keep_an_admin(user)
        audit.record(
            actor,
            "user.role",
            subject_user_id=user.id,
            data={"role": [user.role.value, role.value]},
        )
        user.role = role
        user.session_version += 1


def set_active(user_id: int, active: bool, actor: Actor) -> None:
    """Deactivate (its sessions end at once) or reactivate an account."""
    with write_transaction():
        user = _locked(user_id)
        if user.active == active:
            return
        if not active and user.id == actor.user_id:
            raise OwnAccount("you cannot deactivate your own account")
        if not active and user.role == Role.ADMIN:
            _keep_an_admin(user)
        user.active = active
        user.session_version += 1
        audit.record(
            actor, "user.activate" if active else "user.deactivate", subject_user_id=user.id
        )


def _keep_an_admin(leaving: User) -> None:
    others = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.active.is_(True), User.id != leaving.id)
    )
    if not others:
        raise LastAdmin("the last active admin cannot lose that role")


def _locked(user_id: int) -> User:
    user = db.session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound(f"no account #{user_id}")
    return user


def active_by_email(email: str) -> User | None:
    """The active account with this address, as typed on a command line (any case)."""
    try:
        address = normalize_email(email)
    except InvalidEmail:
        return None
    user = db.session.scalar(select(User).where(User.email == address))
    return user if user is not None and user.active else None


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))


def set_preferences(user_id: int, language: str | None, digest: bool) -> None:
    """The account's own choices: the console's and mails' language, and the daily digest."""
    if language is not None and language not in LANGUAGES:
        raise AccountError(f"no language {language!r}")
    with write_transaction():
        user = _locked(user_id)
        if (user.language, user.digest) == (language, digest):
            return
        user.language, user.digest = language, digest
        audit.record(
            Actor.moderator(user_id),
            "user.preferences",
            subject_user_id=user_id,
            data={"language": language, "digest": digest},
        )


def change_password(user_id: int, current: str, new: str) -> User:
    """A new password for one's own account, given the current one. Every other session ends.

    Wrong guesses count against the address as failed sign-ins do (``lockout.MustWait``), so
    a session left open cannot be used to find the password.
    """
    check_password_strength(new)
    address = db.session.get_one(User, user_id).email
    lockout.begin_attempt(address)
    with write_transaction():
        user = _locked(user_id)
        if not user.check_password(current):
            raise WrongPassword("the current password is not right")
        lockout.succeeded(address)
        user.set_password(new, _hash_method())
        user.session_version += 1
        audit.record(Actor.moderator(user_id), "user.password", subject_user_id=user_id)
    return user


def deactivatable(users: list[User], actor: Actor) -> set[int]:
    """The accounts ``actor`` may deactivate, by the rules ``set_active`` enforces: never their
    own, never the last active admin. The console offers the button for these alone."""
    admins = [user.id for user in users if user.role == Role.ADMIN and user.active]
    return {
        user.id
        for user in users
        if user.active
        and user.id != actor.user_id
        and not (user.role == Role.ADMIN and admins == [user.id])
    }
