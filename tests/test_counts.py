"""The public tallies (by category, region and first letter) and the per-worker count cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import MetaData, select, text

from endorse import operations, projections
from endorse.audit import SYSTEM
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import PUBLIC_STATES, Category, Endorsement, Region, SearchName, State

from .conftest import make_app
from .helpers import make_endorsement, manage_token


def _tallies(app: Flask) -> tuple[dict[str, int], dict[Region, int], dict[str, int], int]:
    with app.app_context():
        snapshot = projections._read()
        return (
            snapshot.by_category,
            snapshot.by_region,
            snapshot.by_initial,
            snapshot.organisations,
        )


def _searchable(app: Flask) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The search names as kept, and as the public endorsements say they should be."""
    with app.app_context():
        kept = db.session.execute(
            select(
                SearchName.endorsement_id,
                SearchName.normalized_name,
                SearchName.category,
                SearchName.region,
            ).order_by(SearchName.endorsement_id)
        ).all()
        expected = db.session.execute(
            select(
                Endorsement.id,
                Endorsement.normalized_name,
                Endorsement.category,
                Endorsement.region,
            )
            .where(Endorsement.state.in_(PUBLIC_STATES))
            .order_by(Endorsement.id)
        ).all()
        return [tuple(row) for row in kept], [tuple(row) for row in expected]


def _in_step(app: Flask) -> bool:
    kept, expected = _searchable(app)
    return _tallies(app) == _recounted(app) and kept == expected


def _recounted(app: Flask) -> tuple[dict[str, int], dict[Region, int], dict[str, int], int]:
    with app.app_context(), write_transaction():
        snapshot = projections.recount()
        return (
            snapshot.by_category,
            snapshot.by_region,
            snapshot.by_initial,
            snapshot.organisations,
        )


def _fields(app: Flask, entry_id: int, **changes: Any) -> operations.PublicFields:
    with app.app_context():
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        current = {name: getattr(entry, name) for name in operations.EDITABLE}
    return operations.PublicFields(**{**current, **changes})


def test_every_change_keeps_the_tallies_and_search_names_in_step(app: Flask) -> None:
    ligue = make_endorsement(
        app, State.APPROVED, name="Ligue des familles", contact_email="a@org.example"
    )
    zonnebloem = make_endorsement(
        app,
        State.APPROVED,
        name="Zonnebloem vzw",
        category=Category.EDUCATION,
        region=Region.ANTWERP,
        contact_email="b@org.example",
    )
    numbered = make_endorsement(app, State.APPROVED, name="11.11.11", contact_email="c@org.example")
    waiting = make_endorsement(
        app, State.VERIFIED, name="Avocats.be", contact_email="d@org.example"
    )
    assert _in_step(app)
    by_category, by_region, by_initial, total = _tallies(app)
    assert total == 3
    assert by_initial == {"l": 1, "z": 1, "#": 1}
    assert by_region[Region.NAMUR] == 2
    assert by_region[Region.ANTWERP] == 1

    with app.app_context():
        # A public entry renamed, moved and recategorised is counted where it now is.
        operations.edit(
            ligue,
            SYSTEM,
            _fields(
                app,
                ligue,
                name="Kinderrechtencoalitie",
                region=Region.BRUSSELS,
                category=Category.UNION,
            ),
        )
        operations.hide(zonnebloem, SYSTEM, "checking")
        operations.approve(waiting, SYSTEM)
    assert _in_step(app)
    assert ("kinderrechtencoalitie", Category.UNION, Region.BRUSSELS) in [
        row[1:] for row in _searchable(app)[0]
    ]
    by_category, by_region, by_initial, total = _tallies(app)
    assert by_initial == {"k": 1, "a": 1, "#": 1}
    assert by_region[Region.BRUSSELS] == 1
    assert by_region[Region.ANTWERP] == 0
    assert by_category[Category.UNION.value] == 1
    assert by_category[Category.EDUCATION.value] == 0

    with app.app_context():
        operations.unhide(zonnebloem, SYSTEM)
        # The signer's own correction waits beside the published entry: the tallies stay...
        operations.edit_by_signer(
            manage_token(app, numbered), _fields(app, numbered, name="Onze onze onze")
        )
    assert _in_step(app)
    assert _tallies(app)[2] == {"k": 1, "z": 1, "a": 1, "#": 1}
    with app.app_context():
        # ...until a moderator accepts it, and then it is counted where it now is.
        waiting_change = operations.pending_correction(numbered)
        assert waiting_change is not None
        operations.accept_correction(numbered, waiting_change.id, SYSTEM)
        operations.withdraw_by_signer(manage_token(app, waiting))
    assert _in_step(app)
    assert len(_searchable(app)[0]) == 3
    assert _tallies(app)[2] == {"k": 1, "z": 1, "o": 1}
    assert _tallies(app)[3] == 3


def test_a_worker_sees_its_own_change_at_once_and_others_within_the_cache_time(
    app_factory: Any,
) -> None:
    first = app_factory(COUNT_CACHE_SECONDS=3600)
    second = app_factory(COUNT_CACHE_SECONDS=3600)  # another worker on the same database
    entry = make_endorsement(first, State.VERIFIED)
    assert first.test_client().get("/api/v1/count").get_json()["organisations"] == 0
    assert second.test_client().get("/api/v1/count").get_json()["organisations"] == 0

    with first.app_context():
        operations.approve(entry, SYSTEM)
    assert first.test_client().get("/api/v1/count").get_json()["organisations"] == 1
    # The other worker keeps its snapshot until it expires: an hour here, a second by default.
    assert second.test_client().get("/api/v1/count").get_json()["organisations"] == 0
    assert second.test_client().get("/en/supporters").status_code == 200

    fresh = app_factory(COUNT_CACHE_SECONDS=0)
    assert fresh.test_client().get("/api/v1/count").get_json()["organisations"] == 1


def test_a_failed_change_keeps_the_cached_count(app_factory: Any) -> None:
    app = app_factory(COUNT_CACHE_SECONDS=3600)
    entry = make_endorsement(app, State.VERIFIED)
    client = app.test_client()
    before = client.get("/api/v1/count")

    def approve_then_fail() -> None:
        with write_transaction():
            operations._transition(operations._locked(entry), State.APPROVED, SYSTEM)
            raise RuntimeError("the request failed after the count moved")

    with app.app_context(), pytest.raises(RuntimeError):
        approve_then_fail()
    after = client.get("/api/v1/count")
    assert after.get_json() == before.get_json()
    assert _tallies(app)[3] == 0  # and nothing was stored


def test_the_migration_carries_the_counts_into_the_tallies(
    database_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'migrating.sqlite'}"
        if database_url.startswith("sqlite")
        else request.getfixturevalue("pg_target_url")
    )
    app = make_app(url, tmp_path / "instance")
    with app.app_context():
        metadata = MetaData()
        metadata.reflect(db.engine)
        metadata.drop_all(db.engine)
        flask_migrate.upgrade(revision="0002")
        rows = [
            ("Ligue des familles", "ligue des familles", "ngo", "namur", "approved"),
            ("11.11.11", "11 11 11", "ngo", "brussels", "approved"),
            ("Vluchtelingenwerk", "vluchtelingenwerk", "union", "antwerp", "approved"),
            ("Pending", "pending", "union", "antwerp", "verified"),
        ]
        with db.engine.begin() as connection:
            for index, (name, folded, category, region, state) in enumerate(rows):
                connection.execute(
                    text(
                        "INSERT INTO endorsements (name, normalized_name, category, city, region, "
                        "language, consent_publish, consent_version, consent_at, news_opt_in, "
                        "state, token_nonce, created_at, updated_at) VALUES (:name, :folded, "
                        ":category, 'X', :region, 'fr', true, 'v', CURRENT_TIMESTAMP, false, "
                        ":state, :nonce, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {
                        "name": name,
                        "folded": folded,
                        "category": category,
                        "region": region,
                        "state": state,
                        "nonce": f"n{index}",
                    },
                )
            connection.execute(
                text(
                    "UPDATE public_counts SET organisations = CASE category WHEN 'ngo' THEN 2 "
                    "WHEN 'union' THEN 1 ELSE 0 END"
                )
            )
        flask_migrate.upgrade()
        migrated = projections._read()
        assert migrated.organisations == 3
        assert migrated.by_category["ngo"] == 2
        assert migrated.by_category["union"] == 1
        assert migrated.by_initial == {"l": 1, "v": 1, "#": 1}
        assert migrated.by_region[Region.ANTWERP] == 1
        before = projections._read()
        with write_transaction():
            assert projections.recount().by_initial == before.by_initial
        # Migration 0005 copied the public names for searching, and only those.
        searchable = db.session.execute(
            select(SearchName.normalized_name).order_by(SearchName.normalized_name)
        ).scalars()
        assert list(searchable) == ["11 11 11", "ligue des familles", "vluchtelingenwerk"]
        db.session.remove()
        db.engine.dispose()


def test_the_count_says_how_many_are_in_belgium(app: Flask, client: Any) -> None:
    """An organisation abroad counts, so the sentence claims no country and gives the
    Belgian share beside the number, on the pages and in the API."""
    make_endorsement(app, State.APPROVED, name="Ligue", contact_email="a@count.example")
    make_endorsement(
        app,
        State.APPROVED,
        name="Stichting Kinderrechten Amsterdam",
        city="Amsterdam",
        region=Region.ABROAD,
        contact_email="b@count.example",
    )
    make_endorsement(app, State.VERIFIED, name="Not yet", contact_email="c@count.example")
    count = client.get("/api/v1/count").get_json()
    assert (count["organisations"], count["in_belgium"]) == (2, 1)
    for path, sentence in [
        ("/en/", "organisations support our position</span>"),
        ("/fr/supporters", "organisations soutiennent notre position</span>"),
        ("/nl/", "organisaties steunen ons standpunt</span>"),
    ]:
        body = client.get(path).get_data(as_text=True)
        assert "<strong data-count>2</strong>" in body
        assert sentence in body
        assert "in Belgium support" not in body
        assert "en Belgique soutiennent" not in body
    assert ">(1 of them in Belgium)</span>" in client.get("/en/").get_data(as_text=True)
    assert ">(dont 1 en Belgique)</span>" in client.get("/fr/").get_data(as_text=True)
    assert ">(waarvan 1 in België)</span>" in client.get("/nl/").get_data(as_text=True)
