"""A realistic data set: plausible organisation names in three languages, all approved.

Rows are bulk-inserted, not signed one by one: the harness measures reading and signing,
and 100,000 sign-ups through the operations would take longer than the run itself.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from endorse import projections
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import Category, Endorsement, Region, State
from endorse.text import normalize_name

KINDS = {
    "fr": [
        "Ligue",
        "Collectif",
        "Association",
        "Maison",
        "Centre",
        "Comité",
        "Réseau",
        "École",
        "Syndicat",
        "Fondation",
        "Coopérative",
        "Service",
    ],
    "nl": [
        "Vereniging",
        "Huis",
        "Centrum",
        "Netwerk",
        "Werkgroep",
        "School",
        "Vakbond",
        "Stichting",
        "Collectief",
        "Dienst",
        "Kring",
        "Platform",
    ],
    "en": [
        "Network",
        "Centre",
        "Society",
        "Council",
        "Alliance",
        "Trust",
        "Forum",
        "Collective",
        "Institute",
        "Union",
        "Project",
        "Circle",
    ],
}
TOPICS = {
    "fr": [
        "des droits de l'enfant",
        "pour l'accueil",
        "des familles",
        "solidaire",
        "de quartier",
        "pour la jeunesse",
        "des migrants",
        "de la santé",
    ],
    "nl": [
        "voor Kinderrechten",
        "voor Onthaal",
        "der Gezinnen",
        "Solidariteit",
        "van de Buurt",
        "voor Jongeren",
        "voor Migratie",
        "voor Gezondheid",
    ],
    "en": [
        "for Children's Rights",
        "for Refugees",
        "of Families",
        "for Solidarity",
        "of the Neighbourhood",
        "for Youth",
        "for Migrants",
        "for Health",
    ],
}
CITIES = [
    ("Bruxelles", Region.BRUSSELS),
    ("Antwerpen", Region.ANTWERP),
    ("Gent", Region.EAST_FLANDERS),
    ("Liège", Region.LIEGE),
    ("Namur", Region.NAMUR),
    ("Leuven", Region.FLEMISH_BRABANT),
    ("Brugge", Region.WEST_FLANDERS),
    ("Hasselt", Region.LIMBURG),
    ("Mons", Region.HAINAUT),
    ("Arlon", Region.LUXEMBOURG),
    ("Wavre", Region.WALLOON_BRABANT),
    ("Lille", Region.ABROAD),
]
SUFFIXES = {"fr": ["asbl", ""], "nl": ["vzw", ""], "en": [""]}


def names(count: int, seed: int = 42) -> Iterator[tuple[str, str]]:
    """(name, language) pairs, unique once normalised."""
    rng = random.Random(seed)
    seen: set[str] = set()
    number = 0
    while len(seen) < count:
        lang = rng.choice(("fr", "nl", "en"))
        city, _region = rng.choice(CITIES)
        name = f"{rng.choice(KINDS[lang])} {rng.choice(TOPICS[lang])} {city}"
        if name.casefold() in seen or normalize_name(name) in seen:
            number += 1
            name = f"{name} {number}"
        key = normalize_name(name)
        if key in seen:
            continue
        seen.add(key)
        suffix = rng.choice(SUFFIXES[lang])
        yield (f"{name} {suffix}".strip(), lang)


def load(count: int, start: int = 0, batch: int = 5000) -> int:
    """Add ``count`` approved organisations after the ``start`` already loaded (names and
    addresses continue where those ended), and rebuild the public count."""
    rng = random.Random(start + count)
    now = datetime.now(UTC)
    rows = []
    inserted = 0
    for index, (name, lang) in enumerate(names(start + count)):
        if index < start:
            continue
        city, region = rng.choice(CITIES)
        moment = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        rows.append(
            {
                "name": name,
                "normalized_name": normalize_name(name),
                "category": rng.choice(list(Category)),
                "city": city,
                "region": region,
                "website": f"https://org{index}.example" if rng.random() < 0.6 else None,
                "statement": "We sign." if rng.random() < 0.2 else None,
                "language": lang,
                "contact_name": f"Contact {index}",
                "contact_email": f"contact{index}@org.example",
                "consent_publish": True,
                "consent_version": "bench",
                "consent_at": moment,
                "news_opt_in": False,
                "state": State.APPROVED,
                "token_nonce": secrets.token_hex(8),
                "created_at": moment,
                "updated_at": moment,
                "verified_at": moment,
                "approved_at": moment,
            }
        )
        if len(rows) == batch:
            inserted += _insert(rows)
            rows = []
    if rows:
        inserted += _insert(rows)
    with write_transaction():
        projections.recount()
    _analyze()
    return inserted


def _analyze() -> None:
    """Give the planner statistics (and PostgreSQL its visibility map), as autovacuum would
    soon after a bulk load: without them it plans for an empty table."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE"
            )
        else:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def _insert(rows: list[dict[str, object]]) -> int:
    with write_transaction():
        db.session.execute(insert(Endorsement), rows)
    return len(rows)
