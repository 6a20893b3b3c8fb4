"""With the database gone mid-run, every page answers with our translated 503 and our
Retry-After: a signed-in moderator's, the streamed CSV's, and a limited form's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient

from endorse.extensions import db
from endorse.models import State

from .helpers import VALID_SIGNATURE, TcpProxy, csrf_token, login, make_endorsement, make_user

pytestmark = pytest.mark.real_commits

MODERATOR = "mod@campaign.example"
DOWN = {
    "en": "The site is briefly unavailable.",
    "fr": "Le site est momentanément indisponible.",
    "nl": "De site is even niet beschikbaar.",
}


@pytest.fixture
def outage(
    app_factory: Any, database_url: str, tmp_path: Path
) -> Iterator[tuple[Flask, Callable[[], None]]]:
    """An app on a database that works until the test calls ``go_down``. PostgreSQL: its
    server, behind a proxy the test cuts. SQLite: its file, on a volume that goes away."""
    if database_url.startswith("postgresql"):
        parts = urlsplit(database_url)
        proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
        proxy.start()
        netloc = parts.netloc.replace(f":{parts.port}", "") if parts.port else parts.netloc
        app = app_factory(DATABASE_URL=urlunsplit(parts._replace(netloc=f"{netloc}:{proxy.port}")))
        try:
            yield app, proxy.stop
        finally:
            proxy.stop()
        return
    volume = tmp_path / "volume"
    volume.mkdir()
    app = app_factory(DATABASE_URL=f"sqlite:///{volume}/endorse.sqlite")
    with app.app_context():
        flask_migrate.upgrade()

    def go_down() -> None:
        with app.app_context():
            db.engine.dispose()
        volume.rename(tmp_path / "unmounted")

    yield app, go_down


def _signed_in(app: Flask) -> FlaskClient:
    make_user(app, MODERATOR)
    client = app.test_client()
    assert login(client, MODERATOR).status_code == 302
    assert client.get("/moderate/queue").status_code == 200
    return client


def _is_our_503(response: Any, lang: str = "en") -> None:
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert DOWN[lang] in body
    assert f'<html lang="{lang}">' in body
    assert "Internal Server Error" not in body
    assert response.headers["Retry-After"] == "30"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_signed_in_moderator_gets_the_translated_503(
    outage: tuple[Flask, Callable[[], None]], lang: str
) -> None:
    app, go_down = outage
    moderator = _signed_in(app)
    go_down()
    _is_our_503(moderator.get(f"/{lang}/"), lang)
    _is_our_503(moderator.get("/moderate/queue", headers={"Accept-Language": lang}), lang)


def test_the_csv_of_supporters_is_a_503_before_it_starts(
    outage: tuple[Flask, Callable[[], None]],
) -> None:
    app, go_down = outage
    make_endorsement(app, State.APPROVED)
    moderator = _signed_in(app)
    anyone = app.test_client()
    assert anyone.get("/supporters.csv").status_code == 200
    go_down()
    for client in (anyone, moderator):
        response = client.get("/supporters.csv", headers={"Accept-Language": "fr"})
        _is_our_503(response, "fr")
        assert response.mimetype == "text/html"


def test_a_refused_sign_up_carries_our_retry_after(
    outage: tuple[Flask, Callable[[], None]],
) -> None:
    app, go_down = outage
    client = app.test_client()
    token = csrf_token(client, "/en/sign")
    go_down()
    _is_our_503(client.post("/en/sign", data={"csrf_token": token, **VALID_SIGNATURE}))
