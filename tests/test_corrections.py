"""A signer's correction never unpublishes: it waits beside the live version for a moderator."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from endorse import audit, operations
from endorse.extensions import db
from endorse.models import (
    ActorKind,
    AuditDetails,
    AuditEvent,
    Correction,
    Endorsement,
    MailKind,
    OutboxMessage,
    State,
)
from endorse.models.types import utcnow
from endorse.moderation.diff import words
from endorse.tokens import Purpose, make_token

from .helpers import (
    Mailbox,
    actions_of,
    csrf_token,
    entry_of,
    make_endorsement,
    make_user,
    manage_token,
    post_action,
    text_of,
    trail_of,
)

LIVE = "Every child deserves freedom."
FIELDS = {"name": "Ligue des familles asbl", "category": "ngo", "city": "Namur", "region": "namur"}


def _link(app: Flask, entry_id: int) -> str:
    return f"/fr/manage/{manage_token(app, entry_id)}"


def _correct(client: FlaskClient, link: str, **fields: str) -> Any:
    data = {**FIELDS, "statement": LIVE, **fields}
    return client.post(link, data={"csrf_token": csrf_token(client, link), **data})


def _public(client: FlaskClient) -> list[str]:
    """What anyone can read of the supporters: the list, the count, the API, the feed."""
    return [
        client.get(path).get_data(as_text=True)
        for path in ("/en/supporters", "/api/v1/count", "/api/v1/supporters", "/en/feed.atom")
    ]


def _waiting(app: Flask, entry_id: int) -> Correction | None:
    with app.app_context():
        return operations.pending_correction(entry_id)


def _published(app: Flask) -> int:
    return make_endorsement(app, State.APPROVED, statement=LIVE)


def _decide(moderator: FlaskClient, entry_id: int, button: str, **data: Any) -> Any:
    page = f"/moderate/endorsements/{entry_id}"
    found = re.search(
        r'name="correction" type="hidden" value="(\d+)"', moderator.get(page).get_data(True)
    )
    assert found, "no correction on the entry's page"
    return post_action(
        moderator,
        f"{page}/correction",
        page,
        correction=found.group(1),
        **{button: "1"},
        **data,
    )


def test_a_correction_keeps_the_entry_public_until_a_moderator_decides(
    app: Flask, client: FlaskClient, moderator: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = _published(app)
    before = _public(client)
    assert LIVE in before[2]
    link = _link(app, entry_id)
    response = _correct(client, link, statement="Every child deserves to be free.")
    assert response.status_code == 303
    assert "reste publié tel quel" in client.get(response.headers["Location"]).get_data(True)
    assert entry_of(app, entry_id).state == State.APPROVED
    assert entry_of(app, entry_id).statement == LIVE
    assert _public(client) == before  # list, count, API and feed unchanged
    assert client.get("/api/v1/count").get_json()["organisations"] == 1
    # The signer's page says a change waits, and offers it for further editing.
    page = client.get(link).get_data(as_text=True)
    assert "attend un modérateur" in page
    assert "Every child deserves to be free." in page
    # The moderator sees it in the queue and, on the entry, the changed words marked.
    queue = moderator.get("/moderate/queue").get_data(as_text=True)
    assert f"/moderate/endorsements/{entry_id}" in queue
    dashboard = moderator.get("/moderate/").get_data(as_text=True)
    assert "1 correction by a signer awaits review." in dashboard
    entry_page = moderator.get(f"/moderate/endorsements/{entry_id}").get_data(as_text=True)
    assert "<del>freedom.</del>" in entry_page
    assert "<ins>to be free.</ins>" in entry_page
    assert actions_of(app, entry_id)[-1] == "correction.propose"


def test_an_accepted_correction_goes_live_and_the_signer_is_told(
    app: Flask, client: FlaskClient, moderator: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = _published(app)
    _correct(client, _link(app, entry_id), statement="We stand with every child.", city="Dinant")
    mailbox.clear()
    response = _decide(moderator, entry_id, "accept", reason="checked on their website")
    assert response.status_code == 302
    entry = entry_of(app, entry_id)
    assert (entry.statement, entry.city, entry.state) == (
        "We stand with every child.",
        "Dinant",
        State.APPROVED,
    )
    assert _waiting(app, entry_id) is None
    assert "We stand with every child." in client.get("/api/v1/supporters").get_data(True)
    [mail] = mailbox.wait_for(1)
    assert mail["To"] == "marie@ligue.example"
    assert "acceptée" in text_of(mail)  # in the signer's language
    assert actions_of(app, entry_id)[-1] == "correction.accept"
    with app.app_context():
        details = db.session.scalar(
            select(AuditDetails)
            .join(AuditEvent)
            .where(AuditEvent.endorsement_id == entry_id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        assert details is not None
        assert details.reason == "checked on their website"
        assert "Dinant" in (details.data or "")
        assert audit.verify().ok


def test_a_refused_correction_changes_nothing_and_the_signer_is_told(
    app: Flask, client: FlaskClient, moderator: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = _published(app)
    before = _public(client)
    _correct(client, _link(app, entry_id), name="Something Else Entirely")
    mailbox.clear()
    response = _decide(moderator, entry_id, "refuse", reason="not the same organisation")
    assert response.status_code == 302
    assert entry_of(app, entry_id).name == "Ligue des familles asbl"
    assert _waiting(app, entry_id) is None
    assert _public(client) == before
    [mail] = mailbox.wait_for(1)
    assert mail["To"] == "marie@ligue.example"
    assert "pas accepté" in text_of(mail)
    assert "not the same organisation" not in text_of(mail)
    assert actions_of(app, entry_id)[-1] == "correction.refuse"
    with app.app_context():
        kinds = db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.endorsement_id == entry_id)
        ).all()
        assert MailKind.CORRECTION_REFUSED in kinds


def test_a_second_correction_replaces_the_waiting_one(
    app: Flask, client: FlaskClient, moderator: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = _published(app)
    link = _link(app, entry_id)
    _correct(client, link, statement="First try.")
    first = _waiting(app, entry_id)
    _correct(client, link, statement="Second try.")
    second = _waiting(app, entry_id)
    assert first is not None
    assert second is not None
    assert second.statement == "Second try."
    assert second.id != first.id
    with app.app_context():
        assert len(db.session.scalars(select(Correction)).all()) == 1
    # A moderator who decides on the first one, seen before it was replaced, publishes nothing.
    with app.app_context(), pytest.raises(operations.CorrectionReplaced):
        operations.accept_correction(entry_id, first.id, operations.SYSTEM)
    assert entry_of(app, entry_id).statement == LIVE
    # Sending the live version again cancels the waiting correction.
    response = _correct(client, link)
    assert response.headers["Location"].endswith("done=cancelled")
    assert _waiting(app, entry_id) is None
    assert actions_of(app, entry_id)[-3:] == [
        "correction.propose",
        "correction.propose",
        "correction.drop",
    ]


def test_deciding_twice_is_no_error_and_no_second_mail(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = _published(app)
    _correct(client, _link(app, entry_id), statement="Once.")
    waiting = _waiting(app, entry_id)
    assert waiting is not None
    with app.app_context():
        assert operations.accept_correction(entry_id, waiting.id, operations.SYSTEM)
        assert not operations.refuse_correction(entry_id, waiting.id, operations.SYSTEM)
        with pytest.raises(operations.NotAModerator):
            operations.accept_correction(entry_id, waiting.id, operations.SIGNER)
    assert entry_of(app, entry_id).statement == "Once."


def test_withdrawing_drops_the_waiting_correction(
    app: Flask, client: FlaskClient, moderator: FlaskClient
) -> None:
    entry_id = _published(app)
    link = _link(app, entry_id)
    _correct(client, link, statement="Soon gone.")
    response = client.post(f"{link}/withdraw", data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 303
    assert entry_of(app, entry_id).state == State.WITHDRAWN
    assert _waiting(app, entry_id) is None
    assert "correction.drop" in actions_of(app, entry_id)
    assert "Soon gone." not in moderator.get("/moderate/queue").get_data(True)


def test_erasing_erases_the_proposed_change_too(app: Flask, client: FlaskClient) -> None:
    entry_id = _published(app)
    link = _link(app, entry_id)
    _correct(client, link, statement="Signed by Marie Dupont herself.")
    response = client.post(f"{link}/erase", data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 303
    assert _waiting(app, entry_id) is None
    with app.app_context():
        details = db.session.scalars(
            select(AuditDetails.data).join(AuditEvent).where(AuditEvent.endorsement_id == entry_id)
        ).all()
        assert all("Marie Dupont" not in (data or "") for data in details)
        assert audit.verify().ok


def test_a_hidden_entry_keeps_its_correction_and_an_unpublished_one_is_edited_at_once(
    app: Flask, client: FlaskClient
) -> None:
    entry_id = _published(app)
    _correct(client, _link(app, entry_id), statement="Kept while hidden.")
    with app.app_context():
        operations.hide(entry_id, operations.SYSTEM, "checking")
    assert _waiting(app, entry_id) is not None
    # Not yet published: the signer's edit applies at once, as before.
    waiting = make_endorsement(app, State.VERIFIED, contact_email="w@org.example")
    response = _correct(client, _link(app, waiting), statement="Straight in.")
    assert response.headers["Location"].endswith("done=saved")
    assert entry_of(app, waiting).statement == "Straight in."
    assert _waiting(app, waiting) is None


def test_the_diff_marks_changed_words_and_escapes_what_was_typed() -> None:
    live, proposed = words("We <b>stand</b> firm", "We <b>stand</b> very firm")
    assert str(live) == "We &lt;b&gt;stand&lt;/b&gt; firm"
    assert str(proposed) == "We &lt;b&gt;stand&lt;/b&gt; <ins>very </ins>firm"
    live, proposed = words("<script>", "<img>")
    assert str(live) == "<del>&lt;script&gt;</del>"
    assert str(proposed) == "<ins>&lt;img&gt;</ins>"


def test_deciding_needs_the_console_csrf_token(
    app: Flask, client: FlaskClient, moderator: FlaskClient
) -> None:
    entry_id = _published(app)
    _correct(client, _link(app, entry_id), statement="No forgery.")
    waiting = _waiting(app, entry_id)
    assert waiting is not None
    response = moderator.post(
        f"/moderate/endorsements/{entry_id}/correction",
        data={"correction": waiting.id, "accept": "1"},
    )
    assert response.status_code == 400
    assert entry_of(app, entry_id).statement == LIVE


def test_a_bad_decision_form_is_refused_without_changing_anything(
    app: Flask, client: FlaskClient, moderator: FlaskClient
) -> None:
    entry_id = _published(app)
    _correct(client, _link(app, entry_id), statement="Still waiting.")
    page = f"/moderate/endorsements/{entry_id}"
    for data in ({"correction": "x", "accept": "1"}, {"correction": "99999999999", "accept": "1"}):
        response = post_action(moderator, f"{page}/correction", page, **data)
        assert response.status_code == 400
    nobody = post_action(moderator, "/moderate/endorsements/999999/correction", page, accept="1")
    assert nobody.status_code == 404
    assert entry_of(app, entry_id).statement == LIVE
    assert _waiting(app, entry_id) is not None


def _records(app: Flask, entry_id: int) -> list[tuple[str, str | None, str | None]]:
    """The entry's audit records: action, reason and data, as the erasable details keep them."""
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.action, AuditDetails.reason, AuditDetails.data)
            .outerjoin(AuditDetails, AuditDetails.event_id == AuditEvent.id)
            .where(AuditEvent.endorsement_id == entry_id)
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_each_correction_of_a_published_entry_says_what_became_of_it(
    app: Flask, client: FlaskClient
) -> None:
    """The signer is told, and the audit trail says why: nothing to change, a correction
    proposed, replaced, the same one again, then taken back."""
    entry_id = _published(app)
    link = _link(app, entry_id)
    seen = len(_records(app, entry_id))

    def outcome(**fields: str) -> str:
        response = _correct(client, link, **fields)
        assert response.status_code == 303
        done = response.headers["Location"].rpartition("done=")[2]
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        return f"{done}: {page}"

    nothing = outcome()
    assert nothing.startswith("unchanged: ")
    assert "Aucune modification." in nothing
    assert _records(app, entry_id)[seen:] == []

    before = utcnow()
    assert outcome(statement="First try.").startswith("proposed: ")
    waiting = _waiting(app, entry_id)
    assert waiting is not None
    assert before <= waiting.proposed_at.replace(tzinfo=before.tzinfo) <= utcnow()
    changes = {"statement": [LIVE, "First try."]}
    assert _records(app, entry_id)[seen:] == [
        ("correction.propose", None, audit.canonical({"changes": changes}))
    ]
    assert outcome(statement="First try.").startswith("unchanged: ")  # the same one again
    assert outcome(statement="Second try.").startswith("proposed: ")
    assert _records(app, entry_id)[-1] == (
        "correction.propose",
        "replaces the waiting correction",
        audit.canonical({"changes": {"statement": [LIVE, "Second try."]}}),
    )
    assert outcome().startswith("cancelled: ")
    assert _records(app, entry_id)[-1] == ("correction.drop", "cancelled by the signer", None)


def test_a_signers_edit_of_a_decided_entry_goes_back_to_review_on_record(
    app: Flask, client: FlaskClient
) -> None:
    entry_id = make_endorsement(app, State.REJECTED, statement=LIVE)
    link = _link(app, entry_id)
    seen = len(trail_of(app, entry_id))
    assert _correct(client, link).headers["Location"].endswith("done=unchanged")
    assert entry_of(app, entry_id).state == State.REJECTED  # nothing changed: nothing to review
    assert trail_of(app, entry_id)[seen:] == []
    assert (
        _correct(client, link, statement="Reconsider us.")
        .headers["Location"]
        .endswith("done=saved")
    )
    signer = (ActorKind.SIGNER, None)
    assert trail_of(app, entry_id)[seen:] == [
        (*signer, "edit", None, None, "edited by the signer"),
        (*signer, "transition", State.REJECTED, State.VERIFIED, "edited by the signer"),
    ]
    assert entry_of(app, entry_id).state == State.VERIFIED


def test_an_edit_that_applies_at_once_replaces_a_waiting_correction_on_record(
    app: Flask, client: FlaskClient
) -> None:
    """A hidden entry keeps its signer's waiting correction; the signer's next edit applies at
    once (it is not public), so it replaces that correction, and the trail says so."""
    entry_id = _published(app)
    link = _link(app, entry_id)
    _correct(client, link, statement="Waiting.")
    with app.app_context():
        operations.hide(entry_id, operations.SYSTEM, "checking")
    seen = len(trail_of(app, entry_id))
    assert _correct(client, link, statement="Applied.").headers["Location"].endswith("done=saved")
    signer = (ActorKind.SIGNER, None)
    assert trail_of(app, entry_id)[seen:] == [
        (*signer, "edit", None, None, "edited by the signer"),
        (*signer, "correction.drop", None, None, "replaced by the signer's edit"),
        (*signer, "transition", State.HIDDEN, State.VERIFIED, "edited by the signer"),
    ]
    assert _waiting(app, entry_id) is None
    assert entry_of(app, entry_id).statement == "Applied."


@pytest.mark.parametrize(("decide", "action"), [("accept", "accept"), ("refuse", "refuse")])
def test_a_decision_on_a_correction_is_on_record_with_its_moderator_and_note(
    app: Flask, client: FlaskClient, decide: str, action: str
) -> None:
    moderator = audit.Actor.moderator(make_user(app, "decider@campaign.example"))
    entry_id = _published(app)
    _correct(client, _link(app, entry_id), statement="Please update.")
    waiting = _waiting(app, entry_id)
    assert waiting is not None
    seen = len(trail_of(app, entry_id))
    with app.app_context():
        decision = getattr(operations, f"{decide}_correction")
        assert decision(entry_id, waiting.id, moderator, "checked by phone") is True
        with pytest.raises(operations.NotAModerator, match="a signer cannot decide"):
            decision(entry_id, waiting.id, operations.SIGNER)
    records = trail_of(app, entry_id)[seen:]
    assert (
        ActorKind.MODERATOR,
        moderator.user_id,
        f"correction.{action}",
        None,
        None,
        "checked by phone",
    ) in records


def test_a_closed_entry_says_which_state_refuses_the_edit(app: Flask) -> None:
    entry_id = make_endorsement(app, State.WITHDRAWN)
    with app.app_context():
        token = make_token(
            Purpose.MANAGE, entry_id, db.session.get_one(Endorsement, entry_id).token_nonce
        )
        fields = operations.PublicFields(**FIELDS, statement=LIVE)  # type: ignore[arg-type]
        with pytest.raises(operations.NotEditable) as refused:
            operations.edit_by_signer(token, fields)
    assert refused.value.state == State.WITHDRAWN
