"""Each signer's step and each entry added by hand leaves the record a reader of the audit
trail needs: who acted, which move, and why."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from endorse import audit, operations
from endorse.extensions import db
from endorse.models import ActorKind, AuditEvent, Category, Endorsement, Region, State
from endorse.tokens import Purpose, TokenUsed, make_token

from .helpers import make_endorsement, make_user


def _trail(app: Flask, entry_id: int) -> list[tuple[Any, ...]]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.endorsement_id == entry_id).order_by(AuditEvent.id)
        )
        return [
            (e.actor_kind, e.actor_user_id, e.action, e.from_state, e.to_state, e.reason)
            for e in events
        ]


def _manage_token(app: Flask, entry_id: int) -> str:
    with app.app_context():
        nonce = db.session.get_one(Endorsement, entry_id).token_nonce
        return make_token(Purpose.MANAGE, entry_id, nonce)


SIGNER = (ActorKind.SIGNER, None)


def test_a_signers_withdrawal_is_on_record_as_theirs(app: Flask) -> None:
    entry_id = make_endorsement(app, State.APPROVED)
    token = _manage_token(app, entry_id)
    seen = len(_trail(app, entry_id))
    with app.app_context():
        assert operations.withdraw_by_signer(token) is True
    assert _trail(app, entry_id)[seen:] == [
        (*SIGNER, "transition", State.APPROVED, State.WITHDRAWN, "withdrawn by the signer")
    ]


def test_a_signers_erasure_is_on_record_as_theirs(app: Flask) -> None:
    entry_id = make_endorsement(app, State.APPROVED)
    token = _manage_token(app, entry_id)
    seen = len(_trail(app, entry_id))
    with app.app_context():
        operations.erase_by_signer(token)
    reason = "erased at the signer's request"
    assert _trail(app, entry_id)[seen:] == [
        (*SIGNER, "erase", None, None, reason),
        (*SIGNER, "transition", State.APPROVED, State.WITHDRAWN, reason),
    ]


def test_an_entry_added_by_hand_walks_the_signers_states_on_record(app: Flask) -> None:
    moderator = audit.Actor.moderator(make_user(app, "adder@campaign.example"))
    submission = operations.Submission(
        name="Signed On Paper",
        category=Category.NGO,
        city="Namur",
        region=Region.NAMUR,
        contact_name=None,
        contact_email=None,
        language="fr",
        consent_publish=True,
    )
    with app.app_context():
        entry_id = operations.add_published(submission, moderator, "signed on paper in May")
        with pytest.raises(operations.ConsentMissing, match="consent to publish"):
            operations.add_published(
                operations.Submission(**{**vars(submission), "consent_publish": False}),
                moderator,
                "no consent",
            )
    by = (ActorKind.MODERATOR, moderator.user_id)
    assert _trail(app, entry_id) == [
        (*by, "signed", None, State.UNVERIFIED, None),
        (*by, "transition", State.UNVERIFIED, State.VERIFIED, "signed on paper in May"),
        (*by, "transition", State.VERIFIED, State.APPROVED, "signed on paper in May"),
    ]


def test_a_manage_link_to_an_entry_that_is_gone_is_used_up(app: Flask) -> None:
    """A purged entry's old link: refused as a used one (the page offers a new link), not
    an error."""
    entry_id = make_endorsement(app)
    token = _manage_token(app, entry_id)
    with app.app_context():
        db.session.delete(db.session.get_one(Endorsement, entry_id))
        db.session.commit()
        with pytest.raises(TokenUsed):
            operations.check_manage(token)
