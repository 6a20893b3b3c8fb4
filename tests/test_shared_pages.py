"""Public pages are the same for every visitor and say so, so a proxy or CDN can carry a press
day; personal pages are never stored; public forms need no session and refuse other sites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from endorse.config import DEFAULTS
from endorse.models import State
from endorse.tokens import Purpose, make_token

from .helpers import CSRF, VALID_SIGNATURE, csrf_token, login, make_endorsement, make_user

PUBLIC = [
    "/en/",
    "/fr/supporters",
    "/nl/supporters?q=ligue&category=ngo",
    "/en/what-you-can-do",
    "/fr/more-info",
    "/en/privacy",
    "/nl/sign",
    "/en/new-link",
    "/en/manage",
    "/en/sign/check-your-inbox",
    "/api/v1/count",
    "/api/v1/supporters",
    "/api/v1/openapi.json",
    "/embed/count?lang=fr",
    "/en/feed.atom",
    "/supporters.csv",
    "/robots.txt",
    "/sitemap.xml",
]


def _shared(response: Any) -> None:
    control = response.cache_control
    assert control.public, response.headers.get("Cache-Control")
    assert control.max_age is not None
    assert control.s_maxage is not None
    assert "stale-while-revalidate" in response.headers["Cache-Control"]
    assert "stale-if-error" in response.headers["Cache-Control"]
    assert not response.cache_control.no_store
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()


@pytest.mark.parametrize("path", PUBLIC)
def test_a_public_page_is_shareable_and_touches_no_session(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    _shared(response)
    if path == "/supporters.csv":
        return  # streamed as it is read: no body to take an ETag of
    etag = response.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert "Set-Cookie" not in again.headers


def test_pages_follow_the_freshness_settings(app_factory: Any) -> None:
    app = app_factory(PAGE_FRESH_SECONDS=7, PAGE_STALE_SECONDS=11, COUNT_FRESH_SECONDS=3)
    client = app.test_client()
    page = client.get("/en/supporters").cache_control
    assert (page.max_age, int(page.s_maxage)) == (7, 7)
    assert "stale-while-revalidate=11" in client.get("/en/").headers["Cache-Control"]
    count = client.get("/api/v1/count").cache_control
    assert (count.max_age, int(count.s_maxage)) == (3, 3)


def test_by_default_a_change_reaches_every_visitor_within_30_seconds_the_count_15() -> None:
    assert DEFAULTS["PAGE_FRESH_SECONDS"] + DEFAULTS["PAGE_STALE_SECONDS"] <= 30
    assert DEFAULTS["COUNT_FRESH_SECONDS"] + DEFAULTS["COUNT_STALE_SECONDS"] <= 15


def test_two_visitors_get_the_same_sign_form(app: Flask) -> None:
    pages = [app.test_client().get("/en/sign") for _ in range(2)]
    assert pages[0].get_data() == pages[1].get_data()
    assert CSRF.search(pages[0].get_data(as_text=True))  # the signed form token


def test_the_language_redirect_is_not_shared(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept-Language": "nl"})
    assert response.status_code == 302
    assert response.cache_control.private
    assert response.headers["Vary"] == "Accept-Language"


def _personal(response: Any) -> None:
    assert response.cache_control.no_store, response.headers.get("Cache-Control")
    assert response.cache_control.private


def test_pages_for_one_person_are_never_stored(app: Flask, client: FlaskClient) -> None:
    entry_id = make_endorsement(app, State.UNVERIFIED)
    with app.app_context():
        from endorse.extensions import db
        from endorse.models import Endorsement

        nonce = db.session.get(Endorsement, entry_id).token_nonce  # type: ignore[union-attr]
        confirm = make_token(Purpose.CONFIRM, entry_id, nonce)
        manage = make_token(Purpose.MANAGE, entry_id, nonce)
    _personal(client.get(f"/en/confirm/{confirm}"))
    _personal(client.get(f"/en/manage/{manage}"))
    _personal(client.get("/moderate/login"))
    make_user(app, "mod@campaign.example")
    moderator = app.test_client()
    signed_in = login(moderator, "mod@campaign.example")
    assert "Set-Cookie" in signed_in.headers
    _personal(signed_in)
    for path in ("/moderate/", "/moderate/queue", "/moderate/audit", "/moderate/endorsements"):
        _personal(moderator.get(path))


def _post_sign(client: FlaskClient, headers: dict[str, str], token: str | None) -> Any:
    data = {**VALID_SIGNATURE}
    if token is not None:
        data["csrf_token"] = token
    return client.post("/en/sign", data=data, headers=headers)


@pytest.mark.parametrize(
    ("headers", "with_token", "accepted"),
    [
        ({"Sec-Fetch-Site": "same-origin"}, False, True),
        ({"Sec-Fetch-Site": "none"}, False, True),
        ({"Sec-Fetch-Site": "cross-site"}, True, False),
        ({"Sec-Fetch-Site": "same-site"}, True, False),
        ({"Origin": "http://endorse.test"}, False, True),
        ({"Origin": "https://evil.example"}, True, False),
        ({"Origin": "null"}, True, False),
        ({}, True, True),
        ({}, False, False),
    ],
)
def test_public_forms_accept_posts_from_this_site_only(
    client: FlaskClient, headers: dict[str, str], with_token: bool, accepted: bool
) -> None:
    token = csrf_token(client, "/en/sign") if with_token else None
    response = _post_sign(client, headers, token)
    if accepted:
        assert response.status_code == 303
    else:
        assert response.status_code == 400
        assert "did not come from this site" in response.get_data(as_text=True)


def test_a_form_token_lasts_days_not_forever(client: FlaskClient, time_machine: Any) -> None:
    time_machine.move_to(datetime.now(UTC))
    token = csrf_token(client, "/en/sign")
    time_machine.shift(timedelta(days=2))
    assert _post_sign(client, {}, token).status_code == 303
    time_machine.shift(timedelta(days=2))
    assert _post_sign(client, {}, token).status_code == 400


def test_a_forged_form_token_is_refused(client: FlaskClient) -> None:
    token = csrf_token(client, "/en/sign")
    assert _post_sign(client, {}, token[:-2] + "xx").status_code == 400
