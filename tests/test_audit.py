"""The audit trail is append-only and hash-chained: tampering is found and named."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text, update

from endorse import audit, operations
from endorse.extensions import db
from endorse.models import AuditEvent, State

from .helpers import make_endorsement


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
            update(AuditEvent).where(AuditEvent.id == ids[2]).values(reason="quietly changed")
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
        event.reason = "rewritten"
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
