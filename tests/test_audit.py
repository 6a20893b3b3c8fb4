"""The audit trail is append-only and hash-chained: tampering is found and named."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, text, update

from endorse import audit, operations
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import (
    ActorKind,
    AuditDetails,
    AuditEvent,
    Category,
    Endorsement,
    Region,
    RejectReason,
    State,
    User,
)
from endorse.models.types import utcnow
from endorse.tokens import Purpose, make_token

from .helpers import make_endorsement, make_user


def _ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_an_untouched_trail_verifies(app: Flask, runner: Any) -> None:
    for index in range(3):
        make_endorsement(
            app, State.APPROVED, contact_email=f"{index}@x.example", name=f"Org {index}"
        )
    result = runner.invoke(args=["endorse", "audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 9 records" in result.output


def test_an_edited_record_is_named(app: Flask, runner: Any) -> None:
    make_endorsement(app, State.APPROVED)
    make_endorsement(app, State.APPROVED, contact_email="two@x.example", name="Two")
    ids = _ids(app)
    with app.app_context():
        db.session.execute(
            update(AuditEvent).where(AuditEvent.id == ids[2]).values(action="quietly changed")
        )
        db.session.commit()
    result = runner.invoke(args=["endorse", "audit", "verify"])
    assert result.exit_code != 0
    assert f"audit record #{ids[2]} its content no longer matches" in result.output


def test_a_deleted_record_is_found(app: Flask, runner: Any) -> None:
    make_endorsement(app, State.APPROVED)
    ids = _ids(app)
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
        db.session.commit()
    result = runner.invoke(args=["endorse", "audit", "verify"])
    assert result.exit_code != 0
    assert f"audit record #{ids[2]} does not follow" in result.output


def test_a_rewritten_tail_is_found_even_with_fresh_hashes(app: Flask) -> None:
    """Rewriting a record and recomputing its own hash still breaks the next link."""
    make_endorsement(app, State.APPROVED)
    ids = _ids(app)
    with app.app_context():
        event = db.session.get(AuditEvent, ids[0])
        assert event is not None
        event.action = "rewritten"
        event.hash = audit.digest(event)
        db.session.commit()
        result = audit.verify()
    assert not result.ok
    assert result.broken_id == ids[1]


def test_the_head_changes_with_every_record(app: Flask) -> None:
    with app.app_context():
        before = audit.head()
    make_endorsement(app, State.VERIFIED)
    with app.app_context():
        after = audit.head()
    assert after.records == before.records + 2
    assert after.hash != before.hash
    with app.app_context(), write_transaction():
        # Until the newest hash is neither the first record's nor the smallest, so that only
        # the newest record, not any one a database might find first, can give it.
        while True:
            records = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
            newest = records[-1].hash
            if newest not in (records[0].hash, min(r.hash for r in records)):
                break
            audit.record(audit.SYSTEM, "note")
    with app.app_context():
        assert audit.head().hash == newest  # the newest record's, which seals all before it


@pytest.mark.real_commits
def test_concurrent_appends_never_fork_the_chain(app: Flask) -> None:
    ids = [
        make_endorsement(
            app, State.VERIFIED, contact_email=f"{i}@c.example", name=f"Concurrent {i}"
        )
        for i in range(8)
    ]
    errors: list[BaseException] = []

    def approve(entry_id: int) -> None:
        try:
            with app.app_context():
                operations.approve(entry_id, operations.SYSTEM)
        except BaseException as error:  # noqa: BLE001  (collected and asserted below)
            errors.append(error)

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert audit.verify().ok
        prev_hashes = db.session.scalar(select(func.count(func.distinct(AuditEvent.prev_hash))))
        assert prev_hashes == db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.real_commits
def test_two_moderators_deciding_at_once_make_one_transition(app: Flask) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(action: str) -> None:
        with app.app_context():
            barrier.wait()
            try:
                if action == "approve":
                    changed = operations.approve(entry_id, operations.SYSTEM)
                else:
                    changed = operations.reject(entry_id, operations.SYSTEM, "no")
                outcomes.append(f"{action}:{changed}")
            except operations.IllegalTransition:
                outcomes.append(f"{action}:refused")

    threads = [threading.Thread(target=decide, args=(a,)) for a in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o.split(":")[1] for o in outcomes) == ["True", "refused"]
    with app.app_context():
        decisions = db.session.scalars(
            select(AuditEvent.to_state).where(
                AuditEvent.endorsement_id == entry_id,
                AuditEvent.to_state.in_([State.APPROVED, State.REJECTED]),
            )
        ).all()
    assert len(decisions) == 1


def test_the_chain_head_is_public(app: Flask, client: Any) -> None:
    make_endorsement(app, State.APPROVED)
    data = client.get("/api/v1/audit/head").get_json()
    with app.app_context():
        head = audit.head()
    assert data == {"records": head.records, "hash": head.hash}
    assert data["records"] == 3


# Every field of a record is sealed by its hash.


def _record_of(app: Flask, *where: Any) -> AuditEvent:
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(*where)).one()
        db.session.expunge(event)
        return event


def _varied_trail(app: Flask) -> dict[str, AuditEvent]:
    """A trail with a record for each field to tamper with: an account made (a subject), an
    approval by a moderator (actor, states) and an edit (its data)."""
    admin = make_user(app, "admin@campaign.example", "admin")
    make_user(app, "other@campaign.example")
    entry_id = make_endorsement(app, State.VERIFIED, name="Ligue des familles asbl")
    moderator = audit.Actor.moderator(admin)
    with app.app_context():
        operations.approve(entry_id, moderator)
        fields = operations.PublicFields(
            name="Ligue des familles", category=Category.NGO, city="Namur", region=Region.NAMUR
        )
        operations.edit(entry_id, moderator, fields, "a typo")
    with app.app_context():
        assert audit.verify().ok
    return {
        "created": _record_of(app, AuditEvent.subject_user_id == admin),
        "approved": _record_of(app, AuditEvent.to_state == State.APPROVED),
        "edited": _record_of(app, AuditEvent.action == "edit"),
    }


#: The fields of a record's details, in a row of their own; the others are the record's.
DETAILS = {"reason", "data"}


def _tamper(app: Flask, event_id: int, **values: Any) -> None:
    details = {name: value for name, value in values.items() if name in DETAILS}
    chained = {name: value for name, value in values.items() if name not in DETAILS}
    with app.app_context():
        if chained:
            db.session.execute(
                update(AuditEvent).where(AuditEvent.id == event_id).values(**chained)
            )
        if details:
            db.session.execute(
                update(AuditDetails).where(AuditDetails.event_id == event_id).values(**details)
            )
        db.session.commit()


#: What verify says of a record whose chained fields, or whose details, were changed.
EDITED = "its content no longer matches its hash"
DETAILS_EDITED = "its details no longer match the digest its record seals"


def test_tampering_with_a_records_data_is_found(app: Flask, runner: Any) -> None:
    edited = _varied_trail(app)["edited"]
    assert edited.data is not None
    assert json.loads(edited.data) == {
        "changes": {"name": ["Ligue des familles asbl", "Ligue des familles"]}
    }
    quietly = {"changes": {"name": ["Ligue des familles asbl", "Ligue des voleurs"]}}
    _tamper(app, edited.id, data=audit.canonical(quietly))
    result = runner.invoke(args=["endorse", "audit", "verify"])
    assert result.exit_code != 0
    assert f"audit record #{edited.id} {DETAILS_EDITED}" in result.output


def _other_user(app: Flask) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.email.startswith("other@"))).one()


#: Each field, the record it is changed in, and its new value (a function of the app).
TAMPERING: dict[str, tuple[str, Callable[[Flask, AuditEvent], dict[str, Any]]]] = {
    "data": ("edited", lambda app, e: {"data": '{"changes":{}}'}),
    "actor kind": ("approved", lambda app, e: {"actor_kind": ActorKind.SYSTEM}),
    "actor": ("approved", lambda app, e: {"actor_user_id": _other_user(app)}),
    "subject": ("created", lambda app, e: {"subject_user_id": _other_user(app)}),
    "endorsement": ("approved", lambda app, e: {"endorsement_id": 424242}),
    "from state": ("approved", lambda app, e: {"from_state": State.HIDDEN}),
    "to state": ("approved", lambda app, e: {"to_state": State.REJECTED}),
    "timestamp": ("approved", lambda app, e: {"created_at": e.created_at - timedelta(days=1)}),
    "action": ("edited", lambda app, e: {"action": "export"}),
    "reason": ("edited", lambda app, e: {"reason": "no reason at all"}),
}


@pytest.mark.parametrize(("record", "change"), TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_with_any_field_of_a_record_is_found(
    app: Flask, record: str, change: Callable[[Flask, AuditEvent], dict[str, Any]]
) -> None:
    event = _varied_trail(app)[record]
    values = change(app, event)
    [(field, value)] = values.items()
    assert getattr(event, field) != value  # a real change
    _tamper(app, event.id, **values)
    with app.app_context():
        assert getattr(db.session.get(AuditEvent, event.id), field) == value
        result = audit.verify()
    assert result.broken_id == event.id
    assert result.problem is not None
    assert (DETAILS_EDITED if field in DETAILS else EDITED) in result.problem


# Verification reads the trail in batches: nothing slips between two of them.


def _long_trail(app: Flask, records: int) -> list[int]:
    with app.app_context(), write_transaction():
        for number in range(records):
            audit.record(audit.SYSTEM, "export", data={"filters": {"page": str(number)}})
    return _ids(app)


@pytest.mark.parametrize("position", [3, 4, 5], ids=["last-of-a-batch", "first", "second"])
@pytest.mark.parametrize("damage", ["edited", "deleted"])
def test_damage_on_either_side_of_a_batch_boundary_is_found(
    app: Flask, position: int, damage: str
) -> None:
    ids = _long_trail(app, 10)
    with app.app_context():
        assert audit.verify(batch=4) == audit.Verification(10)
        if damage == "edited":
            _tamper(app, ids[position], reason="quietly changed")
            broken = ids[position]
        else:
            db.session.execute(
                text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[position]}
            )
            db.session.commit()
            broken = ids[position + 1]
        result = audit.verify(batch=4)
    assert (result.broken_id, result.checked) == (broken, position)


def test_a_record_just_past_the_first_thousand_is_checked(app: Flask, runner: Any) -> None:
    ids = _long_trail(app, 1003)
    intact = runner.invoke(args=["endorse", "audit", "verify"])
    assert "intact: 1003 records" in intact.output, intact.output
    _tamper(app, ids[1000], data='{"filters":{}}')
    result = runner.invoke(args=["endorse", "audit", "verify"])
    assert result.exit_code != 0
    assert f"audit record #{ids[1000]} {DETAILS_EDITED}" in result.output
    assert "1000 records before it are intact" in result.output


# Personal data in the trail: the chain seals a digest of each record's details, and erasure
# and purge blank the details. The chain still verifies, and says which details were erased.


def _erase_by_signer(app: Flask, entry_id: int) -> None:
    with app.app_context():
        nonce = db.session.get_one(Endorsement, entry_id).token_nonce
        operations.erase_by_signer(make_token(Purpose.MANAGE, entry_id, nonce))


def _details_of(app: Flask, *where: Any) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(*where).order_by(AuditEvent.id))
        return [(event.action, event.reason, event.data) for event in events]


def _age(app: Flask, days: int) -> None:
    """Close every entry ``days`` ago."""
    then = utcnow() - timedelta(days=days)
    with app.app_context(), write_transaction():
        db.session.execute(update(Endorsement).values(rejected_at=then, withdrawn_at=then))
        # Only the dates the purge reads: the records' own dates are sealed in their hashes.


def test_an_export_filter_naming_a_signer_is_erased_with_the_signer(
    app: Flask, moderator: FlaskClient, runner: Any
) -> None:
    entry_id = make_endorsement(app, State.APPROVED, contact_email="someone@example.net")
    other_id = make_endorsement(
        app, State.APPROVED, contact_email="other@example.net", name="Other Org"
    )
    assert moderator.get("/moderate/endorsements.csv?q=SOMEONE@example.net").status_code == 200
    assert moderator.get("/moderate/endorsements.csv?q=other@example.net").status_code == 200
    _erase_by_signer(app, entry_id)

    exports = _details_of(app, AuditEvent.action == "export")
    assert exports == [
        ("export", None, None),
        ("export", None, '{"filters":{"text":"other@example.net"}}'),
    ]
    with app.app_context():
        erased = [
            event.id
            for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
            if event.erased_at is not None
        ]
        [first_export] = db.session.scalars(
            select(AuditEvent.id)
            .where(AuditEvent.action == "export")
            .order_by(AuditEvent.id)
            .limit(1)
        )
        assert first_export in erased
        assert db.session.get_one(Endorsement, other_id).contact_email == "other@example.net"
    result = runner.invoke(args=["endorse", "audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"details erased (personal data) from {len(erased)} records" in result.output
    assert f"#{first_export}" in result.output
    log = moderator.get("/moderate/audit").get_data(as_text=True)
    assert "someone@example.net" not in log
    assert "Erased on" in log


def test_purge_blanks_a_rejections_free_text_and_keeps_its_code(app: Flask, runner: Any) -> None:
    entry_id = make_endorsement(app, State.VERIFIED, contact_email="jan@example.net")
    with app.app_context():
        operations.reject(
            entry_id, audit.SYSTEM, "called Jan Peeters at jan@example.net", code=RejectReason.SPAM
        )
    assert ("transition", "spam: called Jan Peeters at jan@example.net", None) in _details_of(
        app, AuditEvent.endorsement_id == entry_id
    )
    _age(app, 400)
    result = runner.invoke(args=["endorse", "purge"])
    assert "erased contact data of 1" in result.output, result.output
    with app.app_context():
        entry = db.session.get_one(Endorsement, entry_id)
        assert (entry.state, entry.rejection_reason) == (State.REJECTED, "spam")
    trail = _details_of(app, AuditEvent.endorsement_id == entry_id)
    assert "Jan Peeters" not in repr(trail)
    assert trail[-1] == ("erase", "closed for 365 days", None)  # the erasure says why
    verified = runner.invoke(args=["endorse", "audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "details erased (personal data) from" in verified.output


def test_purge_erases_export_filters_after_the_retention_period(
    app: Flask, runner: Any, time_machine: Any
) -> None:
    assert app.config["PURGE_CLOSED_DAYS"] == 365
    time_machine.move_to(datetime(2026, 1, 1, tzinfo=UTC), tick=False)
    with app.app_context():
        operations.record_export(audit.SYSTEM, {"text": "old@example.net"})
    time_machine.move_to(datetime(2026, 6, 1, tzinfo=UTC), tick=False)
    with app.app_context():
        operations.record_export(audit.SYSTEM, {"text": "recent@example.net"})
    time_machine.move_to(datetime(2027, 1, 2, tzinfo=UTC), tick=False)
    result = runner.invoke(args=["endorse", "purge"])
    assert "erased the details of 1 audit records" in result.output, result.output
    assert [data for _action, _reason, data in _details_of(app)] == [
        None,
        '{"filters":{"text":"recent@example.net"}}',
    ]
    with app.app_context():
        assert audit.verify().erased == [_ids(app)[0]]


def test_erased_details_cannot_be_guessed_from_what_the_chain_keeps(app: Flask) -> None:
    with app.app_context(), write_transaction():
        event = audit.record(audit.SYSTEM, "export", data={"filters": {"text": "x@example.net"}})
        assert event.details is not None
        salt = event.details.salt
        assert salt is not None
        guess = audit.canonical({"filters": {"text": "x@example.net"}})
        assert event.details_digest == audit.details_digest(salt, None, guess)
        assert audit.erase_exports_before(utcnow() + timedelta(seconds=1)) == 1
        event_id = event.id
    with app.app_context():
        details = db.session.get_one(AuditDetails, event_id)
        # The digest stays in the chain; without the salt, no guess can be checked against it.
        assert (details.salt, details.reason, details.data) == (None, None, None)
        assert details.erased_at is not None


def test_details_deleted_rather_than_erased_are_found(app: Flask) -> None:
    make_endorsement(app, State.VERIFIED)
    with app.app_context(), write_transaction():
        event_id = audit.record(audit.SYSTEM, "export", data={"filters": {"text": "x"}}).id
    with app.app_context():
        db.session.execute(delete(AuditDetails).where(AuditDetails.event_id == event_id))
        db.session.commit()
        result = audit.verify()
    assert (result.broken_id, result.problem) == (
        event_id,
        "its details are missing (deleted, not erased)",
    )


def test_only_exports_strictly_older_than_the_cutoff_lose_their_filters(
    app: Flask, time_machine: Any
) -> None:
    then = datetime(2026, 1, 1, tzinfo=UTC)
    time_machine.move_to(then, tick=False)
    with app.app_context(), write_transaction():
        audit.record(audit.SYSTEM, "export", data={"filters": {"text": "old"}})
        audit.record(audit.SYSTEM, "note", reason="not an export", data={"kept": True})
    time_machine.move_to(then + timedelta(hours=1), tick=False)
    with app.app_context(), write_transaction():
        audit.record(audit.SYSTEM, "export", data={"filters": {"text": "at the cutoff"}})
    with app.app_context(), write_transaction():
        assert audit.erase_exports_before(then + timedelta(hours=1)) == 1
    assert _details_of(app) == [
        ("export", None, None),
        ("note", "not an export", '{"kept":true}'),
        ("export", None, '{"filters":{"text":"at the cutoff"}}'),
    ]


def test_details_added_to_a_record_that_sealed_none_are_found(app: Flask) -> None:
    with app.app_context(), write_transaction():
        event_id = audit.record(audit.SYSTEM, "note").id
    with app.app_context(), write_transaction():
        db.session.add(AuditDetails(event_id=event_id, salt="00", reason="slipped in", data=None))
    with app.app_context():
        result = audit.verify()
    assert (result.broken_id, result.problem) == (
        event_id,
        "has details that its record does not seal",
    )


@pytest.mark.parametrize("kept", ["salt", "reason", "data"])
def test_details_marked_erased_must_be_blank(app: Flask, kept: str) -> None:
    with app.app_context(), write_transaction():
        event_id = audit.record(audit.SYSTEM, "note", reason="why", data={"a": 1}).id
    with app.app_context(), write_transaction():
        blanked = {name: None for name in ("salt", "reason", "data") if name != kept}
        db.session.execute(
            update(AuditDetails)
            .where(AuditDetails.event_id == event_id)
            .values(erased_at=utcnow(), **blanked)
        )
    with app.app_context():
        result = audit.verify()
    assert (result.broken_id, result.problem) == (
        event_id,
        "its details are marked erased but are not blank",
    )


def _note(data: dict[str, Any] | None = None, **about: Any) -> int:
    return audit.record(audit.SYSTEM, "note", data=data, **about).id


@pytest.mark.parametrize("problem", ["deleted", "edited", "unsealed"])
def test_a_broken_chain_still_says_what_was_checked_and_erased_before_it(
    app: Flask, problem: str
) -> None:
    with app.app_context(), write_transaction():
        erased_id = audit.record(audit.SYSTEM, "export", data={"filters": {"text": "x"}}).id
        audit.erase_exports_before(utcnow() + timedelta(seconds=1))
        kept_id = _note()
        broken_id = _note()
        next_id = _note()
    with app.app_context(), write_transaction():
        if problem == "deleted":
            db.session.execute(delete(AuditEvent).where(AuditEvent.id == broken_id))
        elif problem == "edited":
            db.session.execute(
                update(AuditEvent).where(AuditEvent.id == broken_id).values(action="other")
            )
        else:
            db.session.add(AuditDetails(event_id=broken_id, salt="00", reason="added", data=None))
    with app.app_context():
        result = audit.verify()
    assert result.broken_id == (next_id if problem == "deleted" else broken_id)
    assert result.checked == 2  # the erased export and the note before the damage
    assert result.erased == [erased_id]
    assert kept_id < broken_id


def test_erasing_about_an_entry_counts_what_it_blanks_once(app: Flask) -> None:
    entry_id = make_endorsement(app, State.APPROVED, contact_email="jan@example.net")
    with app.app_context(), write_transaction():
        before = audit.erase_about(entry_id, ["nobody@example.net"])
        _note({"reason": "about jan"}, endorsement_id=entry_id)
        audit.record(audit.SYSTEM, "export", data={"filters": {"text": "JAN@example.net"}})
        audit.record(audit.SYSTEM, "export", data={"filters": {"text": "jan"}})
    with app.app_context(), write_transaction():
        first = audit.erase_about(entry_id, ["jan@example.net", "Jan"])
        again = audit.erase_about(entry_id, ["jan@example.net", "Jan"])
    assert before == 0  # its signing records carry no details to erase
    assert (first, again) == (3, 0)


def test_erasure_by_mention_touches_exports_that_name_it_and_nothing_else(app: Flask) -> None:
    entry_id = make_endorsement(app, State.APPROVED, contact_email="a_b@example.net")
    with app.app_context(), write_transaction():
        other_note = _note({"text": "a_b@example.net"})  # not an export: not an erasable filter
        lookalike = audit.record(
            audit.SYSTEM, "export", data={"filters": {"text": "axb@example"}}
        ).id
        percent = audit.record(audit.SYSTEM, "export", data={"filters": {"text": "fifty"}}).id
        named = audit.record(audit.SYSTEM, "export", data={"filters": {"text": "A_B@EXAMPLE"}}).id
    with app.app_context(), write_transaction():
        # Blank mentions and LIKE wildcards match nothing; case does not matter.
        erased = audit.erase_about(entry_id, ["   ", "", "%", "a_b@example"])
    with app.app_context():
        blanked = {
            details.event_id
            for details in db.session.scalars(select(AuditDetails))
            if details.erased_at is not None
        }
    assert erased == 1
    assert named in blanked
    assert blanked.isdisjoint({other_note, lookalike, percent})


@pytest.mark.parametrize(
    "details",
    [{}, {"reason": "imported"}, {"data": {"file": "list.csv"}}, {"reason": "r", "data": {"n": 1}}],
)
def test_records_written_in_bulk_are_those_written_one_by_one(
    app: Flask, details: dict[str, Any]
) -> None:
    """An import records thousands at once: each record must be what ``record`` would have
    written, details and their salt included, and the chain must verify."""
    first = make_endorsement(app, State.VERIFIED, contact_email="first@bulk.example")
    second = make_endorsement(app, State.VERIFIED, contact_email="second@bulk.example")
    moved = {"source": State.VERIFIED, "target": State.APPROVED}
    with app.app_context(), write_transaction():
        count = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert audit.record_each(audit.SYSTEM, "import", [], **moved, **details) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == count
        single = audit.record(audit.SYSTEM, "import", endorsement_id=first, **moved, **details)
        assert audit.record_each(audit.SYSTEM, "import", [first, second], **moved, **details) == 2
    with app.app_context():
        assert audit.verify().broken_id is None
        *_, single, one, two = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        for bulk, entry_id in ((one, first), (two, second)):
            columns = ("actor_kind", "actor_user_id", "action", "from_state", "to_state")
            assert [getattr(bulk, c) for c in columns] == [getattr(single, c) for c in columns]
            assert (bulk.endorsement_id, bulk.subject_user_id) == (entry_id, None)
            assert (bulk.version, bulk.reason, bulk.data) == (2, single.reason, single.data)
            assert (bulk.reason, bulk.data) == (
                details.get("reason"),
                audit.canonical(details["data"]) if "data" in details else None,
            )
            if not details:
                assert (bulk.details, bulk.details_digest) == (None, None)
                continue
            assert bulk.details is not None
            assert single.details is not None
            assert len(bulk.details.salt or "") == len(single.details.salt or "") == 32
            assert bulk.details.salt != single.details.salt  # each record salted apart
        assert one.prev_hash == single.hash
        assert two.prev_hash == one.hash


def test_undoing_an_import_erases_what_the_records_say_about_its_entries(app: Flask) -> None:
    """Its entries' details in chunks of a thousand, and the exports that named one of them;
    not the other entries', nor a mention outside an export's filters."""
    first = make_endorsement(app, State.APPROVED, contact_email="first@import.example")
    last = make_endorsement(app, State.APPROVED, contact_email="last@import.example")
    kept = make_endorsement(app, State.APPROVED, contact_email="kept@else.example")
    with app.app_context(), write_transaction():
        audit.record_each(audit.SYSTEM, "note", [first, last, kept], reason="imported by Ann")
        *_, first_note, last_note, kept_note = db.session.scalars(
            select(AuditEvent.id).order_by(AuditEvent.id)
        )
        filters = {"filters": {"text": "FIRST@import.example"}}
        named = audit.record(audit.SYSTEM, "export", data=filters).id
        other = audit.record(audit.SYSTEM, "export", data={"filters": {"text": "kept"}}).id
        not_an_export = _note({"text": "first@import.example"})
    # 1,001 ids: the first entry opens the first chunk of a thousand, the last is alone in the
    # second; the ids between have no records.
    ids = [first, *range(10**6, 10**6 + 999), last]
    with app.app_context(), write_transaction():
        erased = audit.erase_about_many(ids, ["first@import.example", " ", ""])
        again = audit.erase_about_many(ids, ["first@import.example"])
        nothing_named = audit.erase_about_many([kept], [" "])
    assert (erased, again) == (3, 0)
    assert nothing_named == 1  # the kept entry's own note, and no export: a blank names none
    with app.app_context():
        blanked = set(
            db.session.scalars(
                select(AuditDetails.event_id).where(AuditDetails.erased_at.is_not(None))
            )
        )
        result = audit.verify()
    assert blanked == {first_note, last_note, named, kept_note}
    assert blanked.isdisjoint({other, not_an_export})
    assert result.broken_id is None
    assert set(result.erased) == blanked


def test_the_sealed_form_is_fixed_so_anyone_can_recompute_a_hash() -> None:
    """Keys sorted, no spaces, text as UTF-8 rather than escapes, dates as text: the form a
    published head was computed over, which an outside verifier recomputes byte for byte."""
    sealed = audit.canonical(
        {"when": datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "name": "Ligue d'Anvers — Liège", "n": 2}
    )
    assert sealed == '{"n":2,"name":"Ligue d\'Anvers — Liège","when":"2026-12-01 09:30:00+00:00"}'
