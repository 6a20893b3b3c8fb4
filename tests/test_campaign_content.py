"""The campaign owns its words in three languages: the position, the FAQ, experts and
testimonies, edited in the console, audited, shown at once and rendered safely."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from endorse.audit import SYSTEM
from endorse.content import lists
from endorse.extensions import db
from endorse.models import ContentImage

from .helpers import audit_log, csrf_token, post_action

LANGUAGES = ["en", "fr", "nl"]


def _png(
    size: tuple[int, int] = (300, 200), colour: tuple[int, int, int] = (20, 120, 200)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _questions(client: FlaskClient, lang: str) -> list[str]:
    body = client.get(f"/{lang}/more-info").get_data(as_text=True)
    return re.findall(r"<summary>([^<]+)</summary>", body)


def _list_url(name: str, lang: str, key: str = "") -> str:
    return f"/moderate/content/lists/{name}/{lang}" + (f"/{key}" if key else "")


def _add(admin: FlaskClient, which: str, lang: str, **data: Any) -> Any:
    page = _list_url(which, lang, "new")
    return admin.post(page, data={"csrf_token": csrf_token(admin, page), **data})


def _keys(app: Flask, name: str, lang: str) -> list[str]:
    with app.app_context():
        return [item["key"] for item in lists.items(name, lang)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_admins_add_reorder_and_remove_faq_questions_per_language(
    app: Flask, admin: FlaskClient, client: FlaskClient, lang: str
) -> None:
    before = {other: _questions(client, other) for other in LANGUAGES}
    assert len(before[lang]) == 2  # the seed answered two of its nine questions

    added = _add(admin, "faq", lang, question="Who decides?", answer="The **Immigration Office**.")
    assert added.status_code == 302
    assert _questions(client, lang) == [*before[lang], "Who decides?"]
    assert "<strong>Immigration Office</strong>" in client.get(f"/{lang}/more-info").get_data(
        as_text=True
    )
    [*_rest, key] = _keys(app, "faq", lang)
    assert key == "who-decides"

    listing = _list_url("faq", lang)
    moved = post_action(admin, f"{listing}/{key}/move", listing, direction="up")
    assert moved.status_code == 302
    assert _keys(app, "faq", lang)[-2:] == [key, "how-to-help"]  # past a hidden question
    for _step in range(3):  # past the other three questions still without an answer
        post_action(admin, f"{listing}/{key}/move", listing, direction="up")
    assert _questions(client, lang) == [before[lang][0], "Who decides?", before[lang][1]]

    removed = post_action(
        admin, f"{listing}/why-detained/remove", _list_url("faq", lang, "why-detained")
    )
    assert removed.status_code == 302
    assert _questions(client, lang) == ["Who decides?", before[lang][1]]
    assert admin.get(_list_url("faq", lang, "why-detained")).status_code == 404

    # The other languages keep their own lists.
    for other in LANGUAGES:
        if other != lang:
            assert _questions(client, other) == before[other]

    trail = audit_log(app, "content.faq")
    assert [action for action, _d in trail] == [
        "content.faq.add",
        *["content.faq.move"] * 4,
        "content.faq.remove",
    ]
    assert all(data["language"] == lang for _a, data in trail)
    assert [data["key"] for _a, data in trail] == [key, *[key] * 4, "why-detained"]


def test_an_unanswered_question_waits_hidden_and_shows_once_answered(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    assert _add(admin, "faq", "nl", question="Hoeveel kinderen?", answer="").status_code == 302
    assert "Hoeveel kinderen?" not in _questions(client, "nl")
    console = admin.get(_list_url("faq", "nl")).get_data(as_text=True)
    assert "Hoeveel kinderen?" in console
    assert "hidden from visitors until it is answered" in console

    edit = _list_url("faq", "nl", "hoeveel-kinderen")
    answered = post_action(admin, edit, edit, question="Hoeveel kinderen?", answer="Te veel.")
    assert answered.status_code == 302
    assert _questions(client, "nl")[-1] == "Hoeveel kinderen?"


def test_the_order_survives_a_move_past_either_end_and_an_emptied_list_stays_empty(
    app: Flask,
) -> None:
    actor = SYSTEM
    with app.app_context():
        keys = [item["key"] for item in lists.items("faq", "fr")]
        lists.move("faq", "fr", keys[0], -1, actor)
        lists.move("faq", "fr", keys[-1], 1, actor)
        assert [item["key"] for item in lists.items("faq", "fr")] == keys
        for key in keys:
            lists.remove("faq", "fr", key, actor)
        assert lists.items("faq", "fr") == []  # not the built-in list again
        # Keys come from the first words, unique, and never the console's word for "add".
        assert lists.add("faq", "fr", {"question": "Nouveau ?", "answer": ""}, actor) == "nouveau"
        assert lists.add("faq", "fr", {"question": "Nouveau !", "answer": ""}, actor) == "nouveau-2"
        assert lists.add("faq", "fr", {"question": "New", "answer": ""}, actor) == "new-item"
        assert lists.add("faq", "fr", {"question": "¿?", "answer": ""}, actor) == "item"
        with pytest.raises(lists.UnknownItem):
            lists.remove("faq", "fr", keys[0], actor)


def test_bad_items_are_refused_with_their_reason_and_nothing_changes(
    app: Flask, admin: FlaskClient
) -> None:
    before = _keys(app, "faq", "en")
    refused = _add(admin, "faq", "en", question="", answer="An answer without a question.")
    assert refused.status_code == 400
    assert "Please enter the question." in refused.get_data(as_text=True)
    assert _keys(app, "faq", "en") == before
    assert admin.get(_list_url("faq", "de")).status_code == 404
    assert admin.get(_list_url("recipes", "en")).status_code == 404
    listing = _list_url("faq", "en")
    assert (
        post_action(admin, f"{listing}/impact/move", listing, direction="sideways").status_code
        == 400
    )
    assert post_action(admin, f"{listing}/nothing/move", listing, direction="up").status_code == 404
    assert audit_log(app, "content.faq") == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_admins_edit_the_position_on_the_home_page(
    app: Flask, admin: FlaskClient, client: FlaskClient, lang: str
) -> None:
    home = client.get(f"/{lang}/").get_data(as_text=True)
    default_heading = {
        "en": "…treated as children",
        "fr": "…traités comme des enfants",
        "nl": "…als kinderen behandeld",
    }[lang]
    assert default_heading in home

    page = f"/moderate/content/pages/position/{lang}"
    saved = post_action(admin, page, page, title="Position 2027", body="**Never.** <b>x</b>")
    assert saved.status_code == 302
    assert _add(admin, "position", lang, heading="…free", body="Free to *play*.").status_code == 302
    removed = post_action(
        admin,
        f"{_list_url('position', lang)}/treated-as-children/remove",
        _list_url("position", lang, "treated-as-children"),
    )
    assert removed.status_code == 302

    home = client.get(f"/{lang}/").get_data(as_text=True)
    assert "<h2>Position 2027</h2>" in home
    assert "<strong>Never.</strong>" in home
    assert "<b>x</b>" not in home  # raw HTML stays text
    assert "…free" in home
    assert "<em>play</em>" in home
    assert default_heading not in home
    other = next(code for code in LANGUAGES if code != lang)
    assert "Position 2027" not in client.get(f"/{other}/").get_data(as_text=True)
    assert [a for a, _d in audit_log(app, "content.")] == [
        "content.page",
        "content.position.add",
        "content.position.remove",
    ]


def test_experts_are_a_list_with_photo_and_link(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    refused = _add(
        admin, "experts", "fr", name="Dr A. Martin", quote="Non.", link="javascript:alert(1)"
    )
    assert refused.status_code == 400
    added = _add(
        admin,
        "experts",
        "fr",
        name="Dr A. Martin",
        role="Pédiatre, CHU Saint-Pierre",
        quote="La détention *nuit* aux enfants.<script>alert(1)</script>",
        link="https://example.org/martin",
        photo=(io.BytesIO(_png()), "martin.png"),
    )
    assert added.status_code == 302, added.get_data(as_text=True)
    body = client.get("/fr/experts").get_data(as_text=True)
    assert "Dr A. Martin" in body
    assert "Pédiatre, CHU Saint-Pierre" in body
    assert "<em>nuit</em>" in body
    assert "<script>" not in body
    assert 'href="https://example.org/martin"' in body
    [photo] = re.findall(r'src="(/photos/\d+\.webp)"', body)
    served = client.get(photo)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/webp"
    assert served.headers["ETag"]
    assert "Dr A. Martin" not in client.get("/en/experts").get_data(as_text=True)

    post_action(
        admin,
        f"{_list_url('experts', 'fr')}/dr-a-martin/remove",
        _list_url("experts", "fr", "dr-a-martin"),
    )
    assert "Dr A. Martin" not in client.get("/fr/experts").get_data(as_text=True)
    assert client.get(photo).status_code == 404  # the photo leaves with its item
    with app.app_context():
        assert db.session.scalars(select(ContentImage)).all() == []
    assert [a for a, _d in audit_log(app, "content.experts")] == [
        "content.experts.add",
        "content.experts.remove",
    ]


def test_a_hostile_photo_is_refused_and_stores_nothing(app: Flask, admin: FlaskClient) -> None:
    refused = _add(
        admin,
        "experts",
        "en",
        name="Eve",
        quote="Hello",
        photo=(io.BytesIO(b"<svg onload=alert(1)></svg>"), "eve.png"),
    )
    assert refused.status_code == 400
    assert "must be a PNG, JPEG or WebP" in refused.get_data(as_text=True)
    assert _keys(app, "experts", "en") == []


TESTIMONY = {"title": "Twee weken in Steenokkerzeel", "text": "We waren *bang*."}


def test_a_testimony_shows_a_photo_only_with_recorded_consent(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    def photo() -> tuple[io.BytesIO, str]:
        return (io.BytesIO(_png()), "foto.png")

    no_consent = _add(admin, "testimonies", "nl", **TESTIMONY, who="Amina", photo=photo())
    assert no_consent.status_code == 400
    assert "recorded consent" in no_consent.get_data(as_text=True)
    unrecorded = _add(
        admin, "testimonies", "nl", **TESTIMONY, consent="person", consent_note="", photo=photo()
    )
    assert unrecorded.status_code == 400
    child = _add(
        admin,
        "testimonies",
        "nl",
        **TESTIMONY,
        child="y",
        consent="person",
        consent_note="Signed form, 2 Dec 2026",
        photo=photo(),
    )
    assert child.status_code == 400
    assert "parent or guardian" in child.get_data(as_text=True)
    assert _keys(app, "testimonies", "nl") == []
    with app.app_context():
        assert db.session.scalars(select(ContentImage)).all() == []  # nothing half-stored

    by_guardian = _add(
        admin,
        "testimonies",
        "nl",
        **TESTIMONY,
        child="y",
        consent="guardian",
        consent_note="Mother's signed form, 2 Dec 2026, in the office safe",
        photo=photo(),
    )
    assert by_guardian.status_code == 302
    anonymous = _add(admin, "testimonies", "nl", title="Zonder naam", text="Ik was vijf.")
    assert anonymous.status_code == 302
    body = client.get("/nl/testimonies").get_data(as_text=True)
    assert "Twee weken in Steenokkerzeel" in body
    assert "<em>bang</em>" in body
    assert len(re.findall(r'src="/photos/\d+\.webp"', body)) == 1
    assert "— Anoniem" in body  # who is empty: anonymous, in the page's language
    assert "Mother's signed form" not in body  # the record stays in the console

    # Withdrawing the consent while the photo is there is refused: remove the photo first.
    key = _keys(app, "testimonies", "nl")[0]
    edit = _list_url("testimonies", "nl", key)
    withdrawn = post_action(admin, edit, edit, **TESTIMONY, child="y", consent="none")
    assert withdrawn.status_code == 400
    dropped = post_action(admin, edit, edit, **TESTIMONY, child="y", consent="none", drop_photo="y")
    assert dropped.status_code == 302
    assert "/photos/" not in client.get("/nl/testimonies").get_data(as_text=True)
    assert [a for a, _d in audit_log(app, "content.testimonies")] == [
        "content.testimonies.add",
        "content.testimonies.add",
        "content.testimonies.edit",
    ]
    assert all(d["language"] == "nl" for _a, d in audit_log(app, "content.testimonies"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", ["experts", "testimonies"])
def test_an_empty_list_invites_people_to_write(
    app: Flask, admin: FlaskClient, client: FlaskClient, lang: str, slug: str
) -> None:
    invitation = '<p class="empty-list">'
    mailto = f'href="mailto:{app.config["CONTACT_EMAIL"]}"'
    empty = client.get(f"/{lang}/{slug}").get_data(as_text=True)
    assert invitation in empty
    assert mailto in empty.split(invitation)[1].split("</p>")[0]
    fields = (
        {"name": "Dr A. Martin", "quote": "Detention harms."}
        if slug == "experts"
        else {"title": "Two weeks", "text": "We were afraid."}
    )
    assert _add(admin, slug, lang, **fields).status_code == 302
    filled = client.get(f"/{lang}/{slug}").get_data(as_text=True)
    assert invitation not in filled
    assert ("Dr A. Martin" if slug == "experts" else "Two weeks") in filled
