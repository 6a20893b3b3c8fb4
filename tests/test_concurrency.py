"""Many signers at once, against a real threaded server: every signature kept, no error."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from endorse.extensions import db
from endorse.models import Endorsement, MailStatus, OutboxMessage

from .helpers import CSRF, VALID_SIGNATURE, LiveServer, Mailbox, eventually

SIGNERS = 50

# A real threaded server whose threads commit for real.
pytestmark = [pytest.mark.system, pytest.mark.real_commits]


def _sign_over_http(base_url: str, index: int, **changes: Any) -> int:
    with requests.Session() as session:
        page = session.get(f"{base_url}/en/sign", timeout=60)
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        data = {
            **VALID_SIGNATURE,
            "name": f"Organisation {index}",
            "contact_email": f"signer{index}@org{index}.example",
            **changes,
        }
        response = session.post(
            f"{base_url}/en/sign",
            data={"csrf_token": token, **data},
            allow_redirects=False,
            timeout=60,
        )
        return response.status_code


def _count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _all_sent(app: Flask, mailbox: Mailbox, count: int) -> list[EmailMessage]:
    """The mails, once all ``count`` outbox rows are marked sent: each server thread sends its
    mail after its response, then marks it sent, so by then every mail has arrived, and a
    mail sent twice is there twice."""
    sent = OutboxMessage.status == MailStatus.SENT
    assert eventually(lambda: _count(app, OutboxMessage, sent), count, timeout=60) == count
    assert _count(app, OutboxMessage) == count
    mails = mailbox.messages
    assert len(mails) == count, sorted(str(m["To"]) for m in mails)
    return mails


def test_fifty_signers_at_once(app: Flask, live_server: LiveServer, mailbox: Mailbox) -> None:
    with ThreadPoolExecutor(max_workers=SIGNERS) as pool:
        statuses = list(pool.map(lambda i: _sign_over_http(live_server.url, i), range(SIGNERS)))
    assert statuses == [303] * SIGNERS
    assert _count(app, Endorsement) == SIGNERS
    mails = _all_sent(app, mailbox, SIGNERS)
    assert sorted(m["To"] for m in mails) == sorted(
        f"signer{i}@org{i}.example" for i in range(SIGNERS)
    )


def test_the_same_signature_sent_many_times_at_once_makes_one_row(
    app: Flask, live_server: LiveServer, mailbox: Mailbox
) -> None:

    same = {"name": "Twin Organisation", "contact_email": "twin@twin.example"}
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda i: _sign_over_http(live_server.url, i, **same), range(12)))
    assert statuses == [303] * 12
    assert _count(app, Endorsement) == 1
    # One confirmation per submission, up to the cap of five, each sent once.
    assert _count(app, OutboxMessage) == 5
    assert len(_all_sent(app, mailbox, 5)) == 5
