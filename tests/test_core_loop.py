"""Suzie's organisation signs, confirms by email, is approved and counted."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from endorse.extensions import db
from endorse.models import AuditEvent, Endorsement, OutboxMessage, State

from .helpers import Mailbox, csrf_token, link_in, path_of, sign, text_of


def _count(client: Any) -> int:
    return int(client.get("/api/v1/count").get_json()["organisations"])


def test_sign_confirm_approve_publish(
    app: Flask, client: Any, runner: Any, mailbox: Mailbox
) -> None:
    assert _count(client) == 0

    response = sign(client, lang="nl")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/nl/sign/check-your-inbox")

    [mail] = mailbox.wait_for(1)
    assert mail["To"] == "ann@kinderrechten.example"
    link = link_in(mail)
    assert link.startswith("http://endorse.test/nl/confirm/")
    assert "Kinderrechtencoalitie Vlaanderen vzw" in text_of(mail)

    # A GET only shows a button: mail scanners that prefetch links confirm nothing.
    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "Kinderrechtencoalitie Vlaanderen vzw" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Endorsement.state)) == State.UNVERIFIED

    confirmed = client.post(path_of(link), data={"csrf_token": csrf_token(client, path_of(link))})
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"].endswith("/nl/confirmed")

    listing = runner.invoke(args=["endorse", "list", "--state", "verified"])
    assert "Kinderrechtencoalitie Vlaanderen vzw" in listing.output
    assert "1 verified" in listing.output
    assert _count(client) == 0
    assert "Kinderrechtencoalitie" not in client.get("/en/supporters").get_data(as_text=True)

    with app.app_context():
        entry_id = db.session.scalar(select(Endorsement.id))
    approved = runner.invoke(args=["endorse", "approve", str(entry_id)])
    assert approved.exit_code == 0, approved.output

    assert _count(client) == 1
    assert client.get("/api/v1/count").get_json()["by_category"]["ngo"] == 1
    supporters = client.get("/en/supporters").get_data(as_text=True)
    assert "Kinderrechtencoalitie Vlaanderen vzw" in supporters
    assert "Ann Peeters" not in supporters
    assert "ann@kinderrechten.example" not in supporters
    home = client.get("/fr/").get_data(as_text=True)
    assert "<strong data-count>1</strong>" in home

    with app.app_context():
        trail = db.session.execute(
            select(AuditEvent.actor_kind, AuditEvent.from_state, AuditEvent.to_state).order_by(
                AuditEvent.id
            )
        ).all()
        assert [(str(a), f and str(f), str(t)) for a, f, t in trail] == [
            ("signer", None, "unverified"),
            ("signer", "unverified", "verified"),
            ("system", "verified", "approved"),
        ]
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        assert entry.verified_at
        assert entry.approved_at
        assert entry.language == "nl"
        assert entry.website == "https://kinderrechten.example"
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
