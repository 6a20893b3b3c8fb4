"""Hostile payloads, by hand: script in every field shown inert on every page, feed, export
and console page; links of one purpose, key or entry replayed as another; SQL in search boxes;
hostile addresses (where a sign-in leads, ids no row can have); logos of huge dimensions."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from PIL import Image
from sqlalchemy import select

from endorse.config import LANGUAGES
from endorse.database import write_transaction
from endorse.extensions import db
from endorse.models import Endorsement, PublicTally, State, User
from endorse.tokens import Purpose, make_token

from .helpers import (
    PASSWORD,
    VALID_SIGNATURE,
    Mailbox,
    csrf_token,
    errors_on,
    html_of,
    make_endorsement,
    make_user,
    post_action,
    submit,
)

# (a) Script and formulas in every field.

#: Each payload, and the cell of a CSV export for a field that holds it: as typed, or made text
#: by a leading apostrophe where a spreadsheet would run it as a formula (None: always refused).
PAYLOADS = {
    "script": ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    "img-onerror": ('"><img src=x onerror=alert(1)>', '"><img src=x onerror=alert(1)>'),
    "javascript-url": ("javascript:alert(1)", "javascript:alert(1)"),
    "template": ("{{7*7}}", "{{7*7}}"),
    "textarea-breakout": (
        "</textarea><script>alert(1)</script>",
        "</textarea><script>alert(1)</script>",
    ),
    "nul": ("nul\x00<script>alert(1)</script>", None),
    # Websites that pass validation and try to leave the href attribute.
    "url-leaving-attribute": (
        'https://example.org/"><script>alert(1)</script>',
        'https://example.org/"><script>alert(1)</script>',
    ),
    "url-with-handler": (
        "https://example.org/'onmouseover='alert(1)'",
        "https://example.org/'onmouseover='alert(1)'",
    ),
    # Cells a spreadsheet would run as formulas.
    "formula-equals": (
        '=HYPERLINK("http://evil.example","click")',
        '\'=HYPERLINK("http://evil.example","click")',
    ),
    "formula-plus": ("+SUM(1+1)", "'+SUM(1+1)"),
    "formula-minus": ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    "formula-at": ("@SUM(1+1)", "'@SUM(1+1)"),
}
TEXT_FIELDS = (
    "name",
    "city",
    "website",
    "statement",
    "contact_name",
    "contact_role",
    "contact_email",
)
PUBLIC_FIELDS = ("name", "city", "website", "statement")
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
SCRIPT = "<script>alert(1)</script>"


class _Tags(HTMLParser):
    """The tags and attributes of a page, as a browser reads them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_inert_html(body: str, where: str) -> None:
    """No script, event handler or javascript: URL came from the data."""
    assert SCRIPT not in body, where
    parser = _Tags()
    parser.feed(body)
    parser.close()
    for tag, attrs in parser.tags:
        # The app's own scripts are all files (CSP: script-src 'self').
        assert tag != "script" or attrs.get("src"), (where, tag, attrs)
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, (where, tag, attrs)
        for name in URL_ATTRIBUTES & attrs.keys():
            value = (attrs[name] or "").strip().lower()
            assert not value.startswith("javascript:"), (where, tag, attrs)


def assert_inert_csv(response: Any, where: str) -> list[list[str]]:
    """A download, never sniffed as a page, with no cell a spreadsheet would run."""
    assert response.status_code == 200, where
    assert response.mimetype == "text/csv", where
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment"), where
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), (where, cell)
    return rows


def _sign_with(client: FlaskClient, field: str, payload: str) -> Any:
    data = {
        **VALID_SIGNATURE,
        "name": f"Payload in {field}",
        "contact_email": f"{field.replace('_', '-')}@payload.example",
        field: payload,
    }
    return submit(client, "/en/sign", data)


def _stored(app: Flask, field: str) -> Endorsement | None:
    """The signature made by ``_sign_with`` for ``field``, if it was stored."""
    key = (
        Endorsement.contact_email == f"{field.replace('_', '-')}@payload.example"
        if field != "contact_email"
        else Endorsement.name == f"Payload in {field}"
    )
    with app.app_context():
        entry = db.session.scalar(select(Endorsement).where(key))
        if entry is not None:
            db.session.expunge(entry)
        return entry


@pytest.mark.parametrize(("payload", "cell"), PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_payload_in_every_field_is_refused_clearly_or_shown_inert_everywhere(
    app: Flask,
    client: FlaskClient,
    moderator: FlaskClient,
    mailbox: Mailbox,
    payload: str,
    cell: str | None,
) -> None:
    accepted: dict[str, Endorsement] = {}
    for field in TEXT_FIELDS:
        response = _sign_with(client, field, payload)
        assert_inert_html(response.get_data(as_text=True), f"sign form, {field}")
        entry = _stored(app, field)
        if response.status_code == 400:
            assert f'id="{field}-error"' in response.get_data(as_text=True), field
            assert errors_on(response)
            assert 'role="alert"' in response.get_data(as_text=True)
            assert entry is None, field
        else:
            assert response.status_code == 303, (field, response.status_code)
            assert entry is not None, field
            assert getattr(entry, field) == payload, field  # kept as typed
            accepted[field] = entry
    if cell is None:
        assert not accepted
        return
    if payload.startswith("javascript:"):
        assert "website" not in accepted
    assert accepted.keys() & {"name", "city", "statement"}, "no payload to look for"
    for message in mailbox.wait_for(len(accepted)):
        assert_inert_html(html_of(message), "confirmation mail")

    _confirm_all(app, client, accepted.values())
    _check_console(app, moderator, accepted, payload, cell)
    for entry in accepted.values():
        page = f"/moderate/endorsements/{entry.id}"
        assert post_action(moderator, f"{page}/approve", page).status_code == 302
    _check_public_pages(client, accepted, payload, cell)


def _confirm_all(app: Flask, client: FlaskClient, entries: Iterable[Endorsement]) -> None:
    csrf = csrf_token(client, "/en/sign")
    for entry in entries:
        with app.app_context():
            path = f"/en/confirm/{make_token(Purpose.CONFIRM, entry.id, entry.token_nonce)}"
        page = client.get(path)
        assert page.status_code == 200
        assert_inert_html(page.get_data(as_text=True), "confirmation page")
        assert client.post(path, data={"csrf_token": csrf}).status_code == 303


def _check_console(
    app: Flask, moderator: FlaskClient, accepted: dict[str, Endorsement], payload: str, cell: str
) -> None:
    pages = [
        "/moderate/",
        "/moderate/queue",
        "/moderate/endorsements",
        "/moderate/audit",
        f"/moderate/endorsements?q={quote(payload)}",
    ]
    for entry in accepted.values():
        pages += [f"/moderate/endorsements/{entry.id}", f"/moderate/endorsements/{entry.id}/edit"]
    for page in pages:
        response = moderator.get(page)
        assert response.status_code == 200, page
        assert_inert_html(response.get_data(as_text=True), page)
    queue = moderator.get("/moderate/queue").get_data(as_text=True)
    for field, entry in accepted.items():
        if field != "website":
            assert str(escape(getattr(entry, field))) in queue, field

    for query in ("", f"?q={quote(payload)}"):
        rows = assert_inert_csv(
            moderator.get(f"/moderate/endorsements.csv{query}"), f"console CSV{query}"
        )
        by_id = {row[0]: row for row in rows[1:]}
        for field, entry in accepted.items():
            if query == "" or field == "name":
                assert cell in by_id[str(entry.id)], (field, query)


def _check_public_pages(
    client: FlaskClient, accepted: dict[str, Endorsement], payload: str, cell: str
) -> None:
    names = {entry.name for entry in accepted.values()}
    for lang in LANGUAGES:
        for page in (
            f"/{lang}/",
            f"/{lang}/supporters?q={quote(payload)}",
            f"/{lang}/supporters?per_page=200",
        ):
            response = client.get(page)
            assert response.status_code in (200, 400), page
            assert_inert_html(response.get_data(as_text=True), page)
        listing = response.get_data(as_text=True)
        for name in names:
            assert str(escape(name)) in listing, name  # shown, as text
        _check_feed(client, lang, names)
    embed = client.get("/embed/count")
    assert_inert_html(embed.get_data(as_text=True), "/embed/count")

    api = client.get("/api/v1/supporters?per_page=200")
    assert api.mimetype == "application/json"  # JSON escaping, never read as a page:
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    published = {item["id"]: item for item in api.get_json()["supporters"]}
    for field, entry in accepted.items():
        for shown in PUBLIC_FIELDS:  # exactly as stored: escaped for JSON, not for HTML
            assert published[entry.id][shown] == getattr(entry, shown), (field, shown)
        if field in CONTACT_FIELDS:  # never published
            assert getattr(entry, field) not in str(published[entry.id].values()), field

    rows = assert_inert_csv(client.get("/supporters.csv"), "/supporters.csv")
    assert not set(rows[0]) & set(CONTACT_FIELDS)
    by_id = {row[0]: row for row in rows[1:]}
    for field, entry in accepted.items():
        row = by_id[str(entry.id)]
        if field in PUBLIC_FIELDS:
            assert cell in row, field
        else:
            assert not any(getattr(entry, field) in cell for cell in row), field


def _check_feed(client: FlaskClient, lang: str, names: set[str]) -> None:
    response = client.get(f"/{lang}/feed.atom")
    assert response.status_code == 200
    body = response.get_data()
    assert b"<script" not in body
    root = ET.fromstring(body)  # noqa: S314  (our own feed, built by ElementTree)
    atom = "{http://www.w3.org/2005/Atom}"
    titles = {entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")}
    assert names <= titles  # the payloads are text in the feed, not markup
    for content in root.iter(f"{atom}content"):
        assert content.get("type") == "text"


def test_a_javascript_website_is_refused_by_the_console_too(
    app: Flask, moderator: FlaskClient
) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    page = f"/moderate/endorsements/{entry_id}/edit"
    response = post_action(
        moderator,
        page,
        page,
        name="Ligue",
        category="ngo",
        city="Namur",
        region="namur",
        website="javascript:alert(1)",
    )
    assert response.status_code == 400
    assert 'id="website-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Endorsement, entry_id).website is None  # type: ignore[union-attr]


# (b) Links replayed: another purpose, another key, another entry.

#: Each purpose and the door its links open.
DOORS = {
    Purpose.CONFIRM: "confirm",
    Purpose.INVITE: "welcome",
    Purpose.MANAGE: "manage",
    Purpose.CLAIM: "manage",  # the link mailed once to an imported supporter, valid longer
}
FOREIGN = [
    pytest.param(made, door, id=f"{made.value}-token-at-{DOORS[door]}")
    for made in Purpose
    for door in DOORS
    if DOORS[made] != DOORS[door] and door != Purpose.CLAIM  # each door knocked at once
]
SIGNER = "signer{}@replay.example"


def test_every_purpose_of_a_link_has_its_door_knocked_at() -> None:
    assert set(DOORS) == set(Purpose)


def _knock(client: FlaskClient, door: Purpose, token: str) -> list[Any]:
    """Every request the door takes a token in: looking, and each thing it lets one do."""
    csrf = {"csrf_token": csrf_token(client, "/en/sign")}
    if door == Purpose.CONFIRM:
        path = f"/en/confirm/{token}"
        return [client.get(path), client.post(path, data=csrf)]
    if door == Purpose.INVITE:
        path = f"/moderate/welcome/{token}"
        password = {
            "password": "a new password, long enough",
            "confirm": "a new password, long enough",
        }
        return [client.get(path), client.post(path, data={**csrf, **password})]
    path = f"/en/manage/{token}"
    fields = {**VALID_SIGNATURE, "name": "Taken over"}
    return [
        client.get(path),
        client.post(path, data={**csrf, **fields}),
        client.post(f"{path}/withdraw", data=csrf),
        client.post(f"{path}/erase", data=csrf),
    ]


def _aligned(app: Flask, number: int) -> tuple[int, str]:
    """An unverified endorsement and a moderator account with the same id and the same
    nonce: a link of any purpose then carries the same payload, and only its salt (its
    purpose) tells it apart."""
    user_id = make_user(app, f"moderator{number}@campaign.example")
    entry_id = make_endorsement(app, name=f"Replay {number}", contact_email=SIGNER.format(number))
    padding = 0
    while entry_id != user_id:
        padding += 1
        if entry_id < user_id:
            entry_id = make_endorsement(
                app, name=f"Replay {number}", contact_email=SIGNER.format(f"{number}-{padding}")
            )
        else:
            user_id = make_user(app, f"moderator{number}-{padding}@campaign.example")
    with app.app_context(), write_transaction():
        nonce = db.session.get(Endorsement, entry_id).token_nonce  # type: ignore[union-attr]
        db.session.get(User, user_id).token_nonce = nonce  # type: ignore[union-attr]
    return entry_id, nonce


def _state(app: Flask) -> list[tuple[Any, ...]]:
    """Everything a link could change: endorsements, accounts, the public count."""
    with app.app_context():
        entries = db.session.execute(
            select(
                Endorsement.id,
                Endorsement.state,
                Endorsement.name,
                Endorsement.token_nonce,
                Endorsement.contact_email,
                Endorsement.contact_name,
            ).order_by(Endorsement.id)
        ).all()
        users = db.session.execute(
            select(
                User.id, User.password_hash, User.token_nonce, User.session_version, User.active
            ).order_by(User.id)
        ).all()
        counts = db.session.scalars(
            select(PublicTally).order_by(PublicTally.facet, PublicTally.key)
        ).all()
        return [
            *map(tuple, entries),
            *map(tuple, users),
            *((c.facet, c.key, c.organisations) for c in counts),
        ]


def _assert_refused(responses: list[Any]) -> None:
    for response in responses:
        assert response.status_code in (400, 410), (response.request.path, response.status_code)
        body = response.get_data(as_text=True)
        assert "@replay.example" not in body  # nobody's address leaks
        assert "@campaign.example" not in body


@pytest.mark.parametrize("door", DOORS, ids=DOORS.values())
def test_each_door_opens_with_its_own_token(app: Flask, client: FlaskClient, door: Purpose) -> None:
    """The control for the tests below: the aligned subjects are genuine."""
    entry_id, nonce = _aligned(app, 1)
    with app.app_context():
        token = make_token(door, entry_id, nonce)
    assert _knock(client, door, token)[0].status_code == 200


@pytest.mark.parametrize(("made", "door"), FOREIGN)
def test_a_token_of_another_purpose_is_refused(
    app: Flask, client: FlaskClient, made: Purpose, door: Purpose
) -> None:
    entry_id, nonce = _aligned(app, 1)
    before = _state(app)
    with app.app_context():
        token = make_token(made, entry_id, nonce)
    _assert_refused(_knock(client, door, token))
    assert _state(app) == before
    with app.app_context():
        entry = db.session.get(Endorsement, entry_id)
        assert entry is not None
        assert entry.state == State.UNVERIFIED


@pytest.mark.real_commits  # another app, with another key, reads the same database
@pytest.mark.parametrize("door", DOORS, ids=DOORS.values())
def test_a_token_signed_with_another_key_is_refused(
    app_factory: Any, app: Flask, client: FlaskClient, door: Purpose
) -> None:
    entry_id, nonce = _aligned(app, 1)
    before = _state(app)
    other = app_factory(SECRET_KEY="another-secret-key-of-another-site")
    with other.app_context():
        token = make_token(door, entry_id, nonce)
    _assert_refused(_knock(client, door, token))
    assert _state(app) == before


@pytest.mark.parametrize("door", DOORS, ids=DOORS.values())
def test_a_token_for_another_id_with_this_nonce_is_refused(
    app: Flask, client: FlaskClient, door: Purpose
) -> None:
    _, mine = _aligned(app, 1)
    theirs, _ = _aligned(app, 2)
    before = _state(app)
    with app.app_context():
        token = make_token(door, theirs, mine)
    _assert_refused(_knock(client, door, token))
    assert _state(app) == before


# (c) SQL in the search boxes.

SQL_SEARCHES = [
    "' OR 1=1 --",
    '"; DROP TABLE endorsements; --',
    "'; UPDATE endorsements SET state='approved' --",
    "' UNION SELECT contact_email, NULL, NULL FROM endorsements --",
    "x%' OR contact_email LIKE '%",
    "1; DELETE FROM users",
    "%",
    "_",
    "\\",
    "')) OR (('a'='a",
]


@pytest.fixture
def searchable(app: Flask) -> dict[State, int]:
    """One endorsement in each state that matters to a search, with contact data to leak."""
    return {
        state: make_endorsement(
            app,
            state,
            name=f"Searchable {state.value}",
            contact_email=f"{state.value}@hidden-contact.example",
        )
        for state in (State.APPROVED, State.VERIFIED, State.UNVERIFIED, State.REJECTED)
    }


@pytest.mark.parametrize("search", SQL_SEARCHES)
def test_sql_in_a_search_box_is_only_text(
    app: Flask,
    client: FlaskClient,
    moderator: FlaskClient,
    searchable: dict[State, int],
    search: str,
) -> None:
    before = _state(app)
    q = quote(search)
    public = client.get(f"/en/supporters?q={q}")
    assert public.status_code == 200
    api = client.get(f"/api/v1/supporters?q={q}")
    assert api.status_code == 200
    listed = {item["id"] for item in api.get_json()["supporters"]}
    assert listed <= {searchable[State.APPROVED]}
    for response in (public, api):
        body = response.get_data(as_text=True)
        assert "hidden-contact" not in body
        assert "Searchable verified" not in body
    assert_inert_html(public.get_data(as_text=True), "public search")

    console = moderator.get(f"/moderate/endorsements?q={q}")
    assert console.status_code == 200
    assert_inert_html(console.get_data(as_text=True), "console search")
    assert_inert_csv(moderator.get(f"/moderate/endorsements.csv?q={q}"), "console CSV")
    assert _state(app) == before


# (d) Hostile addresses: where a sign-in leads, and ids no row can have.

#: ``next=`` targets that must never become the Location of a redirect, as sent in a URL.
HOSTILE_NEXT = {
    "crlf": "%2Fmoderate%0D%0AX",
    "header-injection": "%2Fmoderate%2F%0D%0ASet-Cookie%3A%20session%3Dstolen",
    "lf": "%2Fmoderate%0AX",
    "cr": "%2Fmoderate%0DX",
    "tab": "%2Fmoderate%09X",
    "nul": "%2Fmoderate%00X",
    "delete": "%2Fmoderate%7FX",
    "other-site": "https%3A%2F%2Fevil.example%2Fmoderate",
    "protocol-relative": "%2F%2Fevil.example%2Fmoderate",
    "backslash": "%2F%5Cevil.example",
    "javascript": "javascript%3Aalert(1)",
    "outside-the-console": "%2Fen%2Fsign",
}


@pytest.mark.parametrize("target", HOSTILE_NEXT.values(), ids=HOSTILE_NEXT.keys())
def test_a_hostile_next_is_dropped_and_the_sign_in_still_works(app: Flask, target: str) -> None:
    make_user(app, "mod@campaign.example")
    client = app.test_client()
    page = f"/moderate/login?next={target}"
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "email": "mod@campaign.example",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/moderate/"
    assert client.get("/moderate/").status_code == 200


# Ids past what the database holds: PostgreSQL's integer ends at 2**31 - 1, SQLite's at 2**63 - 1.

OUT_OF_RANGE = [str(2**31), str(2**63), str(2**64), "0", "9" * 30]
ID_PATHS = [
    ("GET", "/logos/{}.webp"),
    ("GET", "/moderate/endorsements/{}"),
    ("GET", "/moderate/endorsements/{}/edit"),
    ("POST", "/moderate/endorsements/{}/edit"),
    ("POST", "/moderate/endorsements/{}/approve"),
    ("POST", "/moderate/endorsements/{}/reject"),
    ("POST", "/moderate/endorsements/{}/hide"),
    ("POST", "/moderate/users/{}/role"),
    ("POST", "/moderate/users/{}/deactivate"),
    ("POST", "/moderate/users/{}/activate"),
]


@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_an_id_out_of_range_is_not_found(app: Flask, admin: FlaskClient, number: str) -> None:
    make_endorsement(app, State.APPROVED)
    token = csrf_token(admin, "/moderate/users")
    for method, path in ID_PATHS:
        url = path.format(number)
        if method == "GET":
            response = admin.get(url)
        else:
            response = admin.post(url, data={"csrf_token": token, "role": "admin"})
        assert response.status_code == 404, (url, response.status_code)


@pytest.mark.parametrize("number", OUT_OF_RANGE)
def test_an_id_or_page_out_of_range_in_a_query_is_refused_or_ignored(
    app: Flask, moderator: FlaskClient, number: str
) -> None:
    entry_id = make_endorsement(app, State.VERIFIED)
    audit_page = moderator.get(f"/moderate/audit?endorsement={number}")
    assert audit_page.status_code == 200
    assert 'id="endorsement-error"' in audit_page.get_data(as_text=True)
    for listing in ("/moderate/audit", "/moderate/endorsements"):
        assert moderator.get(f"{listing}?page={number}").status_code == 200, listing
    bulk = moderator.post(
        "/moderate/queue",
        data={
            "csrf_token": csrf_token(moderator, "/moderate/queue"),
            "ids": [str(entry_id), number],
            "approve": "y",
        },
    )
    assert bulk.status_code == 302
    with app.app_context():
        assert db.session.get(Endorsement, entry_id).state == State.VERIFIED  # type: ignore[union-attr]


# (e) Images that are small files and huge pictures.

#: Few bytes, many pixels: each PNG is under 160 KB and describes 36 to 40 million pixels.
HUGE_IMAGES = {"grey-6000": ("L", (6000, 6000)), "rgba-6300": ("RGBA", (6300, 6300))}


@pytest.mark.parametrize(("mode", "size"), HUGE_IMAGES.values(), ids=HUGE_IMAGES.keys())
def test_a_logo_of_huge_dimensions_is_refused_clearly_and_never_stored(
    app: Flask, client: FlaskClient, mode: str, size: tuple[int, int]
) -> None:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 160 * 1024
    form = {
        **VALID_SIGNATURE,
        "csrf_token": csrf_token(client, "/en/sign"),
        "logo": (io.BytesIO(out.getvalue()), "logo.png"),
        "logo_consent": "y",
    }
    response = client.post("/en/sign", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert errors_on(response) == [
        "The logo is too large: please use an image of at most 4096 pixels on each side."
    ]
    with app.app_context():
        assert db.session.scalar(select(Endorsement.id)) is None
