"""The moderators' daily digest: how many entries await a decision, the oldest, the queue.

From ``ENDORSE_DIGEST_HOUR`` in ``ENDORSE_TIMEZONE``, each active account that has not turned
it off gets one mail a day, in its language, through the outbox; none when nothing waits.
The mail worker tries every minute and ``flask endorse digest`` may run from cron: a row per
account and day in ``digests_sent``, written in the transaction that queues the mail, makes
it once a day however many of them run at the same moment.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..config import LANGUAGES
from ..database import write_transaction
from ..extensions import db
from ..mail import messages
from ..mail.messages import Waiting
from ..mail.outbox import enqueue
from ..models import Correction, DigestSent, Endorsement, MailKind, State, User
from ..models.types import utcnow


def local_now() -> datetime:
    """Now on the campaign's clock."""
    return utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def waiting() -> Waiting | None:
    """What awaits a decision now: new endorsements and signers' corrections; None if nothing."""
    endorsements, oldest_entry = db.session.execute(
        select(func.count(), func.min(Endorsement.verified_at)).where(
            Endorsement.state == State.VERIFIED
        )
    ).one()
    corrections, oldest_correction = db.session.execute(
        select(func.count(), func.min(Correction.proposed_at))
    ).one()
    if not endorsements and not corrections:
        return None
    oldest = min(when for when in (oldest_entry, oldest_correction) if when is not None)
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return Waiting(endorsements, corrections, _as_utc(oldest).astimezone(zone).date())


def _as_utc(moment: datetime) -> datetime:
    # An aggregate skips the column's type on SQLite: the value may come back naive (UTC).
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


def send_due() -> list[int]:
    """Queue today's digest for every account that is due one; return the outbox ids."""
    now = local_now()
    if now.hour < current_app.config["DIGEST_HOUR"]:
        return []
    what = waiting()
    if what is None:
        return []
    day = now.date()
    due = db.session.scalars(
        select(User.id)
        .where(
            User.active.is_(True),
            User.digest.is_(True),
            ~select(DigestSent.user_id)
            .where(DigestSent.user_id == User.id, DigestSent.day == day)
            .exists(),
        )
        .order_by(User.id)
    ).all()
    return [message_id for user_id in due if (message_id := _send_one(user_id, day, what))]


def _send_one(user_id: int, day: date, what: Waiting) -> int | None:
    try:
        with write_transaction():
            user = db.session.get(User, user_id)
            if user is None or not user.active or not user.digest:
                return None
            db.session.add(DigestSent(user_id=user_id, day=day, sent_at=utcnow()))
            db.session.flush()  # a concurrent sender's row for this day makes this one fail
            language = user.language or LANGUAGES[0]
            message = enqueue(user.email, MailKind.DIGEST, messages.digest(user, language, what))
            db.session.flush()
            return message.id
    except IntegrityError:
        return None  # another sender queued it first: once a day it is
