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

from sqlalchemy import select

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

    Returns the ids of the mails queued, to be delivered like any other.
    """
    query = select(LinkRequest).order_by(LinkRequest.id).limit(limit)
    if request_ids is not None:
        query = query.where(LinkRequest.id.in_(list(request_ids)))
    with write_transaction() as session:
        waiting = list(session.scalars(query.with_for_update(skip_locked=True)))
        mails: list[OutboxMessage] = []
        for request in waiting:
            mails += _answer(request)
            session.delete(request)
        session.flush()
        queued = [mail.id for mail in mails]
    if waiting:
        log.info("answered %d link requests, %d mails queued", len(waiting), len(queued))
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
