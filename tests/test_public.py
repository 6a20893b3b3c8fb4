"""Public pages and the count API: only approved entries, never contact data."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from endorse.models import Category, Region, State

from .helpers import make_endorsement


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("fr-BE,fr;q=0.9,en;q=0.5", "/fr/"),
        ("nl-BE,nl;q=0.9", "/nl/"),
        ("de-DE", "/en/"),
        ("", "/en/"),
    ],
)
def test_root_redirects_by_accept_language(client: Any, accept: str, target: str) -> None:
    response = client.get("/", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 302
    assert response.headers["Location"] == target
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize(
    "path",
    [
        "/{}/",
        "/{}/supporters",
        "/{}/sign",
        "/{}/new-link",
        "/{}/sign/check-your-inbox",
        "/{}/confirmed",
    ],
)
@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_public_pages_answer_in_their_language(client: Any, path: str, lang: str) -> None:
    response = client.get(path.format(lang))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in body
    for other in ("en", "fr", "nl"):
        assert f'hreflang="{other}"' in body


def test_an_unknown_language_is_404(client: Any) -> None:
    response = client.get("/de/")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Page not found"), ("fr", "Page introuvable"), ("nl", "Pagina niet gevonden")],
)
def test_a_missing_page_answers_in_the_language_of_its_address(
    client: Any, lang: str, title: str
) -> None:
    response = client.get(f"/{lang}/no-such-page", headers={"Accept-Language": "de, en;q=0.5"})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in body
    assert f"<h1>{title}</h1>" in body
    assert f'href="/{lang}/"' in body  # back to the home page in that language


def test_home_shows_the_position_and_the_count(app: Flask, client: Any) -> None:
    make_endorsement(app, State.APPROVED, contact_email="a@a.example", name="Org A")
    make_endorsement(app, State.VERIFIED, contact_email="b@b.example", name="Org B")
    body = client.get("/en/").get_data(as_text=True)
    assert "Child detention violates child rights." in body
    assert "<strong data-count>1</strong>" in body
    assert 'role="status"' in body
    assert 'href="/en/sign"' in body


def test_supporters_lists_only_approved_alphabetically_with_public_fields(
    app: Flask, client: Any
) -> None:
    make_endorsement(
        app,
        State.APPROVED,
        name="Zebra Collectief",
        contact_email="z@z.example",
        contact_name="Zoë Private",
        city="Leuven",
        category=Category.YOUTH,
        region=Region.FLEMISH_BRABANT,
    )
    make_endorsement(app, State.APPROVED, name="Écoles Ouvertes", contact_email="e@e.example")
    make_endorsement(app, State.APPROVED, name="Amis du Monde", contact_email="m@m.example")
    for state in (State.UNVERIFIED, State.VERIFIED, State.REJECTED, State.WITHDRAWN):
        make_endorsement(app, state, name=f"Hidden {state}", contact_email=f"{state}@x.example")
    body = client.get("/en/supporters").get_data(as_text=True)
    positions = [
        body.index(name) for name in ("Amis du Monde", "Écoles Ouvertes", "Zebra Collectief")
    ]
    assert positions == sorted(positions)
    assert "Hidden" not in body
    assert "Youth organisation" in body
    assert "Leuven" in body
    assert "Zoë Private" not in body
    assert "z@z.example" not in body
    assert "3 organisations" in body


def test_supporters_paginate_by_keyset_forwards_and_back(app_factory: Any) -> None:
    import re

    app = app_factory(PER_PAGE=2)
    for index in range(5):
        make_endorsement(
            app, State.APPROVED, name=f"Org {index}", contact_email=f"o{index}@o.example"
        )
    client = app.test_client()
    seen, url, pages = [], "/en/supporters", []
    while url:
        body = client.get(url).get_data(as_text=True)
        pages.append(url)
        seen += re.findall(r'class="supporter-name">(Org \d)', body)
        found = re.search(r'rel="next" href="([^"]+)"', body)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == [f"Org {i}" for i in range(5)]
    assert len(pages) == 3
    last = client.get(pages[-1]).get_data(as_text=True)
    previous = re.search(r'rel="prev" href="([^"]+)"', last)
    assert previous
    back = client.get(previous.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert re.findall(r'class="supporter-name">(Org \d)', back) == ["Org 2", "Org 3"]
    assert 'rel="prev"' not in client.get("/en/supporters").get_data(as_text=True)


def test_count_api_is_cacheable_and_conditional(app: Flask, client: Any) -> None:
    make_endorsement(app, State.APPROVED, category=Category.UNION, contact_email="u@u.example")
    response = client.get("/api/v1/count")
    assert response.status_code == 200
    data = response.get_json()
    assert data["organisations"] == 1
    assert data["by_category"]["union"] == 1
    assert set(data["by_category"]) == {c.value for c in Category}
    assert data["updated_at"].endswith("+00:00")
    assert "max-age=" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]

    cached = client.get("/api/v1/count", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.data == b""

    make_endorsement(app, State.APPROVED, contact_email="v@v.example", name="Another")
    changed = client.get("/api/v1/count", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["organisations"] == 2
    assert changed.headers["ETag"] != etag


def test_count_holds_no_personal_data(app: Flask, client: Any) -> None:
    make_endorsement(
        app, State.APPROVED, contact_email="private@p.example", contact_name="Private Person"
    )
    raw = client.get("/api/v1/count").get_data(as_text=True)
    assert "private" not in raw.lower()


def test_security_headers_on_every_page(client: Any) -> None:
    for path in ("/en/", "/en/sign", "/api/v1/count", "/nowhere"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_method_not_allowed_is_a_clear_405(client: Any) -> None:
    response = client.delete("/en/sign")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_api_errors_are_json(client: Any) -> None:
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]


def test_output_is_escaped(app: Flask, client: Any) -> None:
    make_endorsement(
        app,
        State.APPROVED,
        name="<script>alert(1)</script> Org",
        contact_email="x@x.example",
        city="<b>Gent</b>",
    )
    body = client.get("/en/supporters").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Org" in body
    assert "<b>Gent</b>" not in body


def test_the_count_may_be_served_stale_by_a_proxy(client: Any) -> None:
    cache = client.get("/api/v1/count").headers["Cache-Control"]
    assert "public" in cache
    assert "stale-while-revalidate=" in cache
    assert "stale-if-error=" in cache
