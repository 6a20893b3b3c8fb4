"""Every transition between states, legal or not."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import product
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from endorse import operations
from endorse.extensions import db
from endorse.models import (
    EDITABLE_STATES,
    AuditEvent,
    Category,
    Endorsement,
    IllegalTransition,
    NotEditable,
    Region,
    State,
)
from endorse.models.states import ALLOWED, moderator_actions, needs_transition
from endorse.tokens import Purpose, make_token

from .helpers import make_endorsement

LEGAL = {
    (State.UNVERIFIED, State.VERIFIED),
    (State.UNVERIFIED, State.WITHDRAWN),
    (State.VERIFIED, State.APPROVED),
    (State.VERIFIED, State.REJECTED),
    (State.VERIFIED, State.WITHDRAWN),
    (State.APPROVED, State.HIDDEN),
    (State.APPROVED, State.VERIFIED),  # the signer edited it: back to moderation
    (State.APPROVED, State.WITHDRAWN),
    (State.HIDDEN, State.APPROVED),
    (State.HIDDEN, State.VERIFIED),
    (State.HIDDEN, State.WITHDRAWN),
    (State.REJECTED, State.VERIFIED),
    (State.REJECTED, State.WITHDRAWN),
}
PAIRS = [(s, t) for s, t in product(State, State) if s != t]


def test_the_table_is_the_documented_one() -> None:
    assert {(s, t) for s, targets in ALLOWED.items() for t in targets} == LEGAL


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_transition_is_allowed_or_refused(source: State, target: State) -> None:
    if (source, target) in LEGAL:
        assert needs_transition(source, target) is True
    else:
        with pytest.raises(IllegalTransition):
            needs_transition(source, target)


@pytest.mark.parametrize("state", list(State))
def test_staying_in_the_same_state_is_nothing_to_do(state: State) -> None:
    assert needs_transition(state, state) is False


DECISIONS = {
    State.APPROVED: lambda i: operations.approve(i, operations.SYSTEM),
    State.REJECTED: lambda i: operations.reject(i, operations.SYSTEM, "spam"),
    State.WITHDRAWN: lambda i: operations.withdraw(i, operations.SYSTEM, "asked"),
}


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s, t in product(State, DECISIONS) if s != State.UNVERIFIED or t != State.WITHDRAWN],
)
def test_operations_follow_the_table_and_change_nothing_when_refused(
    app: Flask, source: State, target: State
) -> None:
    entry_id = make_endorsement(app, source)
    with app.app_context():
        audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
        if source == target:
            assert DECISIONS[target](entry_id) is False
        elif (source, target) in LEGAL:
            assert DECISIONS[target](entry_id) is True
        else:
            with pytest.raises(IllegalTransition):
                DECISIONS[target](entry_id)
        db.session.expire_all()
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        expected = target if (source, target) in LEGAL or source == target else source
        assert entry.state == expected
        after = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert after == audits + int((source, target) in LEGAL)


def test_withdrawing_an_unverified_endorsement(app: Flask) -> None:
    entry_id = make_endorsement(app, State.UNVERIFIED)
    with app.app_context():
        assert operations.withdraw(entry_id, operations.SIGNER) is True
        assert db.session.get(Endorsement, entry_id).state == State.WITHDRAWN  # type: ignore[union-attr]


def test_withdrawing_an_approved_endorsement_takes_it_out_of_the_count(
    app: Flask, client: object
) -> None:
    entry_id = make_endorsement(app, State.APPROVED)
    assert app.test_client().get("/api/v1/count").get_json()["organisations"] == 1
    with app.app_context():
        operations.withdraw(entry_id, operations.SIGNER, "changed our mind")
    assert app.test_client().get("/api/v1/count").get_json()["organisations"] == 0


def test_deciding_an_unknown_endorsement_is_refused(app: Flask) -> None:
    with app.app_context(), pytest.raises(operations.NotFound):
        operations.approve(999999, operations.SYSTEM)


MODERATOR_BUTTONS = {
    State.UNVERIFIED: ["withdraw"],
    State.VERIFIED: ["approve", "reject", "withdraw"],
    State.APPROVED: ["hide", "withdraw"],
    State.HIDDEN: ["unhide", "withdraw"],
    State.REJECTED: ["withdraw"],
    State.WITHDRAWN: [],
}


@pytest.mark.parametrize("state", list(State))
def test_the_console_offers_the_buttons_the_table_allows(state: State) -> None:
    assert moderator_actions(state) == MODERATOR_BUTTONS[state]


@pytest.mark.parametrize("state", list(State))
def test_only_a_withdrawn_endorsement_is_closed_to_edits(app: Flask, state: State) -> None:
    entry_id = make_endorsement(app, state)
    fields = operations.PublicFields(
        name="Renamed", category=Category.HEALTH, city="Liège", region=Region.LIEGE
    )
    with app.app_context():
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        assert entry.editable is (state in EDITABLE_STATES)
        if state == State.WITHDRAWN:
            with pytest.raises(NotEditable):
                operations.edit(entry_id, operations.SYSTEM, fields)
            db.session.expire_all()
            assert db.session.get(Endorsement, entry_id).name != "Renamed"  # type: ignore[union-attr]
        else:
            assert operations.edit(entry_id, operations.SYSTEM, fields)["name"][1] == "Renamed"


FIRST_PUBLISHED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _publish_again_after_hiding(entry_id: int) -> None:
    operations.hide(entry_id, operations.SYSTEM, "checking a complaint")
    operations.unhide(entry_id, operations.SYSTEM)


def _publish_again_after_a_signers_edit(entry_id: int) -> None:
    # A published entry's correction waits beside it; a hidden one's goes back to review.
    operations.hide(entry_id, operations.SYSTEM, "checking a complaint")
    entry = db.session.get(Endorsement, entry_id)
    assert entry is not None
    fields = operations.PublicFields(
        name="Renamed", category=entry.category, city=entry.city, region=entry.region
    )
    operations.edit_by_signer(make_token(Purpose.MANAGE, entry_id, entry.token_nonce), fields)
    assert db.session.get(Endorsement, entry_id).state == State.VERIFIED  # type: ignore[union-attr]
    operations.approve(entry_id, operations.SYSTEM)


def _correct_while_published(entry_id: int) -> None:
    entry = db.session.get(Endorsement, entry_id)
    assert entry is not None
    fields = operations.PublicFields(
        name="Renamed", category=entry.category, city=entry.city, region=entry.region
    )
    operations.edit_by_signer(make_token(Purpose.MANAGE, entry_id, entry.token_nonce), fields)
    assert db.session.get(Endorsement, entry_id).state == State.APPROVED  # type: ignore[union-attr]
    waiting = operations.pending_correction(entry_id)
    assert waiting is not None
    operations.accept_correction(entry_id, waiting.id, operations.SYSTEM)


@pytest.mark.parametrize(
    "publish_again",
    [_publish_again_after_hiding, _publish_again_after_a_signers_edit, _correct_while_published],
    ids=["unhidden", "approved-after-an-edit", "corrected-while-published"],
)
def test_publishing_again_keeps_the_date_of_first_publication(
    app: Flask, time_machine: Any, publish_again: Callable[[int], None]
) -> None:
    time_machine.move_to(FIRST_PUBLISHED, tick=False)
    entry_id = make_endorsement(app, State.APPROVED)
    time_machine.shift(timedelta(days=3))
    with app.app_context():
        publish_again(entry_id)
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        assert entry.state == State.APPROVED
        assert entry.approved_at == FIRST_PUBLISHED
        assert entry.updated_at == FIRST_PUBLISHED + timedelta(days=3)  # the clock did move
    [published] = app.test_client().get("/api/v1/supporters").get_json()["supporters"]
    assert datetime.fromisoformat(published["approved_at"]) == FIRST_PUBLISHED


def test_a_refusal_says_which_move_and_which_state() -> None:
    refused = IllegalTransition(State.WITHDRAWN, State.APPROVED)
    assert (refused.source, refused.target) == (State.WITHDRAWN, State.APPROVED)
    assert str(refused) == "an endorsement cannot go from withdrawn to approved"
    closed = NotEditable(State.WITHDRAWN)
    assert closed.state == State.WITHDRAWN
    assert str(closed) == "an endorsement that is withdrawn cannot be edited"
