"""The JSON API: filters, keyset pagination, errors, caching, CORS, and an OpenAPI
description that matches both the routes and the real responses."""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from endorse.models import Category, Region, State

from .helpers import make_endorsement

API = "/api/v1/supporters"
SECRET_NAME = "Zebulon Quarkworth"
SECRET_EMAIL = "zebulon.quarkworth@secret-contact.example"
SECRET_ROLE = "Keeper of the Quarks"

# (name, category, region): approved, and in the order the list must give them
# (accents and case folded, legal forms ignored: "Écoles" sorts under e).
APPROVED = [
    ("123 Solidarité", Category.OTHER, Region.NAMUR),
    ("ACV-CSC", Category.UNION, Region.BRUSSELS),
    ("Amnesty International Belgique", Category.NGO, Region.BRUSSELS),
    ("Dokters van de Wereld vzw", Category.HEALTH, Region.ANTWERP),
    ("Écoles sans frontières", Category.EDUCATION, Region.LIEGE),
    ("Eerste Hulp", Category.HEALTH, Region.ANTWERP),
    ("Kinderrechtencoalitie Vlaanderen", Category.NGO, Region.EAST_FLANDERS),
    ("asbl Ligue des droits humains", Category.LEGAL, Region.BRUSSELS),
    ("Ouders voor Kinderen", Category.YOUTH, Region.LIMBURG),
    ("Université de Namur", Category.RESEARCH, Region.NAMUR),
    ("Zonnebloem vzw", Category.NGO, Region.WEST_FLANDERS),
]
HIDDEN_STATES = [State.UNVERIFIED, State.VERIFIED, State.REJECTED, State.HIDDEN, State.WITHDRAWN]


_EMAILS = itertools.count(1)


def _add(app: Flask, name: str, state: State = State.APPROVED, **fields: Any) -> int:
    """An endorsement with its own contact address, so that none is taken for a twin."""
    address = f"signer{next(_EMAILS)}@contact.example"
    return make_endorsement(app, state, name=name, contact_email=address, **fields)


@pytest.fixture
def listed(app: Flask) -> dict[str, int]:
    """The approved organisations (by name), plus one in every state that is not public."""
    ids = {
        name: _add(app, name, category=category, region=region, city="Somewhere")
        for name, category, region in APPROVED
    }
    for state in HIDDEN_STATES:
        _add(app, f"Not public {state.value}", state, category=Category.NGO, region=Region.BRUSSELS)
    return ids


def _walk(client: FlaskClient, url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Follow ``next`` from ``url`` to the end: every entry, and every page as answered."""
    entries: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_json()
        pages.append(page)
        entries.extend(page["supporters"])
        url = page["next"]
        assert len(pages) < 50, "the pages do not end"
    return entries, pages


def _names(url: str, client: FlaskClient) -> list[str]:
    return [entry["name"] for entry in _walk(client, url)[0]]


def test_pages_hold_every_approved_entry_once_in_alphabetical_order(
    client: FlaskClient, listed: dict[str, int]
) -> None:
    entries, pages = _walk(client, f"{API}?per_page=3")
    assert [e["name"] for e in entries] == [name for name, _c, _r in APPROVED]
    assert [e["id"] for e in entries] == [listed[name] for name, _c, _r in APPROVED]
    assert len(pages) == 4
    assert all(page["total"] == len(APPROVED) for page in pages)
    assert [len(page["supporters"]) for page in pages] == [3, 3, 3, 2]
    assert pages[0]["previous"] is None
    assert pages[-1]["next"] is None
    # Relative links that keep the page size.
    assert all(urlsplit(p["next"]).path == API and "per_page=3" in p["next"] for p in pages[:-1])


def test_previous_leads_back_to_the_page_before(
    client: FlaskClient, listed: dict[str, int]
) -> None:
    first = client.get(f"{API}?per_page=4").get_json()
    second = client.get(first["next"]).get_json()
    assert second["previous"] is not None
    back = client.get(second["previous"]).get_json()
    assert back["supporters"] == first["supporters"]
    assert back["previous"] is None
    assert back["next"] == first["next"]


def test_the_default_page_holds_fifty(app: Flask, client: FlaskClient) -> None:
    for number in range(app.config["PER_PAGE"] + 1):
        _add(app, f"Organisation {number:03d}", category=Category.OTHER, region=Region.ABROAD)
    page = client.get(API).get_json()
    assert len(page["supporters"]) == app.config["PER_PAGE"]
    assert page["total"] == app.config["PER_PAGE"] + 1
    last = client.get(page["next"]).get_json()
    assert [e["name"] for e in last["supporters"]] == ["Organisation 050"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=health", ["Dokters van de Wereld vzw", "Eerste Hulp"]),
        ("category=ngo&region=brussels", ["Amnesty International Belgique"]),
        ("region=namur", ["123 Solidarité", "Université de Namur"]),
        (
            "area=flanders",
            [
                "Dokters van de Wereld vzw",
                "Eerste Hulp",
                "Kinderrechtencoalitie Vlaanderen",
                "Ouders voor Kinderen",
                "Zonnebloem vzw",
            ],
        ),
        ("area=wallonia&category=research", ["Université de Namur"]),
        ("letter=e", ["Écoles sans frontières", "Eerste Hulp"]),
        ("letter=E", ["Écoles sans frontières", "Eerste Hulp"]),
        ("letter=l", ["asbl Ligue des droits humains"]),
        ("letter=%23", ["123 Solidarité"]),
        ("q=ECOLE", ["Écoles sans frontières"]),
        ("q=kinder", ["Kinderrechtencoalitie Vlaanderen", "Ouders voor Kinderen"]),
        ("q=nobody+by+that+name", []),
        ("category=faith", []),
    ],
)
def test_filters_match_the_public_list(
    client: FlaskClient, listed: dict[str, int], query: str, expected: list[str]
) -> None:
    entries, pages = _walk(client, f"{API}?{query}&per_page=1")
    assert [e["name"] for e in entries] == expected
    assert all(page["total"] == len(expected) for page in pages)


def test_next_and_previous_keep_the_filters(client: FlaskClient, listed: dict[str, int]) -> None:
    first = client.get(f"{API}?area=flanders&category=health&per_page=1").get_json()
    assert "area=flanders" in first["next"]
    assert "category=health" in first["next"]
    second = client.get(first["next"]).get_json()
    assert [e["name"] for e in second["supporters"]] == ["Eerste Hulp"]
    assert "area=flanders" in second["previous"]


def test_entries_carry_public_fields_only(client: FlaskClient, app: Flask) -> None:
    _add(
        app,
        "Jeugdwerk Gent vzw",
        category=Category.YOUTH,
        region=Region.EAST_FLANDERS,
        city="Gent",
        website="https://jeugdwerk.example",
        statement="Kinderen horen vrij.",
        contact_name=SECRET_NAME,
        contact_role=SECRET_ROLE,
    )
    make_endorsement(
        app,
        State.APPROVED,
        name="Secret keepers",
        contact_email=SECRET_EMAIL,
        contact_name=SECRET_NAME,
        contact_role=SECRET_ROLE,
    )
    (entry, *_rest), _pages = _walk(client, f"{API}?region=east_flanders")
    assert entry == {
        "id": entry["id"],
        "name": "Jeugdwerk Gent vzw",
        "category": "youth",
        "city": "Gent",
        "region": "east_flanders",
        "area": "flanders",
        "website": "https://jeugdwerk.example",
        "statement": "Kinderen horen vrij.",
        "approved_at": entry["approved_at"],
        "logo": False,
    }
    assert datetime.fromisoformat(entry["approved_at"]).tzinfo is not None
    for url in (API, f"{API}?q=secret", f"{API}?per_page=1", "/api/v1/count", "/api/v1/audit/head"):
        body = client.get(url).get_data(as_text=True)
        for secret in (SECRET_NAME, SECRET_EMAIL, SECRET_ROLE, "contact.example"):
            assert secret not in body, (url, secret)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("category=nope", "category"),
        ("region=mars", "region"),
        ("area=atlantis", "area"),
        ("letter=ab", "letter"),
        ("letter=%C3%A9", "letter"),
        ("after=x", "after"),
        ("after=-1", "after"),
        ("before=1.5", "before"),
        ("per_page=1000", "per_page"),
        ("per_page=false", "per_page"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_parameters_get_a_json_400_naming_them(
    client: FlaskClient, query: str, parameter: str
) -> None:
    response = client.get(f"{API}?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "message"}
    assert body["error"] == "Bad request"
    assert f"“{parameter}”" in body["message"]
    assert "ETag" not in response.headers


def test_an_unknown_position_is_the_first_page(client: FlaskClient, listed: dict[str, int]) -> None:
    """An id that is gone (or never public) is no error: the list starts from the top."""
    hidden = client.get(f"{API}?after=999999&per_page=2").get_json()
    assert [e["name"] for e in hidden["supporters"]] == ["123 Solidarité", "ACV-CSC"]


def test_etag_gives_304_until_the_list_changes(
    app: Flask, client: FlaskClient, listed: dict[str, int]
) -> None:
    response = client.get(f"{API}?per_page=5")
    etag = response.headers["ETag"]
    assert response.cache_control.public
    assert response.cache_control.max_age == app.config["PAGE_FRESH_SECONDS"]
    assert int(response.cache_control.s_maxage) == app.config["PAGE_FRESH_SECONDS"]
    again = client.get(f"{API}?per_page=5", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    _add(app, "Aardvark Alliance", category=Category.OTHER, region=Region.ABROAD)
    changed = client.get(f"{API}?per_page=5", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["supporters"][1]["name"] == "Aardvark Alliance"


def test_the_count_answers_304_too(client: FlaskClient) -> None:
    etag = client.get("/api/v1/count").headers["ETag"]
    assert client.get("/api/v1/count", headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        API,
        f"{API}?letter=ab",
        "/api/v1/count",
        "/api/v1/audit/head",
        "/api/v1/openapi.json",
        "/api/v1/no-such-thing",
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_every_api_response_may_be_read_from_any_origin(
    client: FlaskClient, url: str, method: str
) -> None:
    response = client.open(url, method=method, headers={"Origin": "https://elsewhere.example"})
    assert response.headers.getlist("Access-Control-Allow-Origin") == ["*"]


def test_pages_of_the_site_are_not_opened_to_other_origins(client: FlaskClient) -> None:
    assert "Access-Control-Allow-Origin" not in client.get("/robots.txt").headers


# --- OpenAPI ---------------------------------------------------------------------------

SPEC_URI = "urn:endorse:openapi"
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _checker() -> FormatChecker:
    """Formats checked for real (jsonschema would skip date-time without an extra package)."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)

    return checker


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


class Spec:
    """The served document, and a check of a real response against what it promises."""

    def __init__(self, client: FlaskClient) -> None:
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        self.document: dict[str, Any] = response.get_json()
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)

    def check(self, path: str, response: Any) -> None:
        status = str(response.status_code)
        promised = self.document["paths"][path]["get"]["responses"]
        assert status in promised, (path, status)
        content = promised[status].get("content")
        if content is None:
            assert response.get_data() == b""
            return
        assert list(content) == [response.mimetype]
        where = _pointer(
            "paths", path, "get", "responses", status, "content", response.mimetype, "schema"
        )
        validator = Draft202012Validator(
            {"$ref": f"{SPEC_URI}#/{where}"}, registry=self.registry, format_checker=_checker()
        )
        validator.validate(response.get_json())


@pytest.fixture
def spec(client: FlaskClient) -> Spec:
    return Spec(client)


def test_the_document_is_openapi_3_1(spec: Spec, app: Flask) -> None:
    assert spec.document["openapi"].startswith("3.1")
    assert spec.document["servers"] == [{"url": app.config["BASE_URL"]}]
    for name, schema in spec.document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
        assert name.isidentifier()


def test_every_route_is_described_and_nothing_else(spec: Spec, app: Flask) -> None:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = _CONVERTER.sub(r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(
                m.lower() for m in (rule.methods or ()) if m not in ("HEAD", "OPTIONS")
            )
    described = {path: set(item) for path, item in spec.document["paths"].items()}
    assert described == routes


def test_the_enums_are_the_codes(spec: Spec) -> None:
    """Written out: these codes are a public promise, not whatever the code holds today."""
    schemas = spec.document["components"]["schemas"]
    assert schemas["Category"]["enum"] == [
        "ngo",
        "union",
        "education",
        "health",
        "legal",
        "faith",
        "youth",
        "local_authority",
        "research",
        "company",
        "other",
    ]
    assert schemas["Region"]["enum"] == [
        "antwerp",
        "limburg",
        "east_flanders",
        "west_flanders",
        "flemish_brabant",
        "brussels",
        "walloon_brabant",
        "hainaut",
        "liege",
        "luxembourg",
        "namur",
        "abroad",
    ]
    assert schemas["Area"]["enum"] == ["flanders", "wallonia", "brussels", "abroad"]
    assert schemas["Letter"]["enum"] == [*"abcdefghijklmnopqrstuvwxyz", "#"]


def test_the_documented_parameters_are_the_accepted_ones(spec: Spec, client: FlaskClient) -> None:
    operation = spec.document["paths"][API]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {
        "q",
        "category",
        "region",
        "area",
        "letter",
        "after",
        "before",
        "per_page",
    }
    assert parameters["per_page"]["schema"]["default"] == 50
    assert parameters["per_page"]["schema"]["maximum"] == 200
    assert client.get(API, query_string={"per_page": 200}).status_code == 200
    assert client.get(API, query_string={"per_page": 201}).status_code == 400
    schemas = spec.document["components"]["schemas"]
    for name, parameter in parameters.items():
        reference = parameter["schema"].get("$ref")
        if reference is None:
            continue
        values = schemas[reference.rsplit("/", 1)[1]]["enum"]
        for value in values:
            response = client.get(API, query_string={name: value})
            assert response.status_code == 200, (name, value)
            spec.check(API, response)
        assert client.get(API, query_string={name: "not-a-value"}).status_code == 400


def test_real_responses_match_their_schemas(
    spec: Spec, client: FlaskClient, app: Flask, listed: dict[str, int]
) -> None:
    _add(
        app,
        "Website and statement asbl",
        category=Category.LEGAL,
        region=Region.HAINAUT,
        website="https://example.org/a?b=c",
        statement="« Un enfant, ça ne s’enferme pas. »",
    )
    for path in ("/api/v1/count", "/api/v1/audit/head", "/api/v1/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200
        spec.check(path, response)
    assert client.get("/api/v1/count").get_json()["organisations"] == len(APPROVED) + 1

    first = client.get(f"{API}?per_page=2")
    spec.check(API, first)
    second = client.get(first.get_json()["next"])
    spec.check(API, second)
    assert second.get_json()["previous"] is not None
    spec.check(API, client.get(f"{API}?q=website"))
    spec.check(API, client.get(f"{API}?category=faith"))  # no entries, nulls for links

    bad = client.get(f"{API}?category=nope")
    assert bad.status_code == 400
    spec.check(API, bad)

    unchanged = client.get(f"{API}?per_page=2", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304
    spec.check(API, unchanged)


def test_the_audit_head_on_an_empty_trail_matches_too(spec: Spec, client: FlaskClient) -> None:
    response = client.get("/api/v1/audit/head")
    assert response.get_json() == {"records": 0, "hash": "0" * 64}
    spec.check("/api/v1/audit/head", response)


def test_a_schema_violation_would_be_caught(spec: Spec, client: FlaskClient) -> None:
    """The check is real: a page with a contact field in it does not pass."""
    page = client.get(API).get_json()
    page["supporters"] = [
        {
            "id": 1,
            "name": "X",
            "category": "ngo",
            "city": "Y",
            "region": "namur",
            "area": "wallonia",
            "website": None,
            "statement": None,
            "approved_at": None,
            "logo": False,
            "contact_email": SECRET_EMAIL,
        }
    ]
    where = _pointer(
        "paths", API, "get", "responses", "200", "content", "application/json", "schema"
    )
    validator = Draft202012Validator(
        {"$ref": f"{SPEC_URI}#/{where}"}, registry=spec.registry, format_checker=_checker()
    )
    assert not validator.is_valid(page)
    page["supporters"][0].pop("contact_email")
    assert validator.is_valid(page)
    page["supporters"][0]["approved_at"] = "yesterday"
    assert not validator.is_valid(page)


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_the_open_data_is_linked_from_the_supporters_page_and_the_footer(
    client: FlaskClient, lang: str
) -> None:
    files = ["/supporters.csv", "/api/v1/supporters", "/api/v1/openapi.json", f"/{lang}/feed.atom"]
    supporters = client.get(f"/{lang}/supporters").get_data(as_text=True)
    section = supporters.split('<section id="open-data"', 1)[1].split("</section>", 1)[0]
    for path in files:
        assert f'href="{path}"' in section
        assert client.get(path).status_code == 200
    for page in (f"/{lang}/", f"/{lang}/sign", f"/{lang}/privacy"):
        body = client.get(page).get_data(as_text=True)
        footer = body.split('<footer class="site-footer">', 1)[1]
        for path in files:
            assert f'href="{path}"' in footer, (page, path)
