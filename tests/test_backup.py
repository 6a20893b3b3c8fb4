"""`flask endorse export --json` and `flask endorse import`: the whole database, round-tripped.

The key case moves a populated SQLite database to PostgreSQL (when ENDORSE_TEST_DATABASE_URL
is set; SQLite to SQLite otherwise), then checks every row, the audit chain and the public count.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from endorse import audit, backup, operations
from endorse.content import dossier, lists, pages
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import Endorsement, Logo, State
from endorse.models.types import utcnow
from endorse.tokens import Purpose, make_token

from .conftest import PG_URL
from .helpers import make_endorsement, make_user

pytestmark = pytest.mark.real_commits  # other connections, threads or DDL see the data

TARGETS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
LOGO = b"\x89PNG\r\n\x1a\n\x00\xffnot really a picture\x00"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n\x00\x01 the dossier \xff"


def populate(app: Flask) -> dict[str, int]:
    """Endorsements in every state, a moderator, a logo, a dossier and edited content."""
    ids = {
        state.value: make_endorsement(
            app,
            state,
            contact_email=f"{state.value}@org.example",
            name=f"Ligue des familles — Liège {state.value} ✓",
        )
        for state in State
    }
    # Same organisation as the first: points back at it as a possible duplicate.
    ids["duplicate"] = make_endorsement(
        app,
        State.VERIFIED,
        contact_email="twin@org.example",
        name="Ligue des familles — Liège unverified ✓",
    )
    moderator = make_user(app, "mod@campaign.example", "moderator")
    actor = audit.Actor.moderator(moderator)
    with app.app_context():
        ids["by_moderator"] = make_endorsement(
            app, State.VERIFIED, contact_email="m@org.example", name="Vluchtelingenwerk Vlaanderen"
        )
        assert operations.approve(ids["by_moderator"], actor)
        with write_transaction() as session:
            session.add(
                Logo(
                    endorsement_id=ids["approved"],
                    content_type="image/png",
                    content=LOGO,
                    width=120,
                    height=80,
                    sha256=hashlib.sha256(LOGO).hexdigest(),
                    consent_at=utcnow(),
                )
            )
            # A reference to a later row: the import must not depend on row order.
            session.execute(
                update(Endorsement)
                .where(Endorsement.id == ids["unverified"])
                .values(duplicate_of_id=ids["by_moderator"])
            )
        # An export naming a signer who then erased their data: details erased, on record.
        operations.record_export(actor, {"text": "withdrawn@org.example"})
        nonce = db.session.get_one(Endorsement, ids["withdrawn"]).token_nonce
        operations.erase_by_signer(make_token(Purpose.MANAGE, ids["withdrawn"], nonce))
        dossier.upload_dossier("fr", "dossier.pdf", PDF, actor)
        pages.save_page("what-you-can-do", "nl", "Wat je kunt doen", "**Teken** nu.", actor)
        lists.update(
            "faq", "en", "why-detained", {"question": "Why?", "answer": "Why *not*."}, actor
        )
    return ids


def snapshot(app: Flask) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in primary key order, as the app reads it."""
    with app.app_context():
        rows = {
            table.name: [
                dict(row)
                for row in db.session.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
    return rows


def public_answers(app: Flask) -> tuple[Any, Any]:
    client = app.test_client()
    return (client.get("/api/v1/count").get_json(), client.get("/api/v1/audit/head").get_json())


def export(app: Flask, path: Path) -> dict[str, Any]:
    result = app.test_cli_runner().invoke(args=["endorse", "export", "--json", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def run_import(app: Flask, path: Path, *options: str) -> Any:
    return app.test_cli_runner().invoke(args=["endorse", "import", str(path), *options])


def max_id(rows: list[dict[str, Any]]) -> int:
    return max(row["id"] for row in rows)


@pytest.mark.parametrize("target", TARGETS)
def test_round_trip_keeps_every_row_the_chain_and_the_count(
    app: Flask, empty_app: Callable[[str], Flask], tmp_path: Path, target: str
) -> None:
    ids = populate(app)
    path = tmp_path / "backup.json"
    document = export(app, path)
    source = snapshot(app)

    assert document["format"] == "endorse-backup"
    assert document["version"] == 1
    with app.app_context():
        assert document["alembic_revision"] == backup.current_revision(db.session.connection())
    assert list(document["tables"]) == [t.name for t in db.metadata.sorted_tables]
    assert {row["state"] for row in source["endorsements"]} == {state.value for state in State}
    for table in ("users", "documents", "content_pages", "content_lists", "outbox_messages"):
        assert source[table], table
    assert any(row["actor_user_id"] for row in source["audit_events"])
    # The trail's details travel with it, erased or not: the chain seals their digests.
    erased = [row["event_id"] for row in source["audit_details"] if row["erased_at"]]
    assert erased
    assert any(row["reason"] for row in source["audit_details"])
    assert any((row["duplicate_of_id"] or 0) > row["id"] for row in source["endorsements"])
    [logo] = document["tables"]["logos"]
    assert logo["endorsement_id"] == ids["approved"]
    assert logo["content"] == "iVBORw0KGgoA/25vdCByZWFsbHkgYSBwaWN0dXJlAA=="
    assert document["tables"]["endorsements"][0]["created_at"].endswith("+00:00")

    destination = empty_app(target)
    result = run_import(destination, path)
    assert result.exit_code == 0, result.output
    assert "endorsements: 8" in result.output
    assert f"imported {sum(map(len, source.values()))} rows" in result.output

    copied = snapshot(destination)
    for table, rows in source.items():
        assert copied[table] == rows, table
    assert copied["documents"][0]["content"] == PDF
    assert copied["logos"][0]["content"] == LOGO
    with destination.app_context():
        verification = audit.verify()
        assert verification.ok
        assert verification.checked == len(source["audit_events"])
        assert verification.erased == erased
    verified = destination.test_cli_runner().invoke(args=["endorse", "audit", "verify"])
    assert verified.exit_code == 0, verified.output
    count, head = public_answers(destination)
    assert (count, head) == public_answers(app)
    assert count["organisations"] == 2

    # New rows continue after the imported ids (PostgreSQL: the sequences were moved).
    fresh = make_endorsement(destination, State.APPROVED, contact_email="new@org.example")
    assert fresh > max_id(source["endorsements"])
    assert make_user(destination, "new-mod@campaign.example") > max_id(source["users"])
    after = snapshot(destination)
    assert max_id(after["audit_events"]) > max_id(source["audit_events"])
    assert max_id(after["outbox_messages"]) > max_id(source["outbox_messages"])
    with destination.app_context():
        assert audit.verify().ok
    assert public_answers(destination)[0]["organisations"] == 3


def test_export_to_standard_output(app: Flask) -> None:
    populate(app)
    result = app.test_cli_runner().invoke(args=["endorse", "export", "--json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert len(document["tables"]["endorsements"]) == 8
    assert "exported" in result.stderr
    refused = app.test_cli_runner().invoke(args=["endorse", "export"])
    assert refused.exit_code == 2
    assert "--json" in refused.output


def test_import_refuses_a_database_with_data_unless_replace(app: Flask, tmp_path: Path) -> None:
    populate(app)
    path = tmp_path / "backup.json"
    export(app, path)
    before = snapshot(app)
    later = make_endorsement(app, State.APPROVED, contact_email="later@org.example")

    refused = run_import(app, path)
    assert refused.exit_code == 1
    assert refused.output == (
        "Error: the target database already holds rows in endorsements, "
        "users, audit_events; add --replace to delete everything in it "
        "first\n"
    )
    assert later in [row["id"] for row in snapshot(app)["endorsements"]]

    replaced = run_import(app, path, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert snapshot(app) == before
    with app.app_context():
        assert audit.verify().ok
    assert public_answers(app)[0]["organisations"] == 2


def test_import_refuses_a_user_alone(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    export(app, path)
    make_user(app, "mod@campaign.example")
    refused = run_import(app, path)
    assert refused.exit_code == 1
    assert "already holds rows in users, audit_events" in refused.output


def rewrite(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), 'not an endorse backup (its "format"'),
        (lambda d: d.update(version=2), "format version 2 is not supported"),
        (lambda d: d["tables"].update(strangers=[]), "tables this app does not have: strangers"),
        (lambda d: d["tables"].pop("logos"), "the backup lacks tables: logos"),
        (
            lambda d: d["tables"]["endorsements"][0].pop("city"),
            "table endorsements, row 1: its col",
        ),
        (lambda d: d["tables"]["logos"][0].update(content="not base64!"), "table logos: a value"),
        (lambda d: d["tables"]["users"][0].update(created_at="yesterday"), "table users: a value"),
    ],
)
def test_import_refuses_a_wrong_file_and_changes_nothing(
    app: Flask,
    tmp_path: Path,
    change: Callable[[dict[str, Any]], None],
    message: str,
) -> None:
    populate(app)
    path = tmp_path / "backup.json"
    export(app, path)
    rewrite(path, change)
    make_endorsement(app, State.APPROVED, contact_email="later@org.example")
    before = snapshot(app)
    refused = run_import(app, path, "--replace")
    assert refused.exit_code == 1
    assert message in refused.output
    assert refused.output.startswith("Error: ")
    assert refused.output.count("\n") == 1
    assert snapshot(app) == before  # the whole import was one transaction, rolled back


def test_import_refuses_a_file_that_is_not_json(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(b"\xff\x00 not json")
    refused = run_import(app, path)
    assert refused.exit_code == 1
    assert "the file is not JSON" in refused.output


def test_import_names_the_revision_the_target_needs(
    app: Flask,
    empty_app: Callable[[str], Flask],
    tmp_path: Path,
) -> None:
    populate(app)
    path = tmp_path / "backup.json"
    head = export(app, path)["alembic_revision"]
    assert head != "0001"

    behind = empty_app("sqlite", "0001")  # an app whose database was not upgraded yet
    refused = run_import(behind, path)
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: the backup is of database revision {head} but this database is at 0001: "
        f"it needs revision {head} (`flask db upgrade {head}`)\n"
    )

    rewrite(path, lambda d: d.update(alembic_revision="0001"))
    refused = run_import(app, path, "--replace")
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: the backup is of database revision 0001 but this database is at {head}: "
        f"it needs revision 0001 (`flask db downgrade 0001`)\n"
    )

    rewrite(path, lambda d: d.update(alembic_revision="fe11ed"))
    refused = run_import(app, path, "--replace")
    assert refused.exit_code == 1
    assert "revision fe11ed but this database is at" in refused.output
    assert "import with the app version that made the backup" in refused.output
