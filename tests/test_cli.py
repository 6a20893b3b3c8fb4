"""``flask endorse`` commands."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import delete, select, update

from endorse.cli import demo
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import (
    ActorKind,
    AuditEvent,
    Category,
    Endorsement,
    PublicTally,
    Region,
    Role,
    SearchName,
    State,
    User,
)

from .helpers import make_endorsement


def test_create_user_reads_the_password_from_stdin_and_hashes_it(app: Flask, runner: Any) -> None:
    result = runner.invoke(
        args=[
            "endorse",
            "create-user",
            "Mod@Campaign.example",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input="a long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.email == "mod@campaign.example"
        assert user.role == Role.ADMIN
        assert "a long passphrase" not in user.password_hash
        assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
        assert user.check_password("a long passphrase")
        assert not user.check_password("another passphrase")


def test_create_user_prompts_twice_for_the_password(app: Flask, runner: Any) -> None:
    result = runner.invoke(
        args=["endorse", "create-user", "m@campaign.example"],
        input="a long passphrase\na long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(User)).one().role == Role.MODERATOR


def test_create_user_refuses_short_passwords_duplicates_and_bad_emails(
    app: Flask, runner: Any
) -> None:
    short = runner.invoke(
        args=["endorse", "create-user", "m@c.example", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0
    assert "at least 12" in short.output
    ok = runner.invoke(
        args=["endorse", "create-user", "m@c.example", "--password-stdin"],
        input="a long passphrase\n",
    )
    assert ok.exit_code == 0
    twice = runner.invoke(
        args=["endorse", "create-user", "M@c.example", "--password-stdin"],
        input="a long passphrase\n",
    )
    assert twice.exit_code != 0
    assert "exists already" in twice.output
    bad = runner.invoke(
        args=["endorse", "create-user", "not-an-email", "--password-stdin"],
        input="a long passphrase\n",
    )
    assert bad.exit_code != 0
    assert "not a valid email" in bad.output


def test_list_shows_duplicates_for_moderators(app: Flask, runner: Any) -> None:
    first = make_endorsement(app, State.VERIFIED, name="Ligue des familles asbl")
    second = make_endorsement(
        app, State.VERIFIED, name="LIGUE DES FAMILLES", contact_email="other@ligue.example"
    )
    result = runner.invoke(args=["endorse", "list", "--state", "verified"])
    assert f"#{second}  LIGUE DES FAMILLES" in result.output
    assert f"possible duplicate of #{first}" in result.output
    assert "2 verified" in result.output


def test_approve_and_reject_record_the_moderator(app: Flask, runner: Any) -> None:
    runner.invoke(
        args=["endorse", "create-user", "mod@c.example", "--password-stdin"],
        input="a long passphrase\n",
    )
    good = make_endorsement(app, State.VERIFIED, contact_email="good@x.example")
    spam = make_endorsement(app, State.VERIFIED, contact_email="spam@x.example", name="Spam")
    assert (
        "approved"
        in runner.invoke(
            args=["endorse", "approve", str(good), "--moderator", "mod@c.example"]
        ).output
    )
    rejected = runner.invoke(
        args=[
            "endorse",
            "reject",
            str(spam),
            "--reason",
            "not real",
            "--moderator",
            "mod@c.example",
        ]
    )
    assert "rejected" in rejected.output
    with app.app_context():
        last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None
        assert last.actor_kind == ActorKind.MODERATOR
        assert last.actor_user_id is not None
        assert last.reason == "other: not real"
        assert db.session.get(Endorsement, spam).rejection_reason == "other: not real"  # type: ignore[union-attr]


def test_illegal_decisions_fail_with_a_message(app: Flask, runner: Any) -> None:
    unverified = make_endorsement(app, State.UNVERIFIED)
    result = runner.invoke(args=["endorse", "approve", str(unverified)])
    assert result.exit_code != 0
    assert "cannot go from unverified to approved" in result.output
    missing = runner.invoke(args=["endorse", "approve", "424242"])
    assert missing.exit_code != 0
    assert "no endorsement #424242" in missing.output
    unknown = runner.invoke(args=["endorse", "approve", "1", "--moderator", "who@x.example"])
    assert unknown.exit_code != 0
    assert "no active moderator" in unknown.output


@pytest.mark.parametrize(
    "args", [["approve"], ["reject", "--reason", "spam"]], ids=["approve", "reject"]
)
@pytest.mark.parametrize("number", [str(2**31), str(2**63), "0"])
def test_a_number_no_endorsement_can_have_is_a_usage_error(
    runner: Any, args: list[str], number: str
) -> None:
    result = runner.invoke(args=["endorse", args[0], number, *args[1:]])
    assert result.exit_code == 2, result.output
    assert "is not in the range" in result.output


def test_approving_twice_is_harmless(app: Flask, runner: Any) -> None:
    entry = make_endorsement(app, State.VERIFIED)
    runner.invoke(args=["endorse", "approve", str(entry)])
    again = runner.invoke(args=["endorse", "approve", str(entry)])
    assert again.exit_code == 0
    assert "unchanged" in again.output
    assert app.test_client().get("/api/v1/count").get_json()["organisations"] == 1


def _public_tallies(app: Flask) -> set[tuple[str, str, int]]:
    """The tallies as stored, leaving out the zeros."""
    with app.app_context():
        rows = db.session.execute(
            select(PublicTally.facet, PublicTally.key, PublicTally.organisations).where(
                PublicTally.organisations != 0
            )
        ).all()
    return {(str(facet), key, number) for facet, key, number in rows}


def _search_names(app: Flask) -> set[tuple[int, str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(
                SearchName.endorsement_id,
                SearchName.normalized_name,
                SearchName.category,
                SearchName.region,
            )
        ).all()
    return {
        (entry_id, name, str(category), str(region)) for entry_id, name, category, region in rows
    }


def test_recount_rebuilds_tallies_and_search_names_that_went_wrong(app: Flask, runner: Any) -> None:
    ligue = make_endorsement(app, State.APPROVED, name="Ligue des familles asbl")
    zonnebloem = make_endorsement(
        app,
        State.APPROVED,
        name="Zonnebloem vzw",
        category=Category.EDUCATION,
        region=Region.ANTWERP,
        contact_email="z@org.example",
    )
    numbered = make_endorsement(
        app, State.APPROVED, name="11.11.11", region=Region.BRUSSELS, contact_email="n@org.example"
    )
    ecoles = make_endorsement(
        app,
        State.APPROVED,
        name="Écoles sans frontières",
        category=Category.EDUCATION,
        region=Region.LIEGE,
        contact_email="e@org.example",
    )
    waiting = make_endorsement(app, State.VERIFIED, name="Avocats.be", contact_email="a@x.example")
    for state in (State.HIDDEN, State.REJECTED, State.WITHDRAWN):
        make_endorsement(app, state, name=f"Not public {state}", contact_email=f"{state}@x.example")
    # What the six public-or-not endorsements above make, counted by hand.
    expected_tallies = {
        ("category", "ngo", 2),
        ("category", "education", 2),
        ("region", "namur", 1),
        ("region", "antwerp", 1),
        ("region", "brussels", 1),
        ("region", "liege", 1),
        ("initial", "l", 1),
        ("initial", "z", 1),
        ("initial", "#", 1),
        ("initial", "e", 1),
    }
    expected_names = {
        (ligue, "ligue des familles", "ngo", "namur"),
        (zonnebloem, "zonnebloem", "education", "antwerp"),
        (numbered, "111111", "ngo", "brussels"),
        (ecoles, "ecoles sans frontieres", "education", "liege"),
    }
    assert _public_tallies(app) == expected_tallies
    assert _search_names(app) == expected_names

    with app.app_context(), write_transaction():  # damage both, as a bad bulk load would
        db.session.execute(update(PublicTally).values(organisations=PublicTally.organisations + 7))
        db.session.execute(
            delete(PublicTally).where(PublicTally.facet == "initial", PublicTally.key == "z")
        )
        db.session.execute(delete(SearchName).where(SearchName.endorsement_id == ligue))
        db.session.execute(
            update(SearchName)
            .where(SearchName.endorsement_id == zonnebloem)
            .values(normalized_name="someone else", region=Region.ABROAD)
        )
        db.session.add(
            SearchName(
                endorsement_id=waiting,
                normalized_name="avocatsbe",
                category=Category.NGO,
                region=Region.NAMUR,
            )
        )
    assert _public_tallies(app) != expected_tallies
    assert _search_names(app) != expected_names

    result = runner.invoke(args=["endorse", "recount"])
    assert result.exit_code == 0, result.output
    assert result.output == "4 organisations\n"
    assert _public_tallies(app) == expected_tallies
    assert _search_names(app) == expected_names
    count = app.test_client().get("/api/v1/count").get_json()
    assert count["organisations"] == 4
    names = [
        e["name"] for e in app.test_client().get("/api/v1/supporters?q=e").get_json()["supporters"]
    ]
    assert names == ["Écoles sans frontières", "Ligue des familles asbl", "Zonnebloem vzw"]


def test_demo_loads_supporters_once_and_prints_a_working_login(app: Flask, runner: Any) -> None:
    first = runner.invoke(args=["endorse", "demo"])
    assert first.exit_code == 0, first.output
    login = first.output.split("Moderator login: ")[1].strip()
    email, password = login.split(" / ")
    count = app.test_client().get("/api/v1/count").get_json()["organisations"]
    assert count >= 20
    second = runner.invoke(args=["endorse", "demo"])
    assert "Demo supporters added: 0" in second.output
    new_password = second.output.split(" / ")[1].strip()
    assert new_password != password
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        assert user.check_password(new_password)
    assert app.test_client().get("/api/v1/count").get_json()["organisations"] == count


def test_the_demo_wall_shows_logos_and_letters(app: Flask, runner: Any) -> None:
    """Every third demo supporter gave a logo, square or wide, served like an uploaded one."""
    assert runner.invoke(args=["endorse", "demo"]).exit_code == 0
    client = app.test_client()
    page = client.get("/en/supporters").get_data(as_text=True)
    shown = re.findall(r'src="(/logos/\d+\.webp)', page)
    assert len(shown) == len(demo.SUPPORTERS[:: demo.LOGO_EVERY])
    shapes = set()
    for path in shown:
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/webp"
        width, height = Image.open(io.BytesIO(response.data)).size
        shapes.add(width > height)
    assert shapes == {True, False}  # wide and square ones
    assert page.count('class="monogram"') == len(demo.SUPPORTERS) - len(shown)  # the others


def test_list_prints_every_hint_the_console_shows(app: Flask, runner: Any) -> None:
    first = make_endorsement(
        app, State.VERIFIED, website="https://ligue.example", contact_email="a@ligue.example"
    )
    webmail = make_endorsement(
        app,
        State.VERIFIED,
        name="Autre association",
        website="https://www.ligue.example/contact",
        contact_email="someone@gmail.com",
    )
    off_domain = make_endorsement(
        app,
        State.VERIFIED,
        name="Troisième association",
        website="https://troisieme.example",
        contact_email="b@ligue.example",
    )
    output = runner.invoke(args=["endorse", "list"]).output
    hints = _hints_by_entry(output)
    assert hints[first] == [
        f"same email domain as #{off_domain}",
        f"same website as #{webmail}",
    ]
    assert hints[webmail] == [f"same website as #{first}", "webmail address: anyone can open one"]
    assert hints[off_domain] == [
        f"same email domain as #{first}",
        "the email address is not on the website's domain",
    ]
    assert "3 verified" in output


def test_demo_admin_is_made_and_reset_on_the_record(app: Flask, runner: Any) -> None:
    runner.invoke(args=["endorse", "demo"])
    runner.invoke(args=["endorse", "demo"])
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "moderator@example.org")).one()
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_user_id == user.id)
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["user.create", "user.password"]


def _hints_by_entry(output: str) -> dict[int, list[str]]:
    """The hint lines ("    ! ...") under each listed entry ("#12  Name ...")."""
    hints: dict[int, list[str]] = {}
    current = None
    for line in output.splitlines():
        if line.startswith("#"):
            current = int(line[1:].split()[0])
            hints[current] = []
        elif line.startswith("    ! ") and current is not None:
            hints[current].append(line.removeprefix("    ! "))
    return hints
