"""Production behaviour: health, a database that goes away, proxies, limits, configuration."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from endorse import create_app
from endorse.extensions import db
from endorse.models import Endorsement, OutboxMessage

from .helpers import VALID_SIGNATURE, TcpProxy, csrf_token, sign, submit


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response.headers["Cache-Control"]


def test_an_unreachable_sqlite_database_is_a_kind_503(app_factory: Any, tmp_path: Any) -> None:
    app = app_factory(DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/endorse.sqlite")
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["database"] == "unreachable"
    page = client.get("/fr/")
    assert page.status_code == 503
    body = page.get_data(as_text=True)
    assert "Traceback" not in body
    assert "OperationalError" not in body
    assert page.headers["Retry-After"] == "30"
    assert '<html lang="fr">' in body


def test_the_database_going_away_and_coming_back(
    app_factory: Any, database_url: str, tmp_path: Any
) -> None:
    """PostgreSQL: the server dies behind a proxy we cut. SQLite: its volume is not there yet."""
    if database_url.startswith("postgresql"):
        _postgresql_outage(app_factory, database_url)
    else:
        _sqlite_outage(app_factory, tmp_path)


def _postgresql_outage(app_factory: Any, database_url: str) -> None:
    parts = urlsplit(database_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    proxy.start()
    netloc = parts.netloc.replace(f":{parts.port}", "") if parts.port else parts.netloc
    via_proxy = urlunsplit(parts._replace(netloc=f"{netloc}:{proxy.port}"))
    app = app_factory(DATABASE_URL=via_proxy)
    client = app.test_client()
    try:
        assert client.get("/healthz").status_code == 200
        token = csrf_token(client, "/en/sign")

        proxy.stop()  # the database server dies
        assert client.get("/healthz").status_code == 503
        down = client.post("/en/sign", data={"csrf_token": token, **VALID_SIGNATURE})
        assert down.status_code == 503
        assert "briefly unavailable" in down.get_data(as_text=True)
        assert "Traceback" not in down.get_data(as_text=True)

        proxy.start()  # and comes back
        assert client.get("/healthz").status_code == 200
        _nothing_half_written(app)
        assert sign(client).status_code == 303
    finally:
        proxy.stop()


def _sqlite_outage(app_factory: Any, tmp_path: Any) -> None:
    import flask_migrate

    volume = tmp_path / "volume"
    app = app_factory(DATABASE_URL=f"sqlite:///{volume}/endorse.sqlite")
    client = app.test_client()
    token = csrf_token(client, "/en/sign")
    assert client.get("/healthz").status_code == 503
    down = client.post("/en/sign", data={"csrf_token": token, **VALID_SIGNATURE})
    assert down.status_code == 503
    assert "Traceback" not in down.get_data(as_text=True)

    volume.mkdir()  # the volume is mounted
    with app.app_context():
        flask_migrate.upgrade()
    assert client.get("/healthz").status_code == 200
    _nothing_half_written(app)
    assert sign(client).status_code == 303


def _nothing_half_written(app: Flask) -> None:
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Endorsement)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_sign_ups_are_rate_limited_per_address(app_factory: Any) -> None:
    app = app_factory(SIGN_LIMIT="3 per hour")
    client = app.test_client()
    for index in range(3):
        assert sign(client, contact_email=f"s{index}@limit.example").status_code == 303
    limited = sign(client, contact_email="s9@limit.example")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert "Please wait" in limited.get_data(as_text=True)
    french = app.test_client()
    assert sign(french, lang="fr").status_code == 429
    assert client.get("/en/sign").status_code == 200  # reading the form is not limited


def test_another_app_in_the_process_keeps_its_own_counters(app_factory: Any) -> None:
    """A second app (a test's, the CLI's) binding the shared limiter resets nobody's count."""
    app = app_factory(SIGN_LIMIT="2 per hour")
    client = app.test_client()
    for index in range(2):
        assert sign(client, contact_email=f"s{index}@limit.example").status_code == 303
    other = app_factory(SIGN_LIMIT="2 per hour")
    assert sign(client, contact_email="s8@limit.example").status_code == 429
    assert sign(other.test_client(), contact_email="s9@limit.example").status_code == 303


def test_new_link_requests_are_rate_limited(app_factory: Any) -> None:
    app = app_factory(RESEND_LIMIT="2 per hour")
    client = app.test_client()
    for _ in range(2):
        assert submit(client, "/en/new-link", {"contact_email": "a@b.example"}).status_code == 303
    assert submit(client, "/en/new-link", {"contact_email": "a@b.example"}).status_code == 429
    assert submit(client, "/en/manage", {"contact_email": "a@b.example"}).status_code == 429


def test_the_api_is_rate_limited_with_a_json_429(app_factory: Any) -> None:
    app = app_factory(API_LIMIT="5 per minute")
    client = app.test_client()
    for _ in range(5):
        assert client.get("/api/v1/supporters").status_code == 200
    limited = client.get("/api/v1/supporters")
    assert limited.status_code == 429
    assert limited.get_json()["error"]
    assert "Retry-After" in limited.headers
    assert client.get("/healthz").status_code == 200


def test_the_count_is_never_rate_limited(app_factory: Any) -> None:
    """Every open page and partner badge polls it; it is served from memory."""
    app = app_factory(API_LIMIT="2 per minute")
    client = app.test_client()
    assert [client.get("/api/v1/count").status_code for _ in range(20)] == [200] * 20
    assert [client.get("/api/v1/supporters").status_code for _ in range(3)] == [200, 200, 429]


def test_forwarded_addresses_count_only_behind_trusted_proxies(app_factory: Any) -> None:
    trusting = app_factory(SIGN_LIMIT="1 per hour", TRUSTED_PROXIES=1)
    client = trusting.test_client()
    first = {"X-Forwarded-For": "203.0.113.7"}
    second = {"X-Forwarded-For": "203.0.113.8"}
    token = csrf_token(client, "/en/sign")
    data = {"csrf_token": token, **VALID_SIGNATURE}
    assert client.post("/en/sign", data=data, headers=first).status_code == 303
    assert client.post("/en/sign", data=data, headers=first).status_code == 429
    assert client.post("/en/sign", data=data, headers=second).status_code == 303

    direct = app_factory(SIGN_LIMIT="1 per hour", TRUSTED_PROXIES=0).test_client()
    token = csrf_token(direct, "/en/sign")
    data = {"csrf_token": token, **VALID_SIGNATURE}
    assert direct.post("/en/sign", data=data, headers=first).status_code == 303
    # Without a trusted proxy, a forged header does not buy a fresh limit.
    assert direct.post("/en/sign", data=data, headers=second).status_code == 429


def test_https_behind_a_proxy_gets_hsts(app_factory: Any) -> None:
    client = app_factory(TRUSTED_PROXIES=1).test_client()
    secure = client.get("/en/", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/en/").headers


def test_the_config_command_masks_secrets(app_factory: Any) -> None:
    app = app_factory(
        MAIL_URL="smtp://mailer:hunter2-password@mail.example:587?starttls=1",
        RATELIMIT_STORAGE_URL="redis://:redis-secret@127.0.0.1:6379",
    )
    output = app.test_cli_runner().invoke(args=["endorse", "config"]).output
    assert "SECRET_KEY = ***" in output
    assert "test-secret-key-that-is-long-enough" not in output
    assert "hunter2-password" not in output
    assert "redis-secret" not in output
    assert "MAIL_URL = smtp://mailer:***@mail.example:587?starttls=1" in output
    assert "SIGN_LIMIT" in output


def test_bad_proxy_setting_is_named(tmp_path: Any) -> None:
    from endorse import create_app
    from endorse.errors import ConfigError

    with pytest.raises(ConfigError, match="ENDORSE_TRUSTED_PROXIES"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "TRUSTED_PROXIES": "x"})


def test_production_cookies_are_secure(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from endorse import create_app

    monkeypatch.setenv("ENDORSE_SECRET_KEY", "p" * 40)
    monkeypatch.setenv("ENDORSE_BASE_URL", "https://endorse.example.org")
    app: Flask = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def _production(tmp_path: Any, **settings: Any) -> Flask:
    """An app as it runs in production (not testing, not debug)."""
    return create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "a-production-secret-key-long-enough",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hosts.sqlite'}",
            **settings,
        }
    )


def test_no_redirect_follows_a_forged_host(tmp_path: Any) -> None:
    client = _production(tmp_path, BASE_URL="https://endorse.example.org").test_client()
    forged = client.get("/en", headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert "evil.example" not in forged.headers.get("Location", "")
    ours = client.get("/en", headers={"Host": "endorse.example.org"})
    assert ours.status_code == 308
    assert urlsplit(ours.headers["Location"]).netloc in ("", "endorse.example.org")


def test_more_hosts_can_be_trusted_and_a_probe_by_address_still_works(tmp_path: Any) -> None:
    client = _production(
        tmp_path, BASE_URL="https://endorse.example.org", TRUSTED_HOSTS="www.endorse.example.org"
    ).test_client()
    assert client.get("/robots.txt", headers={"Host": "www.endorse.example.org"}).status_code == 200
    assert client.get("/robots.txt", headers={"Host": "10.0.0.7"}).status_code == 400
    probe = client.get("/healthz", headers={"Host": "10.0.0.7:8000"})
    assert probe.status_code in (200, 503)  # answered, whatever the database says


@pytest.mark.parametrize(
    ("base_url", "override", "secure"),
    [
        ("https://endorse.example.org", None, True),
        ("http://endorse.lan", None, False),  # plain http on a LAN must still let people sign in
        ("http://endorse.lan", True, True),
        ("https://endorse.example.org", False, False),
    ],
)
def test_the_session_cookie_is_secure_when_the_site_is_https(
    tmp_path: Any, base_url: str, override: bool | None, secure: bool
) -> None:
    settings: dict[str, Any] = {"BASE_URL": base_url}
    if override is not None:
        settings["SESSION_COOKIE_SECURE"] = override
    assert _production(tmp_path, **settings).config["SESSION_COOKIE_SECURE"] is secure
