"""Personal data: a privacy page, a manage link to see, edit, withdraw or erase, and purging."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy import text as sql

from endorse import audit, operations
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import (
    ActorKind,
    AuditDetails,
    AuditEvent,
    Endorsement,
    MailKind,
    OutboxMessage,
    State,
)
from endorse.models.types import utcnow
from endorse.moderation.forms import EditForm
from endorse.operations import EDITABLE
from endorse.public.forms import ManageForm, SignForm
from endorse.publication import PublicEntry
from endorse.tokens import Purpose, make_token

from .helpers import Mailbox, csrf_token, entry_of, make_endorsement, submit, text_of


def _manage_link(mailbox: Mailbox, count: int = 1) -> str:
    mail = mailbox.wait_for(count)[-1]
    found = re.search(r"http://endorse\.test(/\w\w/manage/[\w.-]+)", text_of(mail))
    assert found, text_of(mail)
    return found.group(1)


def _ask_for_link(client: FlaskClient, email: str, lang: str = "en") -> Any:
    return submit(client, f"/{lang}/manage", {"contact_email": email})


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Privacy"), ("fr", "Vie privée"), ("nl", "Privacy")]
)
def test_the_privacy_page_says_what_is_kept_why_and_how_long(
    client: FlaskClient, lang: str, title: str
) -> None:
    body = client.get(f"/{lang}/privacy").get_data(as_text=True)
    assert f"<h1>{title}</h1>" in body
    assert "30" in body
    assert "365" in body
    assert f'href="/{lang}/manage"' in body or 'href="manage"' in body


def test_asking_for_a_manage_link_reveals_nothing(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    make_endorsement(app, State.APPROVED, contact_email="known@org.example")
    mailbox.clear()
    known = _ask_for_link(client, "known@org.example")
    unknown = _ask_for_link(client, "unknown@org.example")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    [mail] = mailbox.wait_for(1)
    assert mail["To"] == "known@org.example"


def test_the_manage_page_shows_the_data_and_where_it_stands(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    make_endorsement(
        app, State.VERIFIED, contact_email="me@org.example", contact_name="Me Myself", language="fr"
    )
    mailbox.clear()
    _ask_for_link(client, "me@org.example", "fr")
    link = _manage_link(mailbox)
    assert link.startswith("/fr/manage/")
    body = client.get(link).get_data(as_text=True)
    assert "Me Myself" in body
    assert "me@org.example" in body
    assert "En attente de vérification" in body


def test_editing_sends_a_hidden_entry_back_to_moderation(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    # A published one stays published while the change waits: see test_corrections.py.
    entry_id = make_endorsement(app, State.HIDDEN, contact_email="me@org.example", name="Old Name")
    assert client.get("/api/v1/count").get_json()["organisations"] == 0
    mailbox.clear()
    _ask_for_link(client, "me@org.example", "fr")  # the mail, and its link, in the page's language
    link = _manage_link(mailbox)
    response = client.post(
        link,
        data={
            "csrf_token": csrf_token(client, link),
            "name": "New Name",
            "category": "ngo",
            "city": "Namur",
            "region": "namur",
        },
    )
    assert response.status_code == 303
    entry = entry_of(app, entry_id)
    assert entry.name == "New Name"
    assert entry.state == State.VERIFIED
    assert client.get("/api/v1/count").get_json()["organisations"] == 0
    # The outcome travels in the address it is sent back to: no session is kept.
    outcome = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Un modérateur vérifiera la modification" in outcome
    assert "Un modérateur vérifiera la modification" not in client.get(link).get_data(as_text=True)


def test_bad_edits_are_refused_and_change_nothing(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = make_endorsement(app, State.APPROVED, contact_email="me@org.example", name="Keep")
    mailbox.clear()
    _ask_for_link(client, "me@org.example")
    link = _manage_link(mailbox)
    response = client.post(
        link,
        data={
            "csrf_token": csrf_token(client, link),
            "name": "",
            "category": "ngo",
            "city": "x",
            "region": "mars",
        },
    )
    assert response.status_code == 400
    assert entry_of(app, entry_id).name == "Keep"
    assert entry_of(app, entry_id).state == State.APPROVED


def test_withdrawing_is_one_button_and_takes_effect_at_once(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = make_endorsement(
        app, State.APPROVED, contact_email="me@org.example", name="Leaving Org"
    )
    mailbox.clear()
    _ask_for_link(client, "me@org.example")
    link = _manage_link(mailbox)
    response = client.post(f"{link}/withdraw", data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 303
    assert entry_of(app, entry_id).state == State.WITHDRAWN
    assert client.get("/api/v1/count").get_json()["organisations"] == 0
    assert "Leaving Org" not in client.get("/en/supporters").get_data(as_text=True)


def test_erasing_removes_personal_data_and_keeps_the_audit_trail(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = make_endorsement(
        app,
        State.APPROVED,
        contact_email="me@org.example",
        contact_name="Erase Me",
        contact_role="Chair",
    )
    mailbox.clear()
    _ask_for_link(client, "me@org.example")
    link = _manage_link(mailbox)
    response = client.post(f"{link}/erase", data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 303
    entry = entry_of(app, entry_id)
    assert (entry.contact_name, entry.contact_email, entry.contact_role) == (None, None, None)
    assert entry.state == State.WITHDRAWN
    with app.app_context():
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.endorsement_id == entry_id)
        ).all()
        assert mails
        assert all("me@org.example" not in m.recipient + m.body_text for m in mails)
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.endorsement_id == entry_id)
        ).all()
        assert "erase" in actions
        assert audit.verify().ok
    assert client.get(link).status_code == 410  # the link died with the data
    assert _ask_for_link(client, "me@org.example").status_code == 303


def test_a_manage_link_of_another_kind_or_tampered_is_refused(client: FlaskClient) -> None:
    assert client.get("/en/manage/not-a-token").status_code == 400


def test_purge_deletes_old_unconfirmed_and_erases_old_closed(app: Flask, runner: Any) -> None:
    old_unverified = make_endorsement(
        app, State.UNVERIFIED, contact_email="a@old.example", name="Old Unconfirmed"
    )
    fresh_unverified = make_endorsement(
        app, State.UNVERIFIED, contact_email="b@new.example", name="Fresh Unconfirmed"
    )
    old_rejected = make_endorsement(
        app, State.REJECTED, contact_email="c@old.example", name="Old Rejected"
    )
    old_withdrawn = make_endorsement(
        app, State.WITHDRAWN, contact_email="d@old.example", name="Old Withdrawn"
    )
    recent_rejected = make_endorsement(
        app, State.REJECTED, contact_email="e@new.example", name="Recent Rejected"
    )
    published = make_endorsement(
        app, State.APPROVED, contact_email="f@old.example", name="Published Long Ago"
    )
    long_ago = utcnow() - timedelta(days=400)
    with app.app_context():
        db.session.execute(
            update(Endorsement)
            .where(Endorsement.id.in_([old_unverified, old_rejected, old_withdrawn, published]))
            .values(created_at=long_ago, rejected_at=long_ago, withdrawn_at=long_ago)
        )
        db.session.commit()

    result = runner.invoke(args=["endorse", "purge"])
    assert result.exit_code == 0, result.output
    assert "deleted 1 unconfirmed, erased contact data of 2" in result.output
    with app.app_context():
        assert db.session.get(Endorsement, old_unverified) is None
        assert db.session.get(Endorsement, fresh_unverified) is not None
        for closed in (old_rejected, old_withdrawn):
            entry = db.session.get(Endorsement, closed)
            assert entry is not None
            assert entry.contact_email is None
            assert entry.contact_name is None
        assert db.session.get(Endorsement, recent_rejected).contact_email  # type: ignore[union-attr]
        assert db.session.get(Endorsement, published).contact_email  # type: ignore[union-attr]
        purged = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.endorsement_id == old_unverified)
        ).all()
        assert "purge" in purged
        assert (
            db.session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.endorsement_id == old_unverified)
            )
            is None
        )
        assert audit.verify().ok
    again = runner.invoke(args=["endorse", "purge"])
    assert "deleted 0 unconfirmed, erased contact data of 0" in again.output


@pytest.mark.parametrize("state", [State.REJECTED, State.WITHDRAWN])
def test_purge_erases_personal_data_and_keeps_the_state(
    app: Flask, runner: Any, state: State
) -> None:
    entry_id = make_endorsement(app, state, contact_email="old@closed.example")
    long_ago = utcnow() - timedelta(days=400)
    with app.app_context():
        db.session.execute(
            update(Endorsement)
            .where(Endorsement.id == entry_id)
            .values(rejected_at=long_ago, withdrawn_at=long_ago)
        )
        db.session.commit()
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert "erased contact data of 1" in runner.invoke(args=["endorse", "purge"]).output
    entry = entry_of(app, entry_id)
    assert entry.state == state
    assert entry.contact_email is None
    with app.app_context():
        [added] = db.session.scalars(select(AuditEvent).offset(before).order_by(AuditEvent.id))
        assert (added.action, added.actor_kind) == ("erase", ActorKind.SYSTEM)
        assert (added.from_state, added.to_state) == (None, None)
        assert audit.verify().ok


def test_purge_delays_can_be_given(app: Flask, runner: Any) -> None:
    entry_id = make_endorsement(app, State.UNVERIFIED)
    with app.app_context():
        db.session.execute(update(Endorsement).values(created_at=utcnow() - timedelta(days=3)))
        db.session.commit()
    assert "deleted 0" in runner.invoke(args=["endorse", "purge"]).output
    assert "deleted 1" in runner.invoke(args=["endorse", "purge", "--unverified-days", "2"]).output
    with app.app_context():
        assert db.session.get(Endorsement, entry_id) is None
        assert not db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.kind == MailKind.CONFIRM)
        ).all()


def test_the_public_shape_has_the_public_fields_and_no_contact_field() -> None:
    """One definition of what the public sees: the read model and every form take it."""
    public = {field.name for field in dataclasses.fields(PublicEntry)}
    assert public == {*EDITABLE, "id", "approved_at", "has_logo"}
    columns = Endorsement.__table__.columns
    contact = {column.name for column in columns if column.name.startswith("contact")}
    assert contact
    assert not contact & public
    for form in (SignForm, ManageForm, EditForm):
        assert form.PUBLIC_FIELDS == EDITABLE


def _link_for(client: FlaskClient, mailbox: Mailbox, email: str) -> str:
    mailbox.clear()
    _ask_for_link(client, email)
    return _manage_link(mailbox)


def _use_link(client: FlaskClient, link: str) -> list[Any]:
    """Everything a manage link lets one do: look, edit, withdraw, erase."""
    csrf = {"csrf_token": csrf_token(client, "/en/manage")}
    fields = {"name": "Taken over", "category": "ngo", "city": "Namur", "region": "namur"}
    return [
        client.get(link),
        client.post(link, data={**csrf, **fields}),
        client.post(f"{link}/withdraw", data=csrf),
        client.post(f"{link}/erase", data=csrf),
    ]


def test_a_manage_link_older_than_two_days_is_refused(
    app: Flask, client: FlaskClient, mailbox: Mailbox, time_machine: Any
) -> None:
    assert app.config["MANAGE_MAX_AGE"] == 2 * 24 * 3600
    time_machine.move_to(datetime.now(UTC), tick=False)
    entry_id = make_endorsement(
        app, State.APPROVED, contact_email="me@org.example", name="Still Here", language="en"
    )
    link = _link_for(client, mailbox, "me@org.example")

    time_machine.shift(timedelta(days=2))
    assert client.get(link).status_code == 200  # two days old: still good
    time_machine.shift(timedelta(seconds=1))
    for response in _use_link(client, link):
        assert response.status_code == 410, response.request.path
        assert "This link has expired." in response.get_data(as_text=True)
    entry = entry_of(app, entry_id)
    assert (entry.name, entry.state, entry.contact_email) == (
        "Still Here",
        State.APPROVED,
        "me@org.example",
    )
    assert _link_for(client, mailbox, "me@org.example") != link  # a new one can be asked for


def test_the_manage_link_lifetime_is_a_setting(
    app: Flask, client: FlaskClient, mailbox: Mailbox, time_machine: Any
) -> None:
    app.config["MANAGE_MAX_AGE"] = 600
    time_machine.move_to(datetime.now(UTC), tick=False)
    make_endorsement(app, State.APPROVED, contact_email="me@org.example")
    link = _link_for(client, mailbox, "me@org.example")
    time_machine.shift(600)
    assert client.get(link).status_code == 200
    time_machine.shift(1)
    assert client.get(link).status_code == 410


def test_erasing_blanks_every_mail_kept_for_the_signer(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = make_endorsement(
        app, State.APPROVED, contact_email="me@org.example", contact_name="Erase Me"
    )
    other_id = make_endorsement(app, State.APPROVED, contact_email="other@org.example")
    _link_for(client, mailbox, "other@org.example")
    link = _link_for(client, mailbox, "me@org.example")
    with app.app_context():
        kinds = db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.endorsement_id == entry_id)
        ).all()
    assert sorted(kinds) == [MailKind.CONFIRM, MailKind.MANAGE]

    response = client.post(f"{link}/erase", data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 303
    with app.app_context():
        kept = db.session.execute(
            select(
                OutboxMessage.endorsement_id,
                OutboxMessage.recipient,
                OutboxMessage.subject,
                OutboxMessage.body_text,
                OutboxMessage.body_html,
            ).order_by(OutboxMessage.id)
        ).all()
    erased = [tuple(row[1:]) for row in kept if row[0] == entry_id]
    assert erased == [("", "", "", "")] * 2
    others = [row for row in kept if row[0] == other_id]
    assert len(others) == 2
    for _, recipient, subject, text, html in others:  # only the signer's own mail
        assert recipient == "other@org.example"
        assert subject
        assert "Ligue des familles" in text
        assert "Ligue des familles" in html


# A published (APPROVED) entry stays published while the signer's correction waits: see
# test_corrections.py. The decided entries that are not public go back to review.
@pytest.mark.parametrize("state", [State.HIDDEN, State.REJECTED])
def test_a_signers_edit_of_a_decided_entry_goes_back_to_review(
    app: Flask, client: FlaskClient, mailbox: Mailbox, state: State
) -> None:
    entry_id = make_endorsement(app, state, contact_email="me@org.example", name="Old Name")
    link = _link_for(client, mailbox, "me@org.example")
    fields = {"name": "New Name", "category": "ngo", "city": "Namur", "region": "namur"}
    response = client.post(link, data={"csrf_token": csrf_token(client, link), **fields})
    assert response.status_code == 303
    entry = entry_of(app, entry_id)
    assert (entry.name, entry.state) == ("New Name", State.VERIFIED)
    with app.app_context():
        last = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.endorsement_id == entry_id)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert last is not None
        assert (last.from_state, last.to_state, last.actor_kind) == (
            state,
            State.VERIFIED,
            ActorKind.SIGNER,
        )
    assert client.get("/api/v1/count").get_json()["organisations"] == 0


def test_a_signers_edit_of_a_withdrawn_entry_is_refused(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    entry_id = make_endorsement(
        app, State.WITHDRAWN, contact_email="me@org.example", name="Old Name", language="en"
    )
    link = _link_for(client, mailbox, "me@org.example")
    with app.app_context():
        records = audit.head().records
    fields = {"name": "New Name", "category": "ngo", "city": "Namur", "region": "namur"}
    # A withdrawn entry's page has no form left (erasing asks on a page of its own, which has).
    token = csrf_token(client, f"{link}/erase")
    response = client.post(link, data={"csrf_token": token, **fields})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A withdrawn endorsement cannot be changed." in page
    entry = entry_of(app, entry_id)
    assert (entry.name, entry.state) == ("Old Name", State.WITHDRAWN)
    with app.app_context():
        assert audit.head().records == records


def _sqlite_files(app: Flask) -> list[Path]:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the files of an SQLite database")
        path = Path(str(db.engine.url.database))
    return [path, path.with_name(f"{path.name}-wal")]


def _read_elsewhere(file: Path) -> bytes:
    """The file's bytes, read by another process. Not by this one: closing any descriptor of
    a database file drops every POSIX lock this process holds on it, SQLite's too. Another
    process (a mail worker, a server) would then take its connections' files for unused and
    delete the write-ahead log and shared memory under them: later connections here fail
    with "disk I/O error"."""
    return subprocess.run(["cat", str(file)], capture_output=True, check=True).stdout


def _traces(files: list[Path], *secrets: str) -> list[str]:
    found = []
    for file in files:
        content = _read_elsewhere(file) if file.exists() else b""
        found += [f"{secret} in {file.name}" for secret in secrets if secret.encode() in content]
    return found


@pytest.mark.real_commits
@pytest.mark.parametrize("how", ["by the signer", "by purge"])
def test_erased_data_leaves_no_trace_in_the_sqlite_files(app: Flask, how: str) -> None:
    """secure_delete zeroes what is erased in the database file, and a checkpoint copies the
    write-ahead log into it and empties the log, which otherwise keeps the old pages."""
    files = _sqlite_files(app)
    with app.app_context():
        # On by default in Debian's SQLite; not in every build Python may come with.
        assert db.session.execute(sql("PRAGMA secure_delete")).scalar() == 1
        db.session.remove()
    email, name = "trace-7f3a9c@erased.example", "Tracy Vanderplas-Unique"
    state = State.APPROVED if how == "by the signer" else State.REJECTED
    entry_id = make_endorsement(app, state, contact_email=email, contact_name=name)
    assert _traces(files, email, name)  # they are on disk, in the log or the database
    with app.app_context():
        if how == "by the signer":
            nonce = db.session.get_one(Endorsement, entry_id).token_nonce
            operations.erase_by_signer(make_token(Purpose.MANAGE, entry_id, nonce))
        else:
            long_ago = utcnow() - timedelta(days=400)
            with write_transaction():
                db.session.execute(update(Endorsement).values(rejected_at=long_ago))
            assert operations.purge(30, 365).erased == 1
        db.session.remove()
    assert _traces(files, email, name) == []


def test_erasing_many_at_once_leaves_what_erasing_each_would(app: Flask) -> None:
    """Undoing an import erases and withdraws its entries together: each must end as an
    erasure by a moderator leaves one, with its mails blanked and each step on record."""
    states = [State.APPROVED, State.REJECTED, State.WITHDRAWN, State.UNVERIFIED]
    ids = [
        make_endorsement(app, state, contact_email=f"{state.value}@many.example", news_opt_in=True)
        for state in states
    ]
    with app.app_context(), write_transaction():
        before = utcnow()
        entries = [db.session.get_one(Endorsement, entry_id) for entry_id in ids]
        nonces = [entry.token_nonce for entry in entries]
        count = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        withdrawn = operations.erase_and_withdraw_many(entries, operations.SYSTEM, "undo import 7")
    assert withdrawn == 3  # the one withdrawn already is erased, not withdrawn again
    with app.app_context():
        for entry_id, state, nonce in zip(ids, states, nonces, strict=True):
            entry = db.session.get_one(Endorsement, entry_id)
            assert entry.state == State.WITHDRAWN
            assert (entry.contact_name, entry.contact_email, entry.contact_role) == (None,) * 3
            assert entry.news_opt_in is False
            assert entry.token_nonce != nonce
            if state != State.WITHDRAWN:
                assert entry.withdrawn_at is not None
                assert entry.withdrawn_at.replace(tzinfo=UTC) >= before
        rejected = db.session.get_one(Endorsement, ids[1])
        assert rejected.rejection_reason == "other"  # its code, without the moderator's note
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.endorsement_id.in_(ids))
        ).all()
        assert len(mails) == len(ids)  # each signer's confirmation, blanked
        for mail in mails:
            assert (mail.recipient, mail.subject, mail.body_text, mail.body_html) == ("",) * 4
        records = db.session.execute(
            select(AuditEvent).order_by(AuditEvent.id).offset(count)
        ).scalars()
        steps = sorted(
            (event.endorsement_id, event.action, event.from_state, event.to_state, event.reason)
            for event in records
        )
    expected = [(entry_id, "erase", None, None, "undo import 7") for entry_id in ids] + [
        (entry_id, "transition", state, State.WITHDRAWN, "undo import 7")
        for entry_id, state in zip(ids, states, strict=True)
        if state != State.WITHDRAWN
    ]
    assert steps == sorted(expected)


def test_purge_keeps_data_for_exactly_the_days_given_and_counts_what_it_blanks(
    app: Flask, time_machine: Any
) -> None:
    """ "Older than 30 days" means older: at 30 days to the second nothing goes. Past it, the
    unconfirmed signature goes with what the records say of it, its look-alike forgets it, the
    closed ones lose their contact data, and the report counts every record blanked."""
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    stale = make_endorsement(app, contact_email="a@stale.example", name="Stale Organisation")
    rejected = make_endorsement(app, State.REJECTED, contact_email="c@closed.example")
    withdrawn = make_endorsement(app, State.WITHDRAWN, contact_email="d@closed.example")
    also_stale = make_endorsement(app, contact_email="e@stale.example", name="Also Stale")
    time_machine.move_to(start + timedelta(seconds=1), tick=False)
    look_alike = make_endorsement(app, contact_email="b@stale.example", name="Stale Organisation")
    original = make_endorsement(app, State.APPROVED, contact_email="f@kept.example", name="Kept")
    copy = make_endorsement(app, contact_email="g@kept.example", name="Kept")
    with app.app_context(), write_transaction():
        assert db.session.get_one(Endorsement, look_alike).duplicate_of_id == stale
        assert db.session.get_one(Endorsement, copy).duplicate_of_id == original
        audit.record(audit.SYSTEM, "export", data={"filters": {"text": "A@stale.example"}})
        for entry_id in (stale, also_stale):  # what a moderator noted of each, to be erased
            audit.record(audit.SYSTEM, "note", endorsement_id=entry_id, reason="called them")

    def blanked() -> int:
        with app.app_context():
            return len(
                db.session.scalars(
                    select(AuditDetails.event_id).where(AuditDetails.erased_at.is_not(None))
                ).all()
            )

    time_machine.move_to(start + timedelta(days=30), tick=False)
    with app.app_context():
        assert operations.purge(30, 30) == operations.PurgeReport(0, 0, 0)
    time_machine.move_to(start + timedelta(days=30, milliseconds=500), tick=False)
    with app.app_context():
        report = operations.purge(30, 30)
    assert (report.deleted, report.erased) == (2, 2)
    # The two notes, the export, the rejection's and the withdrawal's reasons at least.
    assert report.details_erased == blanked() >= 5
    with app.app_context():
        assert db.session.get(Endorsement, stale) is None
        assert db.session.get(Endorsement, also_stale) is None
        assert db.session.get_one(Endorsement, look_alike).duplicate_of_id is None
        assert db.session.get_one(Endorsement, copy).duplicate_of_id == original
        assert db.session.get_one(Endorsement, look_alike).contact_email == "b@stale.example"
        for closed in (rejected, withdrawn):
            assert db.session.get_one(Endorsement, closed).contact_email is None
        [purged] = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.endorsement_id == stale, AuditEvent.action == "purge"
            )
        ).all()
        assert (purged.from_state, purged.reason) == (State.UNVERIFIED, "unconfirmed for 30 days")
