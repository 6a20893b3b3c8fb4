"""What search engines read in a page's head: hreflang alternates, robots, the icon."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient

from endorse.models import State

from .helpers import make_endorsement, manage_token

BASE = "http://endorse.test"  # ENDORSE_BASE_URL in the tests
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

#: A visitor's steps: a form, its outcome, a page reached from a mail.
STEPS = [
    "/{}/sign/check-your-inbox",
    "/{}/confirmed",
    "/{}/new-link",
    "/{}/manage",
    "/{}/manage/sent",
    "/{}/manage/erased",
]
#: A visitor's private steps behind a valid manage link: each shows the organisation.
TOKEN_STEPS = [
    "/{lang}/manage/{token}",
    "/{lang}/manage/{token}/withdraw",
    "/{lang}/manage/{token}/erase",
]
LISTED = ["/{}/", "/{}/supporters", "/{}/sign", "/{}/what-you-can-do", "/{}/more-info"]
NOINDEX_META = '<meta name="robots" content="noindex">'


def _alternates(body: str) -> dict[str, str]:
    links = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body)
    return dict(links)


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_hreflang_alternates_are_absolute_with_a_default(client: FlaskClient, lang: str) -> None:
    body = client.get(f"/{lang}/supporters?q=ligue").get_data(as_text=True)
    assert _alternates(body) == {
        "en": f"{BASE}/en/supporters?q=ligue",
        "fr": f"{BASE}/fr/supporters?q=ligue",
        "nl": f"{BASE}/nl/supporters?q=ligue",
        "x-default": f"{BASE}/en/supporters?q=ligue",
    }


def test_hreflang_alternates_follow_the_base_url_not_the_host(app_factory: object) -> None:
    app = app_factory(BASE_URL="https://example.org/campaign")  # type: ignore[operator]
    body = app.test_client().get("/fr/more-info").get_data(as_text=True)
    assert _alternates(body)["nl"] == "https://example.org/campaign/nl/more-info"
    assert _alternates(body)["x-default"] == "https://example.org/campaign/en/more-info"


@pytest.mark.parametrize("path", STEPS)
def test_a_visitors_steps_ask_not_to_be_indexed(client: FlaskClient, path: str) -> None:
    for lang in ("en", "fr", "nl"):
        response = client.get(path.format(lang))
        assert NOINDEX_META in response.get_data(as_text=True), path
        assert response.headers.get("X-Robots-Tag") == "noindex", path


@pytest.mark.parametrize("path", TOKEN_STEPS)
def test_the_pages_a_manage_link_opens_are_not_indexed(
    app: Flask, client: FlaskClient, path: str
) -> None:
    entry_id = make_endorsement(app, State.APPROVED)
    token = manage_token(app, entry_id)
    for lang in ("en", "fr", "nl"):
        response = client.get(path.format(lang=lang, token=token))
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert "Ligue des familles asbl" in body, path  # the real page, naming the organisation
        assert NOINDEX_META in body, path
        assert response.headers.get("X-Robots-Tag") == "noindex", path


def test_every_page_a_token_opens_is_not_indexed(app: Flask, client: FlaskClient) -> None:
    """Found from the routes, so a token page added later is covered without a list."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if "token" in rule.arguments and "GET" in (rule.methods or ())
    ]
    assert {rule.endpoint for rule in rules} >= {
        "public.confirm",
        "public.manage",
        "public.manage_withdraw_confirm",
        "public.manage_erase_confirm",
        "moderation.set_password",
    }
    for rule in rules:
        values = {"token": "not-a-token", "lang": "fr"}
        path = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        response = client.get(path)
        assert response.headers.get("X-Robots-Tag") == "noindex", path
        if response.mimetype == "text/html":
            assert NOINDEX_META in response.get_data(as_text=True), path


def test_a_link_from_a_mail_is_not_indexed_either(client: FlaskClient) -> None:
    response = client.get("/en/confirm/not-a-token")
    assert response.status_code == 400
    assert '<meta name="robots" content="noindex">' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", LISTED)
def test_the_pages_worth_finding_are_indexable(client: FlaskClient, path: str) -> None:
    response = client.get(path.format("nl"))
    assert "noindex" not in response.get_data(as_text=True)
    assert "X-Robots-Tag" not in response.headers


def test_the_sitemap_leaves_out_a_visitors_steps(client: FlaskClient) -> None:
    root = ET.fromstring(client.get("/sitemap.xml").get_data())  # noqa: S314  (our own output)
    paths = {str(loc.text).removeprefix(BASE) for loc in root.iter(f"{SM}loc")}
    for lang in ("en", "fr", "nl"):
        assert {path.format(lang) for path in LISTED} <= paths
        assert not {path.format(lang) for path in STEPS} & paths
    assert not [path for path in paths if "/manage/" in path or "/confirm/" in path]


def test_the_favicon_is_served_where_browsers_look(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200  # not a redirect to /favicon.ico/
    assert response.mimetype == "image/png"  # the brand's favicon: browsers read PNG here
    assert response.get_data()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "max-age=" in response.headers["Cache-Control"]
    body = client.get("/en/").get_data(as_text=True)
    assert '<link rel="icon" type="image/png" href="/brand/favicon.png">' in body


@pytest.mark.parametrize("path", ["/favicon.ico/", "/apple-touch-icon.png", "/robots.txt/"])
def test_a_file_name_is_never_taken_for_a_language(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_navigation_link_texts_say_where_they_lead(client: FlaskClient) -> None:
    generic = {"more info", "more", "here", "read more", "plus d’infos", "meer info", "ici", "hier"}
    for lang in ("en", "fr", "nl"):
        body = client.get(f"/{lang}/").get_data(as_text=True)
        texts = re.findall(r"<a\b[^>]*>([^<]+)</a>", body)
        assert texts
        assert not {t.strip().lower() for t in texts} & generic, lang
