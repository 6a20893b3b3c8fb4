"""Many signers at once, against a real threaded server: every signature kept, no error."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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


def test_fifty_signers_at_once(app: Flask, live_server: LiveServer, mailbox: Mailbox) -> None:
    with ThreadPoolExecutor(max_workers=SIGNERS) as pool:
        statuses = list(pool.map(lambda i: _sign_over_http(live_server.url, i), range(SIGNERS)))
    assert statuses == [303] * SIGNERS
    mails = mailbox.wait_for(SIGNERS, timeout=60)
    assert sorted(m["To"] for m in mails) == sorted(
        f"signer{i}@org{i}.example" for i in range(SIGNERS)
    )
    assert _count(app, Endorsement) == SIGNERS
    # Each sender marks its mail sent just after the SMTP server has it.
    sent = OutboxMessage.status == MailStatus.SENT
    assert eventually(lambda: _count(app, OutboxMessage, sent), SIGNERS) == SIGNERS


def test_the_same_signature_sent_many_times_at_once_makes_one_row(
    app: Flask, live_server: LiveServer, mailbox: Mailbox
) -> None:

    same = {"name": "Twin Organisation", "contact_email": "twin@twin.example"}
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda i: _sign_over_http(live_server.url, i, **same), range(12)))
    assert statuses == [303] * 12
    assert _count(app, Endorsement) == 1
    # One confirmation per submission, up to the cap of five.
    mailbox.wait_for(5, timeout=60)
    assert _count(app, OutboxMessage) == 5
