"""What the console shows moderators: logos before publishing, the audit trail in words and on
the campaign's clock, an alert only when something waits, a chart with a range, and only the
account actions the rules allow."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from endorse import operations
from endorse.audit import SYSTEM, Actor
from endorse.extensions import db
from endorse.models import Endorsement, RejectReason, Role, State, User
from endorse.moderation import accounts, queries

from .helpers import a_logo, login, make_endorsement, make_user, post_action

FRENCH = {"Accept-Language": "fr"}


def _page(client: FlaskClient, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _rejected_as_duplicate(app: Flask, note: str | None = None) -> int:
    entry_id = make_endorsement(app, State.VERIFIED, name="Twice Signed Org")
    with app.app_context():
        assert operations.reject(entry_id, SYSTEM, note, code=RejectReason.DUPLICATE)
    return entry_id


# 15. The logo moderators publish.


def test_moderators_see_the_logo_in_the_queue_and_on_the_entry_before_publishing(
    app: Flask, moderator: FlaskClient, client: FlaskClient
) -> None:
    logo = a_logo()
    entry_id = make_endorsement(app, State.VERIFIED, name="Logo Org", logo=logo)
    bare_id = make_endorsement(app, State.VERIFIED, name="Bare Org", contact_email="b@b.example")
    src = f"/moderate/endorsements/{entry_id}/logo.webp"
    queue = _page(moderator, "/moderate/queue")
    assert f'src="{src}" alt="Logo of Logo Org"' in queue
    assert f"/moderate/endorsements/{bare_id}/logo.webp" not in queue
    assert f'src="{src}"' in _page(moderator, f"/moderate/endorsements/{entry_id}")

    image = moderator.get(src)
    assert image.status_code == 200
    assert image.headers["Content-Type"] == "image/webp"
    assert image.get_data() == logo.content
    assert "no-store" in image.headers["Cache-Control"]
    # Not public yet: the public address has nothing, the console's asks for a sign-in.
    assert client.get(f"/logos/{entry_id}.webp").status_code == 404
    assert client.get(src).headers["Location"].startswith("/moderate/login")
    assert moderator.get(f"/moderate/endorsements/{bare_id}/logo.webp").status_code == 404


# 16. The console's own footer: none.


def test_the_console_has_no_public_footer(app: Flask, admin: FlaskClient) -> None:
    for url in ("/moderate/", "/moderate/queue", "/moderate/audit", "/moderate/users"):
        page = _page(admin, url)
        assert "Manage your endorsement" not in page
        assert "Show the count on your website" not in page
        assert 'href="/static/console.css"' in page
    assert "Manage your endorsement" in _page(app.test_client(), "/en/")


# 18. The audit trail in the dashboard's words, on the campaign's clock.


def test_the_audit_log_speaks_the_dashboards_words(app: Flask, moderator: FlaskClient) -> None:
    _rejected_as_duplicate(app, note="signed on paper too")
    page = _page(moderator, "/moderate/audit")
    assert "Awaiting review → Rejected" in page
    assert "The organisation has already signed. — signed on paper too" in page
    assert "Waiting for email confirmation → Awaiting review" in page
    assert "<strong>New signature</strong>" in page
    assert "<strong>State changed</strong>" in page
    for internal in ("transition", "verified → rejected", "unverified", "duplicate:"):
        assert internal not in page.split("<table")[1], internal

    french = _page(moderator, "/moderate/audit", **FRENCH)
    with app.test_request_context(headers=FRENCH), force_locale("fr"):
        before, after = str(State.VERIFIED.label), str(State.REJECTED.label)
        reason = str(RejectReason.DUPLICATE.label)
    assert f"{before} → {after}" in french
    assert f"{reason} — signed on paper too" in french
    assert "Awaiting review" not in french


def test_the_audit_log_shows_edits_and_roles_in_words(app: Flask, admin: FlaskClient) -> None:
    entry_id = make_endorsement(app, State.APPROVED, name="Old Name")
    other = make_user(app, "other@campaign.example")
    with app.app_context():
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        fields = operations.PublicFields(
            name="New Name", category=entry.category, city=entry.city, region=entry.region
        )
        operations.edit(entry_id, SYSTEM, fields, "typo")
        accounts.change_role(other, Role.ADMIN, SYSTEM)
    page = _page(admin, "/moderate/audit")
    assert "Organisation: Old Name → New Name" in page
    assert "Role: Moderator → Admin" in page
    assert '<strong>Role changed</strong> <span class="email">other@campaign.example</span>' in page
    assert "Public fields corrected" in page
    assert '{"changes"' not in page


def test_times_are_on_the_campaigns_clock_with_utc_on_hover(
    app: Flask, moderator: FlaskClient, time_machine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC)
    time_machine.move_to(datetime(2026, 7, 1, 10, 30, 5, tzinfo=UTC), tick=False)
    entry_id = make_endorsement(app, State.VERIFIED)
    time_machine.move_to(now)  # back to the moderator's session
    utc = '<time datetime="2026-07-01T10:30:05Z" title="2026-07-01 10:30:05 UTC">'
    # Brussels in summer: UTC+2.
    assert f"{utc}2026-07-01 12:30:05</time>" in _page(moderator, "/moderate/audit")
    assert f"{utc}2026-07-01 12:30</time>" in _page(moderator, f"/moderate/endorsements/{entry_id}")
    assert f"{utc}2026-07-01</time>" in _page(moderator, "/moderate/endorsements")
    monkeypatch.setitem(app.config, "TIMEZONE", "America/New_York")
    assert f"{utc}2026-07-01 06:30:05</time>" in _page(moderator, "/moderate/audit")
    assert "America/New_York" in _page(moderator, "/moderate/audit")


def test_the_action_filter_is_a_select_of_named_actions(app: Flask, moderator: FlaskClient) -> None:
    first = make_endorsement(app, State.VERIFIED, name="Kept")
    page = _page(moderator, "/moderate/audit")
    select_ = re.search(r'<select id="action" name="action"[^>]*>(.*?)</select>', page, re.S)
    assert select_ is not None
    assert select_.group(1).startswith('<option value="">Any</option>')
    assert '<option value="transition">State changed</option>' in select_.group(1)
    assert '<option value="signed">New signature</option>' in select_.group(1)
    assert "<datalist" not in page

    only = _page(moderator, "/moderate/audit?action=signed")
    assert f'href="/moderate/endorsements/{first}">#{first}</a>' in only
    assert "<strong>State changed</strong>" not in only
    assert "<strong>New signature</strong>" in only
    assert '<option selected value="signed">New signature</option>' in only

    french = _page(moderator, "/moderate/audit", **FRENCH)
    with app.test_request_context(headers=FRENCH), force_locale("fr"):
        from endorse.moderation import display

        named = display.action_label("transition")
    assert named != "State changed"
    assert f'<option value="transition">{named}</option>' in french

    refused = moderator.get("/moderate/audit?action=%3Cscript%3E")
    assert refused.status_code == 200
    assert "Please choose one of the options." in refused.get_data(as_text=True)


def test_an_action_the_console_cannot_name_is_still_offered_by_its_name(
    app: Flask, moderator: FlaskClient
) -> None:
    from endorse import audit
    from endorse.database import write_transaction

    with app.app_context(), write_transaction():
        audit.record(SYSTEM, "import.batch", data={"rows": 3})
    page = _page(moderator, "/moderate/audit?action=import.batch")
    assert '<option selected value="import.batch">import.batch</option>' in page
    assert "<strong>import.batch</strong>" in page
    assert "rows: 3" in page


# 19. The dashboard: an alert only when something waits; a chart with a range.


def test_the_dashboard_alerts_only_when_something_waits(app: Flask, moderator: FlaskClient) -> None:
    calm = _page(moderator, "/moderate/")
    assert "await a decision" not in calm
    assert 'class="button" href="/moderate/queue"' not in calm
    assert "Nothing awaits a decision." in calm

    make_endorsement(app, State.VERIFIED)
    busy = _page(moderator, "/moderate/")
    assert '<a class="button" href="/moderate/queue">1 endorsement awaits a decision</a>' in busy
    assert "Nothing awaits a decision." not in busy


def test_one_day_of_approvals_is_charted_over_fourteen_days(app: Flask, time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False)
    make_endorsement(app, State.APPROVED)
    make_user(app, "mod@campaign.example")
    moderator = app.test_client()
    login(moderator, "mod@campaign.example")
    with app.test_request_context():
        chart = queries.approvals_chart()
    assert chart.first == chart.last == date(2026, 12, 1)
    assert (chart.start, chart.end) == (date(2026, 11, 18), date(2026, 12, 1))
    xs = [x for x, _day in chart.ticks]
    assert xs[0] == 0
    assert xs[-1] == chart.width
    assert xs == sorted(set(xs))
    assert [day for _x, day in chart.ticks][-1] == date(2026, 12, 1)
    # The line runs flat until the day of the approvals, then rises to the total.
    points = chart.points.split()
    assert points[1] == f"0.0,{float(chart.height)}"
    assert points[-2] == f"{points[-2].split(',')[0]},{float(chart.height)}"
    assert points[-1] == f"{float(chart.width)},0.0"
    page = _page(moderator, "/moderate/")
    assert ">18 Nov</text>" in page
    assert ">1 Dec</text>" in page
    french = _page(moderator, "/moderate/", **FRENCH)
    assert ">18 nov.</text>" in french
    assert ">1 déc.</text>" in french


def test_a_longer_campaign_is_charted_from_its_first_approval_to_today(
    app: Flask, time_machine: Any
) -> None:
    time_machine.move_to(datetime(2026, 10, 1, 12, 0, tzinfo=UTC), tick=False)
    make_endorsement(app, State.APPROVED, contact_email="a@a.example")
    time_machine.move_to(datetime(2026, 11, 1, 12, 0, tzinfo=UTC), tick=False)
    make_endorsement(app, State.APPROVED, contact_email="b@b.example")
    time_machine.move_to(datetime(2026, 12, 1, 12, 0, tzinfo=UTC), tick=False)
    with app.test_request_context():
        chart = queries.approvals_chart()
    assert (chart.start, chart.end) == (date(2026, 10, 1), date(2026, 12, 1))
    assert (chart.first, chart.last) == (date(2026, 10, 1), date(2026, 11, 1))
    days = [day for _x, day in chart.ticks]
    assert days[0] == date(2026, 10, 1)
    assert days[-1] == date(2026, 12, 1)
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    assert min(gaps) * 2 >= max(gaps)  # evenly spread: no two labels on top of each other


def test_approvals_count_on_the_campaigns_day(app: Flask, time_machine: Any) -> None:
    """23:30 UTC on 30 November is 1 December in Brussels."""
    time_machine.move_to(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), tick=False)
    make_endorsement(app, State.APPROVED)
    with app.test_request_context():
        assert queries.approvals_chart().first == date(2026, 12, 1)


# 20. Dates, the role select, Deactivate, the decision panels.


def test_the_signed_date_does_not_wrap(app: Flask, moderator: FlaskClient) -> None:
    make_endorsement(app, State.VERIFIED)
    page = _page(moderator, "/moderate/endorsements")
    assert re.search(r'<td data-label="Signed" class="when"><time datetime="[^"]+Z"', page)


def test_deactivate_is_offered_only_where_the_server_allows_it(
    app: Flask, admin: FlaskClient
) -> None:
    moderator_id = make_user(app, "mod@campaign.example")
    with app.app_context():
        me = db.session.scalar(select(User.id).where(User.email == "admin@campaign.example"))
    assert me is not None
    page = _page(admin, "/moderate/users")
    assert f'action="/moderate/users/{me}/deactivate"' not in page
    assert f'action="/moderate/users/{moderator_id}/deactivate"' in page
    # What the page leaves out, the server refuses: the buttons follow the rules.
    refused = post_action(admin, f"/moderate/users/{me}/deactivate", "/moderate/users")
    assert refused.status_code == 302
    with app.app_context():
        user = db.session.get(User, me)
        assert user is not None
        assert user.active

    other_admin = make_user(app, "second@campaign.example", "admin")
    page = _page(admin, "/moderate/users")
    assert f'action="/moderate/users/{other_admin}/deactivate"' in page
    assert f'action="/moderate/users/{me}/deactivate"' not in page


def test_the_last_active_admin_is_never_offered_for_deactivation(app: Flask) -> None:
    make_user(app, "admin@campaign.example", "admin")
    make_user(app, "mod@campaign.example")
    other_admin = make_user(app, "b-admin@campaign.example", "admin")
    with app.app_context():
        everyone = accounts.all_users()
        ids = {user.email: user.id for user in everyone}
        moderator = Actor.moderator(ids["mod@campaign.example"])
        assert accounts.deactivatable(everyone, moderator) == {
            ids["admin@campaign.example"],
            other_admin,
        }
        accounts.set_active(other_admin, False, Actor.moderator(ids["admin@campaign.example"]))
        everyone = accounts.all_users()
        # The one active admin left: no one is offered to deactivate them.
        assert accounts.deactivatable(everyone, moderator) == set()
        with pytest.raises(accounts.LastAdmin):
            accounts.set_active(ids["admin@campaign.example"], False, moderator)


def test_the_role_select_is_a_styled_labelled_form_control(app: Flask, admin: FlaskClient) -> None:
    user_id = make_user(app, "mod@campaign.example")
    page = _page(admin, "/moderate/users")
    assert f'<label for="role-{user_id}" class="visually-hidden">' in page
    assert 'class="inline role-form"' in page
    css = app.test_client().get("/static/console.css").get_data(as_text=True)
    assert ".role-form select" in css


def test_every_decision_panel_has_a_heading_and_withdraw_explains_itself(
    app: Flask, moderator: FlaskClient
) -> None:
    waiting = make_endorsement(app, State.VERIFIED)
    page = _page(moderator, f"/moderate/endorsements/{waiting}")
    assert '<h3 id="reject-title">Reject</h3>' in page
    assert '<h3 id="withdraw-title">Mark as withdrawn</h3>' in page
    assert "it leaves the list and the count for good" in page
    assert 'aria-describedby="withdraw-help"' in page
    published = make_endorsement(app, State.APPROVED, contact_email="p@p.example")
    page = _page(moderator, f"/moderate/endorsements/{published}")
    assert '<h3 id="hide-title">Hide from the public list</h3>' in page


def test_a_rejections_reason_reads_as_words_on_the_entry(
    app: Flask, moderator: FlaskClient
) -> None:
    entry_id = _rejected_as_duplicate(app, note="see #3")
    page = _page(moderator, f"/moderate/endorsements/{entry_id}")
    assert "Reason for rejecting: The organisation has already signed. — see #3" in page
