"""The console's import of supporters (admins): upload, preview, import, undo; and adding one
organisation by hand (moderators)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from endorse import importing, projections
from endorse.extensions import db
from endorse.mail import outbox
from endorse.models import (
    AuditEvent,
    Endorsement,
    MailKind,
    OutboxMessage,
    State,
    SupporterImport,
    User,
)

from .helpers import csrf_token, errors_on, text_of
from .test_import_supporters import GOOD

NOTE = "Signed by email to the coordinator, 2023-2025"


def _upload(client: FlaskClient, content: bytes, **fields: Any) -> Any:
    data = {
        "csrf_token": csrf_token(client, "/moderate/import"),
        "file": (io.BytesIO(content), "old-list.csv"),
        "consent_note": NOTE,
        **fields,
    }
    return client.post("/moderate/import", data=data, content_type="multipart/form-data")


def _organisations(app: Flask) -> int:
    with app.app_context():
        return projections.read_counts().organisations


def test_an_admin_uploads_previews_and_imports(app: Flask, admin: FlaskClient) -> None:
    excel = ("\ufeff" + GOOD.replace(",", ";")).encode()
    response = _upload(admin, excel, language="en")
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    preview = admin.get(preview_url)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Import 3 organisations" in page
    assert "Syndicat des enseignants" in page
    assert "Liège" in page
    assert _organisations(app) == 0  # a preview changes nothing
    done = admin.post(preview_url, data={"csrf_token": csrf_token(admin, preview_url)})
    assert done.status_code == 303
    assert _organisations(app) == 3
    index = admin.get("/moderate/import").get_data(as_text=True)
    assert "3 organisations imported" in index
    assert "old-list.csv" in index
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.email == "admin@campaign.example"))
        actors = set(
            db.session.scalars(
                select(AuditEvent.actor_user_id).where(AuditEvent.action == "import")
            )
        )
        assert actors == {admin_id}
        batch = db.session.scalars(select(SupporterImport)).one()
        assert batch.content is None
        assert batch.consent_note == NOTE
        entry_id = db.session.scalar(
            select(Endorsement.id).where(Endorsement.import_id == batch.id)
        )
    entry = admin.get(f"/moderate/endorsements/{entry_id}").get_data(as_text=True)
    assert NOTE in entry  # moderators see how consent was given
    # The same preview cannot be imported twice.
    assert admin.get(preview_url).status_code == 410


def test_a_file_with_a_bad_row_shows_each_problem_and_imports_nothing(
    app: Flask, admin: FlaskClient
) -> None:
    response = _upload(admin, (GOOD + "Bad,vzw,Gent,Gent,,,,,nl,\n").encode())
    preview = admin.get(response.headers["Location"])
    assert preview.status_code == 422
    page = preview.get_data(as_text=True)
    assert "Line 4" in page
    assert "<code>language</code>" in page
    assert "Line 5" in page
    assert "<code>category</code>" in page
    assert "Import 3" not in page
    assert "<button" not in page.split("</header>")[1].split("<table")[0]
    assert (
        admin.post(
            response.headers["Location"],
            data={"csrf_token": csrf_token(admin, "/moderate/import")},
        ).status_code
        == 422
    )
    assert _organisations(app) == 0


def test_uploads_are_checked_kept_for_their_admin_and_expire(
    app: Flask, admin: FlaskClient, time_machine: Any
) -> None:
    assert _upload(admin, GOOD.encode(), consent_note="").status_code == 400
    latin = _upload(admin, GOOD.encode("latin-1"), language="fr")  # "Liège" in Latin-1
    refused = admin.get(latin.headers["Location"])
    assert refused.status_code == 422
    assert "UTF-8" in refused.get_data(as_text=True)
    app.config["IMPORT_MAX_BYTES"] = 100
    assert _upload(admin, GOOD.encode()).status_code == 413
    app.config["IMPORT_MAX_BYTES"] = 5 * 1024 * 1024
    app.config["IMPORT_UPLOAD_MAX_AGE"] = 60  # within the console session's idle time
    preview_url = _upload(admin, GOOD.encode(), language="fr").headers["Location"]
    time_machine.move_to(
        datetime.now(UTC) + timedelta(seconds=app.config["IMPORT_UPLOAD_MAX_AGE"] + 5)
    )
    assert admin.get(preview_url).status_code == 410
    with app.app_context():
        assert importing.forget_expired_uploads() == 2  # their contacts do not linger


def test_another_admin_cannot_see_an_upload(app: Flask, admin: FlaskClient) -> None:
    from .helpers import login, make_user

    preview_url = _upload(admin, GOOD.encode(), language="fr").headers["Location"]
    make_user(app, "other-admin@campaign.example", "admin")
    other = app.test_client()
    login(other, "other-admin@campaign.example")
    assert other.get(preview_url).status_code == 410


def test_the_template_downloads_and_imports_as_it_is(app: Flask, admin: FlaskClient) -> None:
    response = admin.get("/moderate/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    with app.app_context():
        report = importing.plan(response.data, "template.csv", importing.Options())
    assert report.ok
    assert len(report.to_import) == 2


def test_an_admin_undoes_an_import(app: Flask, admin: FlaskClient) -> None:
    preview_url = _upload(admin, GOOD.encode(), language="nl").headers["Location"]
    admin.post(preview_url, data={"csrf_token": csrf_token(admin, preview_url)})
    with app.app_context():
        import_id = db.session.scalar(select(SupporterImport.id))
    undo = admin.post(
        f"/moderate/import/{import_id}/undo",
        data={"csrf_token": csrf_token(admin, "/moderate/import")},
    )
    assert undo.status_code == 303
    assert _organisations(app) == 0
    assert "Undone on" in admin.get("/moderate/import").get_data(as_text=True)


def test_a_moderator_adds_one_organisation_by_hand(app: Flask, moderator: FlaskClient) -> None:
    fields = {
        "name": "Maison de quartier",
        "category": "ngo",
        "city": "Liège",
        "region": "liege",
        "contact_email": "Info@Maison.example",
        "language": "fr",
        "signed_on": "2024-05-02",
        "consent_note": "Letter of 2 May 2024",
        "publish": "y",
    }
    page = "/moderate/add"
    response = moderator.post(page, data={"csrf_token": csrf_token(moderator, page), **fields})
    assert response.status_code == 303
    assert _organisations(app) == 1
    queued = {**fields, "name": "Autre maison", "publish": ""}
    response = moderator.post(page, data={"csrf_token": csrf_token(moderator, page), **queued})
    assert response.status_code == 303
    with app.app_context():
        entries = db.session.scalars(select(Endorsement).order_by(Endorsement.id)).all()
        assert [entry.state for entry in entries] == [State.APPROVED, State.VERIFIED]
        assert entries[0].approved_at == datetime(2024, 5, 2, 12, tzinfo=UTC)
        assert entries[0].contact_email == "info@maison.example"
        assert entries[0].consent_note == "Letter of 2 May 2024"
        added = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "added_by_hand")
        )
        assert added == 2
    assert "Autre maison" in moderator.get("/moderate/queue").get_data(as_text=True)
    bad = moderator.post(
        page,
        data={
            "csrf_token": csrf_token(moderator, page),
            **fields,
            "consent_note": "",
            "region": "x",
        },
    )
    assert bad.status_code == 400
    assert len(errors_on(bad)) >= 2


def test_the_console_sends_claim_mails_when_asked_once_each(
    app: Flask, admin: FlaskClient, client: FlaskClient, mailbox: Any
) -> None:
    preview_url = _upload(admin, GOOD.encode(), language="fr", claim_mails="y").headers["Location"]
    page = admin.get(preview_url).get_data(as_text=True)
    assert "Each contact with an email address gets one email." in page
    done = admin.post(preview_url, data={"csrf_token": csrf_token(admin, preview_url)})
    assert done.status_code == 303
    index = admin.get("/moderate/import").get_data(as_text=True)
    assert "3 organisations imported and published; 2 emails queued." in index
    with app.app_context():
        outbox.deliver()  # whatever the response did not send already
    mails = mailbox.wait_for(2)
    assert {str(m["To"]) for m in mails} == {"marie@ligue.example", "jan@synd.example"}
    for mail in mails:
        link = re.search(r"http://endorse\.test(/fr/manage/[\w.-]+)", text_of(mail))
        assert link, text_of(mail)
        assert client.get(link.group(1)).status_code == 200
    # The same file again: nothing new to import, so no second mail.
    again = _upload(admin, GOOD.encode(), language="fr", claim_mails="y").headers["Location"]
    admin.post(again, data={"csrf_token": csrf_token(admin, again)})
    with app.app_context():
        claims = select(func.count()).select_from(OutboxMessage)
        assert db.session.scalar(claims.where(OutboxMessage.kind == MailKind.CLAIM)) == 2


def test_without_the_console_option_no_claim_mail_is_queued(app: Flask, admin: FlaskClient) -> None:
    preview_url = _upload(admin, GOOD.encode(), language="fr").headers["Location"]
    page = admin.get(preview_url).get_data(as_text=True)
    assert "No email is sent." in page
    admin.post(preview_url, data={"csrf_token": csrf_token(admin, preview_url)})
    assert _organisations(app) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
