"""Importing the organisations that signed before the site: the report, all or nothing,
duplicates, dates, counts, audit, undo, and the one claim mail each."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import func, select

from endorse import audit, importing, projections
from endorse.audit import Actor
from endorse.extensions import db
from endorse.mail import outbox
from endorse.models import (
    AuditEvent,
    Category,
    Endorsement,
    MailKind,
    OutboxMessage,
    Region,
    SearchName,
    State,
    SupporterImport,
)
from endorse.moderation import queries

from .helpers import Mailbox, html_of, make_endorsement, make_user, text_of

HEADER = "name,category,city,region,website,statement,contact_name,contact_email,language,signed_on"
GOOD = (
    f"{HEADER}\n"
    "Ligue des familles asbl,NGO or association,Bruxelles,Brussels-Capital,"
    "liguedesfamilles.example,,Marie Dupont,marie@ligue.example,fr,2024-03-15\n"
    "Kinderrechtenhuis vzw,Vereniging of ngo,Gent,Oost-Vlaanderen,,,,,nl,16/03/2024\n"
    "Syndicat des enseignants,SYNDICAT,Liège,luik,,Nous signons.,Jan,jan@synd.example,,\n"
)


def _plan(app: Flask, text: str, **options: Any) -> importing.Plan:
    with app.app_context():
        return importing.plan(text.encode(), "old-list.csv", importing.Options(**options))


def _run(app: Flask, content: bytes | str, actor: Actor | None = None, **options: Any) -> Any:
    data = content.encode() if isinstance(content, str) else content
    with app.app_context():
        return importing.run(
            data, "old-list.csv", importing.Options(**options), actor or audit.SYSTEM
        )


def _count(app: Flask, *where: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Endorsement).where(*where)) or 0


def _problems(report: importing.Plan) -> list[tuple[int, str | None]]:
    return [(problem.line, problem.column) for problem in report.problems]


def test_labels_in_three_languages_and_codes_are_read_case_and_accent_blind(app: Flask) -> None:
    report = _plan(app, GOOD, language="en")
    assert report.ok, report.problems
    rows = report.to_import
    assert [(row.fields.category, row.fields.region) for row in rows] == [
        (Category.NGO, Region.BRUSSELS),
        (Category.NGO, Region.EAST_FLANDERS),
        (Category.UNION, Region.LIEGE),
    ]
    assert [row.language for row in rows] == ["fr", "nl", "en"]  # the last takes --language
    assert rows[0].fields.website == "https://liguedesfamilles.example"
    for text in ("Bruxelles-Capitale", "liege", "LIÈGE", "Brussels Hoofdstedelijk Gewest"):
        assert importing.rows.read_choice(Region, text) is not None, text
    with app.app_context():
        assert importing.rows.read_choice(Category, "vzw") is None  # a legal form, not a kind
        assert importing.rows.read_choice(Category, "local authority") is Category.LOCAL_AUTHORITY


def test_a_semicolon_file_from_excel_with_a_bom_reads_like_a_comma_one(app: Flask) -> None:
    excel = ("\ufeff" + GOOD.replace(",", ";").replace("\n", "\r\n")).encode("utf-8")
    with app.app_context():
        report = importing.plan(excel, "excel.csv", importing.Options(language="en"))
    assert report.ok, report.problems
    assert [row.fields.name for row in report.to_import] == [
        "Ligue des familles asbl",
        "Kinderrechtenhuis vzw",
        "Syndicat des enseignants",
    ]


def test_the_report_names_each_problem_by_line_and_column(app: Flask) -> None:
    text = (
        f"{HEADER}\n"
        "Good one,ngo,Gent,Oost-Vlaanderen,,,,,nl,\n"
        "Bad kind,vzw,Gent,Oost-Vlaanderen,,,,,nl,\n"
        ",ngo,,nowhere,,,,not-an-address,xx,31/02/2024\n"
        '"A name, with a comma",ngo,Gent,Gent,,,,,nl,2999-01-01\n'
        "Visit evil.example,ngo,Gent,Oost-Vlaanderen,,,,,,\n"
    )
    report = _plan(app, text)
    assert not report.ok
    assert sorted(_problems(report)) == [
        (3, "category"),
        (4, "city"),
        (4, "contact_email"),
        (4, "language"),
        (4, "name"),
        (4, "region"),
        (4, "signed_on"),
        (5, "region"),
        (5, "signed_on"),
        (6, "language"),  # no language and none chosen for the file
        (6, "name"),  # an address in a name, as the sign form refuses
    ]
    [category] = [p for p in report.problems if p.column == "category"]
    assert "vzw" in str(category.message)


def test_the_report_is_in_the_moderators_language(app: Flask) -> None:
    with app.app_context(), force_locale("fr"):
        report = importing.plan(
            f"{HEADER}\nXeno,ngo,Gent,Oost-Vlaanderen,,,,,nl,demain\n".encode(),
            "f.csv",
            importing.Options(),
        )
    [problem] = report.problems
    assert (problem.line, problem.column) == (2, "signed_on")
    assert "date" in str(problem.message)
    assert "Not a date" not in str(problem.message)


def test_a_file_without_the_required_columns_or_in_another_encoding_is_refused(
    app: Flask,
) -> None:
    report = _plan(app, "name,kind,city\nX,ngo,Gent\n")
    assert {(1, "kind"), (1, "category"), (1, "region")} <= set(_problems(report))
    with app.app_context():
        latin = importing.plan(
            GOOD.replace("Liège", "Liège").encode("latin-1"), "l.csv", importing.Options()
        )
    assert [(p.line, p.column) for p in latin.problems] == [(0, None)]
    assert _plan(app, HEADER + "\n").problems[0].line == 2  # no rows


def test_all_or_nothing_one_bad_row_imports_nothing(app: Flask) -> None:
    outcome = _run(app, GOOD + "Bad,vzw,Gent,Gent,,,,,nl,\n", language="en")
    assert outcome.import_id is None
    assert not outcome.plan.ok
    assert _count(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupporterImport)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_duplicates_are_reported_and_skipped_and_a_second_import_imports_nothing(
    app: Flask,
) -> None:
    signed = make_endorsement(app, State.VERIFIED, name="Kinderrechtenhuis")
    text = GOOD + "LIGUE DES FAMILLES,ngo,Namur,Namur,,,,,fr,\n"
    report = _plan(app, text, language="en")
    assert report.ok
    assert [(row.line, row.same_as_line) for row in report.duplicates] == [(3, None), (5, 2)]
    assert report.duplicates[0].same_as == importing.batch.Existing(signed, State.VERIFIED)
    first = _run(app, text, language="en")
    assert first.imported == 2
    again = _run(app, text, language="en")
    assert again.import_id is None
    assert again.imported == 0
    assert again.plan.imported_before == [first.import_id]
    assert len(again.plan.duplicates) == 4  # every row
    assert _count(app, Endorsement.import_id.is_not(None)) == 2


def test_imported_entries_are_public_counted_searchable_and_dated_when_they_signed(
    app: Flask,
) -> None:
    before = make_endorsement(app, State.APPROVED, name="Signed on the site")
    outcome = _run(app, GOOD, language="en", consent_note="Signed by email in 2024")
    assert outcome.imported == 3
    with app.app_context():
        entries = db.session.scalars(
            select(Endorsement)
            .where(Endorsement.import_id == outcome.import_id)
            .order_by(Endorsement.id)
        ).all()
        assert {entry.state for entry in entries} == {State.APPROVED}
        moments = [entry.approved_at for entry in entries]
        assert moments[:2] == [
            datetime(2024, 3, 15, 12, tzinfo=UTC),
            datetime(2024, 3, 16, 12, tzinfo=UTC),
        ]
        assert moments[2] is not None
        assert moments[2].date() == datetime.now(UTC).date()
        assert entries[0].created_at == entries[0].consent_at == moments[0]
        assert {entry.consent_note for entry in entries} == {"Signed by email in 2024"}
        counts = projections.read_counts()
        assert counts.organisations == 4
        assert counts.by_category[Category.NGO.value] == 3  # with the one signed on the site
        assert counts.by_region[Region.LIEGE] == 1
        with_search = db.session.scalar(select(func.count()).select_from(SearchName))
        assert with_search == 4
        chart = queries.approvals_chart()
        assert chart.first == date(2024, 3, 15)
        assert chart.total == 4
        assert db.session.get(Endorsement, before) is not None
    with app.app_context():
        from endorse.database import write_transaction
        from endorse.projections import recount

        with write_transaction():
            assert recount().organisations == 4  # the bulk tallies agree with a recount


def test_the_feed_places_imported_entries_on_the_day_they_signed(app: Flask, client: Any) -> None:
    _run(app, GOOD, language="en")
    root = ElementTree.fromstring(client.get("/en/feed.atom").data)  # noqa: S314  (our own)
    atom = "{http://www.w3.org/2005/Atom}"
    dated = {
        entry.findtext(f"{atom}title"): entry.findtext(f"{atom}updated")
        for entry in root.iter(f"{atom}entry")
    }
    assert dated["Ligue des familles asbl"] == "2024-03-15T12:00:00+00:00"
    assert dated["Kinderrechtenhuis vzw"] == "2024-03-16T12:00:00+00:00"
    # No date in the file: the import's day, so the newest at the top.
    assert list(dated)[0] == "Syndicat des enseignants"
    assert str(dated["Syndicat des enseignants"]).startswith(datetime.now(UTC).date().isoformat())


def test_each_entry_is_audited_with_the_importer_and_the_files_hash(app: Flask) -> None:
    user_id = make_user(app, "coordinator@campaign.example", "admin")
    outcome = _run(app, GOOD, actor=Actor.moderator(user_id), language="en")
    with app.app_context():
        records = (
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "import").order_by(AuditEvent.id)
            )
            .unique()
            .all()
        )
        entry_ids = db.session.scalars(
            select(Endorsement.id).where(Endorsement.import_id == outcome.import_id)
        ).all()
        assert sorted(record.endorsement_id for record in records) == sorted(entry_ids)
        for record in records:
            assert record.actor_user_id == user_id
            assert record.to_state == State.APPROVED
            assert outcome.plan.sha256 in (record.reason or "")
            assert f'"sha256":"{outcome.plan.sha256}"' in (record.data or "")
        assert audit.verify().ok  # the bulk append chains like one record at a time
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "import_file")
            )
            == 1
        )


def test_undo_withdraws_every_entry_erases_contacts_and_recounts(app: Flask) -> None:
    outcome = _run(app, GOOD, language="en", consent_note="by email to Marie")
    with app.app_context():
        from endorse import operations

        operations.record_export(audit.SYSTEM, {"text": "marie@ligue.example"})
        other_export = audit.SYSTEM
        operations.record_export(other_export, {"text": "someone else"})
        jan = db.session.scalar(select(Endorsement).where(Endorsement.contact_name == "Jan"))
        assert jan is not None
        operations.withdraw(jan.id, audit.SYSTEM, "asked by Jan")  # before the undo
        withdrawn = importing.undo(outcome.import_id, audit.SYSTEM)
        assert withdrawn == 2  # Jan's was withdrawn already; its contact is erased all the same
        entries = db.session.scalars(
            select(Endorsement).where(Endorsement.import_id == outcome.import_id)
        ).all()
        assert {entry.state for entry in entries} == {State.WITHDRAWN}
        assert {(e.contact_email, e.contact_name, e.consent_note) for e in entries} == {
            (None, None, None)
        }
        assert projections.read_counts().organisations == 0
        assert db.session.scalar(select(func.count()).select_from(SearchName)) == 0
        verification = audit.verify()
        assert verification.ok
        exports = (
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)
            )
            .unique()
            .all()
        )
        assert [export.erased_at is not None for export in exports] == [True, False]
        ids = {entry.id for entry in entries}
        steps = db.session.execute(
            select(AuditEvent.endorsement_id, AuditEvent.action, AuditEvent.from_state).where(
                AuditEvent.endorsement_id.in_(ids), AuditEvent.action.in_(["erase", "transition"])
            )
        ).all()
        assert sorted((e, a) for e, a, _s in steps if a == "erase") == sorted(
            (e, "erase") for e in ids
        )
        withdrawals = [(e, s) for e, a, s in steps if a == "transition"]
        assert len(withdrawals) == 3  # Jan's own, and the undo's two
        assert {s for _e, s in withdrawals} == {State.APPROVED}
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "import_undo")
            )
            == 1
        )
        with pytest.raises(importing.NotImported):
            importing.undo(outcome.import_id, audit.SYSTEM)
    # Undone by mistake or corrected: the same file can be imported again.
    assert _run(app, GOOD, language="en").imported == 3


def test_claim_mails_go_once_each_in_their_language_with_a_working_manage_link(
    app: Flask, client: Any, mailbox: Mailbox, time_machine: Any
) -> None:
    outcome = _run(app, GOOD, language="en", claim_mails=True)
    assert outcome.mails == 2  # the row without an address gets none
    with app.app_context():
        assert outbox.deliver().sent
    mails = mailbox.wait_for(2)
    by_recipient = {str(mail["To"]): mail for mail in mails}
    assert set(by_recipient) == {"marie@ligue.example", "jan@synd.example"}
    french = text_of(by_recipient["marie@ligue.example"])
    assert "Ligue des familles asbl" in french
    assert "Bonjour Marie Dupont" in french
    assert "/fr/manage/" in french
    link = re.search(r"http://endorse\.test(/\w\w/manage/[\w.-]+)", french)
    assert link
    # The HTML part in the campaign's layout: the same link as its one button, and why it came.
    html = html_of(by_recipient["marie@ligue.example"])
    assert f'class="mail-button" href="{link.group(0)}"' in html
    assert "Vérifier notre inscription" in html
    assert "Vous recevez cet e-mail une seule fois" in html
    # Valid for 30 days (ENDORSE_CLAIM_MAX_AGE), not the 2 of an asked-for manage link.
    time_machine.move_to(datetime.now(UTC) + timedelta(days=20))
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert "Ligue des familles asbl" in page.get_data(as_text=True)
    time_machine.move_to(datetime.now(UTC) + timedelta(days=11))
    assert client.get(link.group(1)).status_code != 200
    # A second run (the same file) sends nothing more.
    again = _run(app, GOOD, language="en", claim_mails=True)
    assert again.mails == 0
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.kind == MailKind.CLAIM)
            )
            == 2
        )


def test_without_the_flag_no_mail_is_queued(app: Flask) -> None:
    _run(app, GOOD, language="en")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_cli_dry_run_reports_and_changes_nothing(
    app: Flask, runner: Any, tmp_path: Path
) -> None:
    path = tmp_path / "old.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["endorse", "import-supporters", str(path), "--dry-run"])
    assert result.exit_code == 1
    assert "line 4, language:" in result.output
    assert "nothing imported" in result.output
    result = runner.invoke(
        args=["endorse", "import-supporters", str(path), "--dry-run", "--language", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "3 to import" in result.output
    assert "dry run" in result.output
    assert _count(app) == 0


def test_the_cli_imports_names_the_moderator_and_undoes(
    app: Flask, runner: Any, tmp_path: Path
) -> None:
    user_id = make_user(app, "coordinator@campaign.example", "admin")
    path = tmp_path / "old.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(
        args=[
            "endorse",
            "import-supporters",
            str(path),
            "--language",
            "nl",
            "--consent-note",
            "Signed by email",
            "--moderator",
            "coordinator@campaign.example",
            "--claim-mails",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "3 organisations published" in result.output
    assert "2 mails queued" in result.output
    assert _count(app, Endorsement.state == State.APPROVED) == 3
    with app.app_context():
        actors = set(
            db.session.scalars(
                select(AuditEvent.actor_user_id).where(AuditEvent.action == "import")
            )
        )
        assert actors == {user_id}
        import_id = db.session.scalar(select(SupporterImport.id))
    again = runner.invoke(args=["endorse", "import-supporters", str(path), "--language", "nl"])
    assert again.exit_code == 0
    assert "nothing to import" in again.output
    undone = runner.invoke(args=["endorse", "undo-import", str(import_id)])
    assert undone.exit_code == 0, undone.output
    assert _count(app, Endorsement.state == State.WITHDRAWN) == 3


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "signed before"), ("fr", "signé avant"), ("nl", "tekende vóór deze site")],
)
def test_the_privacy_page_covers_imported_contacts(client: Any, lang: str, words: str) -> None:
    page = client.get(f"/{lang}/privacy").get_data(as_text=True)
    assert words in page
