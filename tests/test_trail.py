"""Each signer's step and each entry added by hand leaves the record a reader of the audit
trail needs: who acted, which move, and why."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from endorse import audit, operations
from endorse.extensions import db
from endorse.models import (
    ActorKind,
    AuditEvent,
    Category,
    Endorsement,
    MailKind,
    OutboxMessage,
    Region,
    State,
)
from endorse.tokens import TokenUsed

from .helpers import a_logo, make_endorsement, make_user, manage_token, trail_of

SIGNER = (ActorKind.SIGNER, None)


def test_a_signers_withdrawal_is_on_record_as_theirs(app: Flask) -> None:
    entry_id = make_endorsement(app, State.APPROVED)
    token = manage_token(app, entry_id)
    seen = len(trail_of(app, entry_id))
    with app.app_context():
        assert operations.withdraw_by_signer(token) is True
    assert trail_of(app, entry_id)[seen:] == [
        (*SIGNER, "transition", State.APPROVED, State.WITHDRAWN, "withdrawn by the signer")
    ]


def test_a_signers_erasure_is_on_record_as_theirs(app: Flask) -> None:
    """Their correction waiting for review goes with their data, for the same reason."""
    entry_id = make_endorsement(app, State.APPROVED, news_opt_in=True)
    token = manage_token(app, entry_id)
    with app.app_context():
        assert operations.edit_by_signer(token, _fields(statement="Proposed.")).outcome == (
            "proposed"
        )
    seen = len(trail_of(app, entry_id))
    with app.app_context():
        operations.erase_by_signer(token)
        assert db.session.get_one(Endorsement, entry_id).news_opt_in is False
    reason = "erased at the signer's request"
    assert trail_of(app, entry_id)[seen:] == [
        (*SIGNER, "correction.drop", None, None, reason),
        (*SIGNER, "erase", None, None, reason),
        (*SIGNER, "transition", State.APPROVED, State.WITHDRAWN, reason),
    ]


def _fields(**changes: Any) -> operations.PublicFields:
    """The public fields ``make_endorsement`` gives, with ``changes``."""
    base: dict[str, Any] = {
        "name": "Ligue des familles asbl",
        "category": Category.NGO,
        "city": "Namur",
        "region": Region.NAMUR,
    }
    return operations.PublicFields(**{**base, **changes})


def test_each_signer_edit_returns_what_became_of_it_and_the_changes(app: Flask) -> None:
    published = make_endorsement(app, State.APPROVED)
    token = manage_token(app, published)
    edits = [
        ({}, "unchanged", {}),
        ({"city": "Liège"}, "proposed", {"city": ["Namur", "Liège"]}),
        ({"city": "Liège"}, "unchanged", {}),
        ({}, "cancelled", {}),
    ]
    with app.app_context():
        for changes, outcome, recorded in edits:
            assert operations.edit_by_signer(token, _fields(**changes)) == operations.SignerEdit(
                outcome, recorded
            )
    waiting = make_endorsement(app, State.VERIFIED, contact_email="v@org.example")
    token = manage_token(app, waiting)
    with app.app_context():
        assert operations.edit_by_signer(token, _fields()) == operations.SignerEdit("unchanged", {})
        assert operations.edit_by_signer(token, _fields(city="Gent")) == operations.SignerEdit(
            "saved", {"city": ["Namur", "Gent"]}
        )


def test_accepting_a_correction_the_live_version_already_says_is_still_on_record(
    app: Flask,
) -> None:
    moderator = audit.Actor.moderator(make_user(app, "accepter@campaign.example"))
    entry_id = make_endorsement(app, State.APPROVED)
    token = manage_token(app, entry_id)
    with app.app_context():
        operations.edit_by_signer(token, _fields(city="Liège"))
        waiting = operations.pending_correction(entry_id)
        assert waiting is not None
        correction_id = waiting.id
        operations.edit(entry_id, moderator, _fields(city="Liège"), "typo seen by phone")
    seen = len(trail_of(app, entry_id))
    with app.app_context():
        assert operations.accept_correction(entry_id, correction_id, moderator, "as asked")
    by = (ActorKind.MODERATOR, moderator.user_id)
    assert trail_of(app, entry_id)[seen:] == [(*by, "correction.accept", None, None, "as asked")]


def test_erasure_keeps_a_rejections_code_and_nothing_typed_after_it(app: Flask) -> None:
    """A note may hold a colon; free text from before the codes keeps nothing."""
    noted = make_endorsement(app, State.VERIFIED, contact_email="noted@org.example")
    legacy = make_endorsement(app, State.REJECTED, contact_email="legacy@org.example")
    with app.app_context():
        operations.reject(noted, operations.SYSTEM, "see: the register")
        db.session.get_one(Endorsement, legacy).rejection_reason = "typed freely"
        db.session.commit()
        for entry_id in (noted, legacy):
            operations.erase_by_signer(manage_token(app, entry_id))
        assert db.session.get_one(Endorsement, noted).rejection_reason == "other"
        assert db.session.get_one(Endorsement, legacy).rejection_reason is None


def test_only_the_two_links_can_be_asked_for(app: Flask) -> None:
    with app.app_context(), pytest.raises(ValueError, match="^no link is sent by a"):
        operations.request_link(MailKind.REJECTED, "anyone@org.example", "en")


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
        with pytest.raises(
            operations.ConsentMissing,
            match="^consent to publish the organisation's name is required$",
        ):
            operations.add_published(
                operations.Submission(**{**vars(submission), "consent_publish": False}),
                moderator,
                "no consent",
            )
    by = (ActorKind.MODERATOR, moderator.user_id)
    assert trail_of(app, entry_id) == [
        (*by, "signed", None, State.UNVERIFIED, None),
        (*by, "transition", State.UNVERIFIED, State.VERIFIED, "signed on paper in May"),
        (*by, "transition", State.VERIFIED, State.APPROVED, "signed on paper in May"),
    ]


def test_a_manage_link_to_an_entry_that_is_gone_is_used_up(app: Flask) -> None:
    """A purged entry's old link: refused as a used one (the page offers a new link), not
    an error."""
    entry_id = make_endorsement(app)
    token = manage_token(app, entry_id)
    with app.app_context():
        db.session.delete(db.session.get_one(Endorsement, entry_id))
        db.session.commit()
        with pytest.raises(TokenUsed):
            operations.check_manage(token)


def _data(app: Flask, entry_id: int, action: str) -> list[str | None]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.endorsement_id == entry_id, AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
        return [event.data for event in events]


def test_a_new_logo_takes_a_published_entry_and_its_waiting_correction_to_review(
    app: Flask,
) -> None:
    entry_id = make_endorsement(app, State.APPROVED, statement="Live words.")
    token = manage_token(app, entry_id)
    logo = a_logo()
    with app.app_context():
        fields = operations.PublicFields(
            name="Ligue des familles asbl",
            category=Category.NGO,
            city="Namur",
            region=Region.NAMUR,
            statement="Corrected words.",
        )
        assert operations.edit_by_signer(token, fields).outcome == "proposed"
    seen = len(trail_of(app, entry_id))
    with app.app_context():
        assert operations.replace_logo_by_signer(token, logo).outcome == "logo_review"
    assert trail_of(app, entry_id)[seen:] == [
        (*SIGNER, "logo.replace", None, None, None),
        (*SIGNER, "correction.drop", None, None, "sent to review with the new logo"),
        (*SIGNER, "edit", None, None, "edited by the signer"),
        (*SIGNER, "transition", State.APPROVED, State.VERIFIED, "new logo from the signer"),
    ]
    assert _data(app, entry_id, "logo.replace") == [audit.canonical({"sha256": logo.sha256})]
    with app.app_context():
        assert db.session.get_one(Endorsement, entry_id).statement == "Corrected words."


def test_moderators_decisions_keep_their_reasons(app: Flask) -> None:
    entry_id = make_endorsement(app, State.APPROVED)
    by = (ActorKind.SYSTEM, None)
    seen = len(trail_of(app, entry_id))
    with app.app_context():
        assert operations.hide(entry_id, operations.SYSTEM, "checking a complaint") is True
        assert operations.unhide(entry_id, operations.SYSTEM, "complaint unfounded") is True
        assert operations.hide(entry_id, operations.SYSTEM) is True
    assert trail_of(app, entry_id)[seen:] == [
        (*by, "transition", State.APPROVED, State.HIDDEN, "checking a complaint"),
        (*by, "transition", State.HIDDEN, State.APPROVED, "complaint unfounded"),
        (*by, "transition", State.APPROVED, State.HIDDEN, None),
    ]
    waiting = make_endorsement(app, State.VERIFIED, contact_email="w@org.example")
    with app.app_context(), pytest.raises(operations.IllegalTransition) as refused:
        operations.unhide(waiting, operations.SYSTEM, "never hidden")
    assert (refused.value.source, refused.value.target) == (State.VERIFIED, State.APPROVED)


def test_a_rejection_keeps_its_first_reason_and_mails_only_when_asked(app: Flask) -> None:
    quiet = make_endorsement(app, State.VERIFIED, contact_email="quiet@org.example")
    noted = make_endorsement(app, State.VERIFIED, contact_email="noted@org.example")
    with app.app_context():
        assert operations.reject(quiet, operations.SYSTEM) is True
        assert operations.reject(noted, operations.SYSTEM, "a company") is True
        assert operations.reject(noted, operations.SYSTEM, "second thoughts") is False
        quiet_entry = db.session.get_one(Endorsement, quiet)
        noted_entry = db.session.get_one(Endorsement, noted)
        assert quiet_entry.rejection_reason == "other"
        assert noted_entry.rejection_reason == "other: a company"
        mails = db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.endorsement_id.in_([quiet, noted]))
        ).all()
    assert MailKind.REJECTED not in mails


def test_an_edit_records_each_field_before_and_after_empty_included(app: Flask) -> None:
    entry_id = make_endorsement(app, State.VERIFIED, website=None)
    base = {"name": "Ligue des familles asbl", "category": Category.NGO, "city": "Namur"}
    fields = operations.PublicFields(**base, region=Region.NAMUR, website="ligue.example")
    with app.app_context():
        assert operations.edit(entry_id, operations.SYSTEM, fields, "typo") == {
            "website": [None, "ligue.example"]
        }
        cleared = operations.PublicFields(**base, region=Region.NAMUR)
        assert operations.edit(entry_id, operations.SYSTEM, cleared) == {
            "website": ["ligue.example", None]
        }
    assert [step[5] for step in trail_of(app, entry_id) if step[2] == "edit"] == ["typo", None]
    withdrawn = make_endorsement(app, State.WITHDRAWN, contact_email="gone@org.example")
    with app.app_context(), pytest.raises(operations.NotEditable) as refused:
        operations.edit(withdrawn, operations.SYSTEM, fields)
    assert refused.value.state == State.WITHDRAWN
