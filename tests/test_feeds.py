"""The files for machines: supporters.csv, robots.txt, sitemap.xml and the Atom feeds."""

from __future__ import annotations

import csv
import io
import itertools
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any
from urllib.robotparser import RobotFileParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from endorse.api import supporters_csv
from endorse.models import Category, Region, State
from endorse.public import feeds

from .helpers import csrf_token, make_endorsement

BASE = "http://endorse.test"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SECRET_NAME = "Zebulon Quarkworth"
SECRET_EMAIL = "zebulon.quarkworth@secret-contact.example"
SECRET_ROLE = "Keeper of the Quarks"
XSS = '<script>alert("owned")</script> & <b>Co</b>'

_EMAILS = itertools.count(1)


def _add(app: Flask, name: str, state: State = State.APPROVED, **fields: Any) -> int:
    """An endorsement with its own contact address, so that none is taken for a twin."""
    fields.setdefault("contact_email", f"signer{next(_EMAILS)}@contact.example")
    return make_endorsement(app, state, name=name, **fields)


def _xml(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314  (our own output, in a test)


def _path(url: str) -> str:
    assert url.startswith(f"{BASE}/"), url
    return url.removeprefix(BASE)


@pytest.fixture
def secret(app: Flask) -> int:
    """An approved organisation whose contact details must never leave the console."""
    return _add(
        app,
        "Quark Collective",
        contact_email=SECRET_EMAIL,
        contact_name=SECRET_NAME,
        contact_role=SECRET_ROLE,
        statement="We sign.",
        category=Category.RESEARCH,
        region=Region.LIEGE,
        city="Liège",
        website="https://quarks.example",
    )


# --- supporters.csv ------------------------------------------------------------------


def test_csv_lists_approved_organisations_with_public_fields_only(
    app: Flask, client: FlaskClient, secret: int
) -> None:
    ecoles = _add(
        app,
        "Écoles sans frontières",
        category=Category.EDUCATION,
        region=Region.NAMUR,
        city="Namur",
        statement='Line one,\n"quoted" line two',
    )
    for state in (State.UNVERIFIED, State.VERIFIED, State.REJECTED, State.HIDDEN, State.WITHDRAWN):
        _add(app, f"Not public {state.value}", state)

    response = client.get("/supporters.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="supporters.csv"'
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.startswith('"id","name",')  # every cell quoted
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == [
        "id",
        "name",
        "category",
        "region",
        "area",
        "city",
        "website",
        "statement",
        "approved_at",
    ]
    by_name = {row[1]: row for row in rows[1:]}
    assert list(by_name) == ["Écoles sans frontières", "Quark Collective"]  # alphabetical
    assert by_name["Écoles sans frontières"][:6] == [
        str(ecoles),
        "Écoles sans frontières",
        "education",
        "namur",
        "wallonia",
        "Namur",
    ]
    assert by_name["Écoles sans frontières"][7] == 'Line one,\n"quoted" line two'
    assert by_name["Quark Collective"][6] == "https://quarks.example"
    assert datetime.fromisoformat(by_name["Quark Collective"][8]).tzinfo is not None
    for leak in (SECRET_NAME, SECRET_EMAIL, SECRET_ROLE, "contact.example", "Not public"):
        assert leak not in text


@pytest.mark.parametrize(
    "dangerous", ['=HYPERLINK("http://evil.example")', "+32 2 123", "-1+1", "@SUM(A1)", "\tTabbed"]
)
def test_csv_cells_cannot_start_a_formula(app: Flask, client: FlaskClient, dangerous: str) -> None:
    _add(app, f"{dangerous} org", statement=f"{dangerous} statement")
    rows = list(csv.reader(io.StringIO(client.get("/supporters.csv").get_data(as_text=True))))
    (row,) = rows[1:]
    assert row[1] == f"'{dangerous} org"
    assert row[7] == f"'{dangerous} statement"


def test_csv_of_nobody_is_just_the_header(client: FlaskClient) -> None:
    text = client.get("/supporters.csv").get_data().decode("utf-8-sig")
    assert (
        text == '"id","name","category","region","area","city","website","statement",'
        '"approved_at"\r\n'
    )


def test_csv_streams_in_pieces(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(supporters_csv, "CSV_CHUNK", 1)
    for name in ("Alpha", "Beta", "Gamma"):
        _add(app, name)
    response = client.get("/supporters.csv", buffered=False)
    pieces = list(response.response)
    response.close()
    assert len(pieces) >= 4  # header, then a piece per row
    assert b"".join(pieces).decode("utf-8-sig").count("\r\n") == 4


# --- robots.txt ------------------------------------------------------------------------


def test_robots_keep_crawlers_out_of_the_console_only(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    robots = RobotFileParser()
    robots.parse(response.get_data(as_text=True).splitlines())
    assert robots.site_maps() == [f"{BASE}/sitemap.xml"]
    for path in (
        "/",
        "/en/",
        "/fr/supporters",
        "/supporters.csv",
        "/api/v1/count",
        "/nl/feed.atom",
    ):
        assert robots.can_fetch("AnyBot", f"{BASE}{path}"), path
    for path in ("/moderate/", "/moderate/login", "/moderate/queue"):
        assert not robots.can_fetch("AnyBot", f"{BASE}{path}"), path


def test_robots_take_the_base_url_from_the_config(app_factory: Any) -> None:
    # Even a host the operator trusts as an alias never makes it into a link.
    app = app_factory(BASE_URL="https://example.org/campaign", TRUSTED_HOSTS="alias.example")
    client = app.test_client()
    text = client.get("/robots.txt", headers={"Host": "alias.example"}).get_data(as_text=True)
    assert "Sitemap: https://example.org/campaign/sitemap.xml" in text
    assert "alias" not in text
    assert client.get("/robots.txt", headers={"Host": "attacker.example"}).status_code == 400


# --- sitemap.xml -----------------------------------------------------------------------


def _sitemap(client: FlaskClient) -> dict[str, dict[str, str]]:
    """Each listed URL with its alternates by language."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = _xml(response.get_data())
    assert root.tag == f"{SM}urlset"
    listed: dict[str, dict[str, str]] = {}
    for url in root.findall(f"{SM}url"):
        loc = url.findtext(f"{SM}loc")
        assert loc is not None
        assert loc not in listed, f"{loc} listed twice"
        links = url.findall(f"{XHTML}link")
        assert all(link.get("rel") == "alternate" for link in links)
        listed[loc] = {str(link.get("hreflang")): str(link.get("href")) for link in links}
    return listed


def test_sitemap_lists_every_public_page_in_every_language(client: FlaskClient) -> None:
    listed = _sitemap(client)
    paths = {_path(loc) for loc in listed}
    for lang in ("en", "fr", "nl"):
        assert {f"/{lang}/", f"/{lang}/supporters", f"/{lang}/sign"} <= paths
    try:
        from endorse.content.pages import PAGES
    except ImportError:
        PAGES = ()  # the campaign's pages are not there yet
    for slug in PAGES:
        assert {f"/en/{slug}", f"/fr/{slug}", f"/nl/{slug}"} <= paths
    assert not any(p.startswith(("/moderate", "/api/")) or "/confirm/" in p for p in paths)
    assert len(paths) % 3 == 0


def test_sitemap_alternates_name_each_language_and_the_page_itself(client: FlaskClient) -> None:
    for loc, alternates in _sitemap(client).items():
        assert set(alternates) == {"en", "fr", "nl"}, loc
        lang = _path(loc).split("/")[1]
        assert alternates[lang] == loc
        for other, href in alternates.items():
            assert _path(href).split("/")[1] == other
            assert _path(href).split("/")[2:] == _path(loc).split("/")[2:]


def test_every_url_in_the_sitemap_answers(client: FlaskClient, secret: int) -> None:
    listed = _sitemap(client)
    assert listed
    for loc in listed:
        response = client.get(_path(loc))
        assert response.status_code == 200, loc


def test_the_dossier_is_listed_once_there_is_one(admin: FlaskClient, client: FlaskClient) -> None:
    """/<lang>/dossier answers 404 until an admin uploads the file, so only then is it listed."""
    assert not any(_path(loc).endswith("/dossier") for loc in _sitemap(client))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    done = admin.post(
        "/moderate/content/dossier/nl",
        data={
            "csrf_token": csrf_token(admin, "/moderate/content"),
            "file": (io.BytesIO(pdf), "dossier.pdf"),
        },
    )
    assert done.status_code == 302
    listed = [loc for loc in _sitemap(client) if _path(loc).endswith("/dossier")]
    assert sorted(listed) == [f"{BASE}/en/dossier", f"{BASE}/fr/dossier", f"{BASE}/nl/dossier"]
    assert all(client.get(_path(loc)).status_code == 200 for loc in listed)


# --- Atom feeds ------------------------------------------------------------------------


def _feed(client: FlaskClient, lang: str = "en") -> ET.Element:
    response = client.get(f"/{lang}/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = _xml(response.get_data())
    assert root.tag == f"{ATOM}feed"
    return root


def test_feed_lists_the_newest_supporters_first(app: Flask, client: FlaskClient) -> None:
    first = _add(app, "First to sign")
    _add(app, "Never confirmed", State.UNVERIFIED)
    second = _add(app, XSS, category=Category.YOUTH, statement="<img src=x onerror=alert(1)>")
    _add(app, "Turned down", State.REJECTED)
    third = _add(app, "Third to sign")

    response = client.get("/en/feed.atom")
    body = response.get_data(as_text=True)
    assert "<script>" not in body
    assert "<img" not in body
    assert "&lt;script&gt;" in body

    root = _feed(client)
    assert root.get(XML_LANG) == "en"
    assert root.findtext(f"{ATOM}title")
    assert root.findtext(f"{ATOM}id") == f"{BASE}/en/feed.atom"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": f"{BASE}/en/feed.atom", "alternate": f"{BASE}/en/supporters"}
    assert root.findtext(f"{ATOM}author/{ATOM}name")

    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Third to sign", XSS, "First to sign"]
    ids = [e.findtext(f"{ATOM}id") or "" for e in entries]
    assert len(set(ids)) == 3
    for entry_id, number in zip(ids, (third, second, first), strict=True):
        assert entry_id.startswith("tag:endorse.test,")
        assert entry_id.endswith(f":supporter-{number}")
    times = [datetime.fromisoformat(e.findtext(f"{ATOM}updated") or "") for e in entries]
    assert all(t.tzinfo is not None for t in times)
    assert times == sorted(times, reverse=True)
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "") == times[0]
    xss_entry = entries[1]
    assert xss_entry.findtext(f"{ATOM}content") == "<img src=x onerror=alert(1)>"
    category = xss_entry.find(f"{ATOM}category")
    assert category is not None
    assert category.get("term") == "youth"


def test_feed_links_lead_to_the_entry_on_the_public_list(app: Flask, client: FlaskClient) -> None:
    for number in range(3):
        _add(app, f"Filler {number} vzw")
    wanted = _add(app, "Zorgnetwerk Oost vzw")
    (entry, *_older) = _feed(client, "nl").findall(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link")
    assert link is not None
    href = str(link.get("href"))
    assert href.startswith(f"{BASE}/nl/supporters")
    assert href.endswith(f"#supporter-{wanted}")
    page = client.get(_path(href.partition("#")[0]))
    assert page.status_code == 200
    assert f'id="supporter-{wanted}"' in page.get_data(as_text=True)


def test_feed_speaks_the_language_of_its_url(app: Flask, client: FlaskClient) -> None:
    _add(app, "Ligue des familles", category=Category.NGO)
    english, french = _feed(client, "en"), _feed(client, "fr")
    assert french.get(XML_LANG) == "fr"
    assert french.findtext(f"{ATOM}id") == f"{BASE}/fr/feed.atom"
    en_label = english.find(f"{ATOM}entry/{ATOM}category")
    fr_label = french.find(f"{ATOM}entry/{ATOM}category")
    assert en_label is not None
    assert fr_label is not None
    assert en_label.get("label") == "NGO or association"
    assert fr_label.get("label") != en_label.get("label")
    assert french.findtext(f"{ATOM}author/{ATOM}name") == "On n'enferme pas un enfant. Point."
    assert client.get("/de/feed.atom").status_code == 404


def test_feed_holds_only_the_newest(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    for name in ("Oldest", "Middle", "Newest"):
        _add(app, name)
    titles = [e.findtext(f"{ATOM}title") for e in _feed(client).findall(f"{ATOM}entry")]
    assert titles == ["Newest", "Middle"]


def test_an_empty_feed_is_still_valid(client: FlaskClient) -> None:
    root = _feed(client)
    assert root.findall(f"{ATOM}entry") == []
    assert datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "").tzinfo is not None


def test_feed_answers_304_when_unchanged(app: Flask, client: FlaskClient) -> None:
    _add(app, "Cached")
    response = client.get("/en/feed.atom")
    assert response.cache_control.public
    again = client.get("/en/feed.atom", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    _add(app, "Newer")
    fresh = client.get("/en/feed.atom", headers={"If-None-Match": response.headers["ETag"]})
    assert fresh.status_code == 200


# --- no personal data anywhere -------------------------------------------------------


def test_no_contact_data_in_any_open_data(client: FlaskClient, secret: int) -> None:
    bodies = {
        url: client.get(url).get_data(as_text=True)
        for url in (
            "/api/v1/supporters",
            "/api/v1/supporters?q=quark",
            "/api/v1/count",
            "/supporters.csv",
            "/sitemap.xml",
            "/robots.txt",
            "/en/feed.atom",
            "/fr/feed.atom",
            "/nl/feed.atom",
        )
    }
    assert "Quark Collective" in bodies["/supporters.csv"]
    assert "Quark Collective" in bodies["/en/feed.atom"]
    assert "Quark Collective" in bodies["/api/v1/supporters"]
    for url, body in bodies.items():
        for leak in (SECRET_NAME, SECRET_EMAIL, SECRET_ROLE, "secret-contact"):
            assert leak not in body, (url, leak)
