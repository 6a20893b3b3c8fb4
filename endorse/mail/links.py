"""Requests for a link by address, answered by the sender, never by the request itself.

Asking for a new confirmation link or a manage link must not tell whether an address signed
anything: not by the page, nor by how long the request takes. So the request only records
the address and its page's language, the same row for any address (``operations.request_link``);
the sender, after the response or in the mail worker, looks the address up, queues a mail
for each endorsement it finds, within the per-kind cap, and deletes the request in the same
transaction. An address that signed nothing is kept only until then, seconds at most.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError

from ..database import write_transaction
from ..extensions import db
from ..models import Endorsement, LinkRequest, MailKind, OutboxMessage, State
from . import messages
from .outbox import after_response, deliver, enqueue_for

log = logging.getLogger(__name__)

#: The links one may ask for, each with its mail.
BUILDERS = {MailKind.CONFIRM: messages.confirmation, MailKind.MANAGE: messages.manage}


def answer_after_response(request_id: int) -> None:
    """Answer this request once the response has gone out, and send what it queued."""
    after_response(lambda: deliver(answer([request_id])))


def answer(request_ids: Iterable[int] | None = None, limit: int = 100) -> list[int]:
    """Answer the waiting requests (only ``request_ids`` when given) and forget them.

    Each in its own transaction, so a request that cannot be answered (a bug, not the
    database: that error goes up) is dropped alone, logged, instead of blocking the rest.
    Returns the ids of the mails queued, to be delivered like any other.
    """
    query = select(LinkRequest).order_by(LinkRequest.id).limit(1)
    if request_ids is not None:
        query = query.where(LinkRequest.id.in_(list(request_ids)))
    queued: list[int] = []
    for _ in range(limit):
        request_id = None
        try:
            with write_transaction() as session:
                request = session.scalar(query.with_for_update(skip_locked=True))
                if request is None:
                    break
                request_id = request.id
                mails = _answer(request)
                session.delete(request)
                session.flush()
                queued += [mail.id for mail in mails]
        except DBAPIError:
            raise
        except Exception:
            if request_id is None:
                raise
            log.exception("link request %s could not be answered; dropped", request_id)
            with write_transaction() as session:
                session.execute(delete(LinkRequest).where(LinkRequest.id == request_id))
    return queued


def _answer(request: LinkRequest) -> list[OutboxMessage]:
    """A mail in the request's language for each endorsement the link would open."""
    query = select(Endorsement).where(Endorsement.contact_email == request.email)
    if request.kind == MailKind.CONFIRM:
        query = query.where(Endorsement.state == State.UNVERIFIED)
    entries = db.session.scalars(query.order_by(Endorsement.id).with_for_update()).all()
    build = BUILDERS[request.kind]
    mails = []
    for entry in entries:
        mail = enqueue_for(entry, request.kind, build(entry, request.language))
        if mail is not None:
            mails.append(mail)
    return mails
