"""Reviewing endorsements in the console: decide, edit, search, export; all audited."""

from __future__ import annotations

import csv
import io
import json

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from endorse.extensions import db
from endorse.models import AuditEvent, Category, Endorsement, Region, State

from .helpers import Mailbox, csrf_token, make_endorsement, post_action, text_of


def _state(app: Flask, entry_id: int) -> State:
    with app.app_context():
        return db.session.get(Endorsement, entry_id).state  # type: ignore[union-attr]


def _count(client: FlaskClient) -> int:
    return int(client.get("/api/v1/count").get_json()["organisations"])


def _last_audit(app: Flask) -> AuditEvent:
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        db.session.expunge(event)
        return event


def test_the_queue_lists_verified_entries_oldest_first_with_everything_submitted(
    app: Flask, moderator: FlaskClient
) -> None:
    first = make_endorsement(
        app, State.VERIFIED, name="Oldest Org", contact_email="a@old.example", contact_role="Chair"
    )
    make_endorsement(app, State.VERIFIED, name="Newer Org", contact_email="b@new.example")
    make_endorsement(app, State.UNVERIFIED, name="Unconfirmed Org", contact_email="c@x.example")
    page = moderator.get("/moderate/queue").get_data(as_text=True)
    assert page.index("Oldest Org") < page.index("Newer Org")
    assert "Unconfirmed Org" not in page
    assert "a@old.example" in page
    assert "Chair" in page
    assert "Marie Dupont" in page
    assert f'value="{first}"' in page


def test_hints_point_at_possible_duplicates_and_odd_addresses(
    app: Flask, moderator: FlaskClient
) -> None:
    original = make_endorsement(
        app,
        State.APPROVED,
        name="Ligue des familles",
        contact_email="info@liguedesfamilles.example",
        website="https://www.liguedesfamilles.example",
    )
    make_endorsement(
        app,
        State.VERIFIED,
        name="LIGUE DES FAMILLES asbl",
        contact_email="someone@gmail.com",
        website="https://liguedesfamilles.example/contact",
    )
    page = moderator.get("/moderate/queue").get_data(as_text=True)
    assert "Same name as" in page
    assert f'href="/moderate/endorsements/{original}"' in page
    assert "Same website as" in page
    assert "webmail address" in page

    make_endorsement(
        app,
        State.VERIFIED,
        name="Autre Association",
        contact_email="x@other-domain.example",
        website="https://autre.example",
    )
    page = moderator.get("/moderate/queue").get_data(as_text=True)
    assert (
        "not on the organisation&#39;s website domain" in page
        or "not on the organisation's website domain" in page
    )


def test_approving_publishes_and_is_audited(app: Flask, moderator: FlaskClient) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    page = f"/moderate/endorsements/{entry_id}"
    response = post_action(moderator, f"{page}/approve", page)
    assert response.status_code == 302
    assert _state(app, entry_id) == State.APPROVED
    assert _count(moderator) == 1
    event = _last_audit(app)
    assert event.action == "transition"
    assert event.to_state == State.APPROVED
    assert event.actor_user_id is not None
    assert "Approved" in moderator.get(page).get_data(as_text=True)


def test_rejecting_with_a_reason_and_an_email_in_the_signers_language(
    app: Flask, moderator: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = make_endorsement(
        app, State.VERIFIED, language="nl", contact_email="jan@vereniging.example"
    )
    mailbox.clear()
    page = f"/moderate/endorsements/{entry_id}"
    response = post_action(
        moderator,
        f"{page}/reject",
        page,
        code="cannot_verify",
        note="Geen website gevonden.",
        notify="y",
    )
    assert response.status_code == 302
    assert _state(app, entry_id) == State.REJECTED
    [mail] = mailbox.wait_for(1)
    assert mail["To"] == "jan@vereniging.example"
    body = text_of(mail)
    assert "Geen website gevonden." in body
    assert "Een kind sluit je niet op. Punt." in body
    assert _last_audit(app).reason == "cannot_verify: Geen website gevonden."


def test_rejecting_without_email_sends_none(
    app: Flask, moderator: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    mailbox.clear()
    page = f"/moderate/endorsements/{entry_id}"
    post_action(moderator, f"{page}/reject", page, code="spam")
    assert _state(app, entry_id) == State.REJECTED
    with app.app_context():
        from endorse.models import MailKind, OutboxMessage

        kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert MailKind.REJECTED not in kinds


def test_rejecting_needs_a_reason(app: Flask, moderator: FlaskClient) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    page = f"/moderate/endorsements/{entry_id}"
    response = post_action(moderator, f"{page}/reject", page, code="")
    assert response.status_code == 400
    assert "choose one of the options" in response.get_data(as_text=True)
    assert _state(app, entry_id) == State.VERIFIED


def test_a_second_moderator_is_told_who_decided_first(
    app: Flask, moderator: FlaskClient, admin: FlaskClient
) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    page = f"/moderate/endorsements/{entry_id}"
    token = csrf_token(moderator, page)  # both have the page open
    post_action(admin, f"{page}/approve", page)
    response = moderator.post(
        f"{page}/reject", data={"csrf_token": token, "code": "spam"}, follow_redirects=True
    )
    body = response.get_data(as_text=True)
    assert "Already decided by admin@campaign.example" in body
    assert _state(app, entry_id) == State.APPROVED
    with app.app_context():
        transitions = db.session.scalars(
            select(AuditEvent.to_state).where(AuditEvent.endorsement_id == entry_id)
        ).all()
    assert transitions.count(State.APPROVED) == 1
    assert State.REJECTED not in transitions


def test_editing_records_before_and_after_and_moves_the_count(
    app: Flask, moderator: FlaskClient
) -> None:
    entry_id = make_endorsement(
        app, State.APPROVED, name="Lige des famile", category=Category.OTHER
    )
    page = f"/moderate/endorsements/{entry_id}/edit"
    form = moderator.get(page).get_data(as_text=True)
    assert 'value="Lige des famile"' in form
    response = post_action(
        moderator,
        page,
        page,
        name="Ligue des familles",
        category="ngo",
        city="Namur",
        region="namur",
        website="",
        statement="",
        reason="typo",
    )
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        assert entry.name == "Ligue des familles"
        assert entry.normalized_name == "ligue des familles"
    event = _last_audit(app)
    assert event.action == "edit"
    assert json.loads(event.data or "{}")["changes"] == {
        "name": ["Lige des famile", "Ligue des familles"],
        "category": ["other", "ngo"],
    }
    counts = moderator.get("/api/v1/count").get_json()["by_category"]
    assert counts["ngo"] == 1
    assert counts["other"] == 0
    assert "Ligue des familles" in moderator.get("/en/supporters").get_data(as_text=True)


def test_an_edit_with_bad_input_changes_nothing(app: Flask, moderator: FlaskClient) -> None:
    entry_id = make_endorsement(app, State.VERIFIED, name="Keep Me")
    page = f"/moderate/endorsements/{entry_id}/edit"
    response = post_action(
        moderator, page, page, name="", category="ngo", city="Namur", region="mars"
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Endorsement, entry_id).name == "Keep Me"  # type: ignore[union-attr]


def test_hiding_and_publishing_again(app: Flask, moderator: FlaskClient) -> None:
    entry_id = make_endorsement(app, State.APPROVED, name="Complained About")
    page = f"/moderate/endorsements/{entry_id}"
    post_action(moderator, f"{page}/hide", page, reason="complaint received")
    assert _state(app, entry_id) == State.HIDDEN
    assert _count(moderator) == 0
    assert "Complained About" not in moderator.get("/en/supporters").get_data(as_text=True)
    post_action(moderator, f"{page}/unhide", page)
    assert _state(app, entry_id) == State.APPROVED
    assert _count(moderator) == 1


def test_marking_withdrawn_on_request(app: Flask, moderator: FlaskClient) -> None:
    entry_id = make_endorsement(app, State.APPROVED)
    page = f"/moderate/endorsements/{entry_id}"
    post_action(moderator, f"{page}/withdraw", page, reason="asked by phone")
    assert _state(app, entry_id) == State.WITHDRAWN
    assert _count(moderator) == 0
    assert _last_audit(app).reason == "asked by phone"


def test_bulk_approve_and_reject(app: Flask, moderator: FlaskClient) -> None:
    ids = [
        make_endorsement(app, State.VERIFIED, name=f"Bulk {i}", contact_email=f"b{i}@bulk.example")
        for i in range(4)
    ]
    token = csrf_token(moderator, "/moderate/queue")
    moderator.post("/moderate/queue", data={"csrf_token": token, "ids": ids[:2], "approve": "1"})
    token = csrf_token(moderator, "/moderate/queue")
    moderator.post(
        "/moderate/queue", data={"csrf_token": token, "ids": ids[2:], "reject": "1", "code": "spam"}
    )
    assert [_state(app, i) for i in ids] == [State.APPROVED] * 2 + [State.REJECTED] * 2
    token = csrf_token(moderator, "/moderate/queue")
    again = moderator.post(
        "/moderate/queue",
        data={"csrf_token": token, "ids": ids[:1], "reject": "1"},
        follow_redirects=True,
    )
    assert "already decided" in again.get_data(as_text=True)
    assert _state(app, ids[0]) == State.APPROVED


def test_search_and_filters(app: Flask, moderator: FlaskClient) -> None:
    make_endorsement(
        app,
        State.APPROVED,
        name="Médecins Solidaires",
        category=Category.HEALTH,
        region=Region.LIEGE,
        contact_email="m@med.example",
    )
    make_endorsement(
        app,
        State.VERIFIED,
        name="Jeugdhuis Leuven",
        category=Category.YOUTH,
        region=Region.FLEMISH_BRABANT,
        contact_email="j@jeugd.example",
    )

    def names(query: str) -> str:
        return moderator.get(f"/moderate/endorsements?{query}").get_data(as_text=True)

    assert "Médecins Solidaires" in names("q=medecins")
    assert "Jeugdhuis" not in names("q=medecins")
    assert "Jeugdhuis Leuven" in names("q=j%40jeugd")
    assert "Médecins" not in names("state=verified")
    assert "Médecins" in names("category=health&region=liege")
    assert "Jeugdhuis" not in names("region=liege")
    assert "Jeugdhuis" in names("since=2000-01-01&until=2999-12-31")
    assert "Jeugdhuis" not in names("until=2001-01-01")
    assert moderator.get("/moderate/endorsements?since=not-a-date").status_code == 200


def test_the_csv_export_is_safe_filtered_and_audited(app: Flask, moderator: FlaskClient) -> None:
    make_endorsement(
        app,
        State.APPROVED,
        name='=HYPERLINK("http://evil")',
        contact_email="evil@x.example",
        city="+Gent",
    )
    make_endorsement(app, State.VERIFIED, name="Plain Org", contact_email="p@x.example")
    response = moderator.get("/moderate/endorsements.csv?state=approved")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data(as_text=True)
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["city"] == "'+Gent"
    assert rows[0]["contact_email"] == "evil@x.example"
    event = _last_audit(app)
    assert event.action == "export"
    assert json.loads(event.data or "{}") == {"filters": {"state": "approved"}}


def test_the_dashboard_counts_and_draws(app: Flask, moderator: FlaskClient) -> None:
    make_endorsement(
        app,
        State.APPROVED,
        category=Category.UNION,
        region=Region.HAINAUT,
        contact_email="u@u.example",
    )
    make_endorsement(app, State.VERIFIED, contact_email="v@v.example", name="Waiting")
    page = moderator.get("/moderate/").get_data(as_text=True)
    assert "1 endorsement awaits a decision" in page
    assert "<polyline" in page
    assert "Trade union" in page


def test_the_audit_log_is_filterable_and_read_only(app: Flask, moderator: FlaskClient) -> None:
    first = make_endorsement(app, State.APPROVED, contact_email="a@a.example", name="First")
    make_endorsement(app, State.REJECTED, contact_email="b@b.example", name="Second")
    # In the dashboard's words (the states' labels), not the trail's internal names.
    everything = moderator.get("/moderate/audit").get_data(as_text=True)
    assert "Awaiting review → Rejected" in everything
    only_first = moderator.get(f"/moderate/audit?endorsement={first}").get_data(as_text=True)
    assert "→ Rejected" not in only_first
    assert "Awaiting review → Published" in only_first
    entry_page = moderator.get(f"/moderate/endorsements/{first}").get_data(as_text=True)
    assert "Awaiting review → Published" in entry_page
    assert moderator.post("/moderate/audit").status_code in (400, 405)
    assert moderator.delete("/moderate/audit").status_code == 405


def test_unknown_endorsements_are_404(moderator: FlaskClient) -> None:
    assert moderator.get("/moderate/endorsements/999999").status_code == 404
    page = "/moderate/queue"
    assert post_action(moderator, "/moderate/endorsements/999999/approve", page).status_code == 404


def test_a_website_stored_before_it_was_refused_feeds_no_hint(app: Flask) -> None:
    """``http://evil.example\\@good.org`` leads browsers to evil.example: it is no sign of
    the same organisation as good.org, nor of an email on good.org."""
    from endorse.moderation import queries

    make_endorsement(app, State.VERIFIED, website="https://good.org", name="Good Org")
    tricky = make_endorsement(
        app,
        State.VERIFIED,
        website="http://evil.example\\@good.org",
        name="Tricky Org",
        contact_email="someone@evil.example",
    )
    with app.app_context():
        entry = db.session.get(Endorsement, tricky)
        assert entry is not None
        found = queries.hints(entry)
    assert found.same_website == []
    assert not found.domain_mismatch
