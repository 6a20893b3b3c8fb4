"""Defaults and ``ENDORSE_*`` environment variables, validated before the app starts."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

from .errors import ConfigError

LANGUAGES = ("en", "fr", "nl")

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": [],
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "MAIL_URL": "console:",
    "MAIL_FROM": "You don't lock up a child <noreply@localhost>",
    "BASE_URL": "http://127.0.0.1:5000",
    "VERIFY_MAX_AGE": 7 * 24 * 3600,  # seconds a confirmation link stays valid
    "INVITE_MAX_AGE": 3 * 24 * 3600,  # seconds a moderator's set-password link stays valid
    "MANAGE_MAX_AGE": 2 * 24 * 3600,  # seconds a signer's manage link stays valid
    "CLAIM_MAX_AGE": 30 * 24 * 3600,  # the manage link mailed to an imported supporter
    "IMPORT_MAX_BYTES": 5 * 1024 * 1024,  # a CSV file of supporters uploaded in the console
    "IMPORT_UPLOAD_MAX_AGE": 3600,  # seconds an uploaded file waits for its import
    "PURGE_UNVERIFIED_DAYS": 30,  # unconfirmed signatures are deleted after this
    "PURGE_CLOSED_DAYS": 365,  # contact data of rejected or withdrawn ones is erased after this
    "TRUSTED_PROXIES": 0,  # how many proxies in front set X-Forwarded-For/-Proto
    "SIGN_LIMIT": "20 per hour",  # sign-ups from one address
    "RESEND_LIMIT": "10 per hour",  # new-link and manage-link requests from one address
    "API_LIMIT": "300 per minute",  # API and open data requests from one address
    "MODERATOR_IDLE_MINUTES": 30,  # a console session ends after this long without a request
    "RATELIMIT_STORAGE_URL": "memory://",  # redis://host:6379 to share limits between servers
    # Failed sign-ins with one address (in the database, see moderation/lockout.py): this many
    # pass, then the next attempt waits, doubling with each failure up to the most.
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_DELAY_SECONDS": 60,
    "LOGIN_MAX_DELAY_SECONDS": 15 * 60,
    "LOGIN_LIMIT_PER_IP": "20 per 15 minutes",  # failed sign-ins from one network address
    "PASSWORD_HASH_METHOD": "scrypt:32768:8:1",  # werkzeug's method: scrypt:N:r:p or pbkdf2
    "MAILS_PER_KIND": 5,  # at most this many mails of one kind to one endorsement
    "MAIL_SEND_AFTER_RESPONSE": True,  # False: requests only queue; mail workers deliver
    "MAIL_MAX_ATTEMPTS": 8,
    "MAIL_BACKOFF_SECONDS": 30,  # first retry delay; doubles with each attempt
    "MAIL_LEASE_SECONDS": 300,  # a claimed mail returns to the queue after this
    "MAIL_TIMEOUT_SECONDS": 20,
    "TIMEZONE": "Europe/Brussels",  # the campaign's clock: the digest's hour, console times
    "DIGEST_HOUR": 8,  # from this hour on, each moderator gets the day's digest (0-23)
    "EMAIL_CHECK_DELIVERABILITY": False,  # DNS look-ups on sign-up; needs network
    "CONSENT_VERSION": "2026-11-28",  # bump when the consent text changes
    "SQLITE_BUSY_TIMEOUT": 30,  # seconds a writer waits for the SQLite lock
    # PostgreSQL, on the client's side: a server that stops answering costs a visitor a 503
    # within seconds, not a worker killed by gunicorn's timeout and a 500.
    "DATABASE_CONNECT_TIMEOUT": 5,  # seconds to connect (psycopg counts at least 2)
    "DATABASE_STATEMENT_TIMEOUT": 5,  # seconds one statement of a web request may take (0: none)
    "PER_PAGE": 50,  # rows on a page: the supporters, the API, the console's lists
    "COUNT_POLL_SECONDS": 15,  # how often open pages ask for the live count
    "COUNT_CACHE_SECONDS": 1,  # how long a worker reuses the counts it read (0: never)
    # Shared caches (a proxy, a CDN) and browsers keep a public page this long, then may serve
    # it stale while they fetch a fresh copy: a change reaches every visitor within the sum.
    "PAGE_FRESH_SECONDS": 10,
    "PAGE_STALE_SECONDS": 20,
    "COUNT_FRESH_SECONDS": 5,  # the live count: within 15 s
    "COUNT_STALE_SECONDS": 10,
    "STALE_IF_ERROR_SECONDS": 86400,  # while we are down, a cache may serve what it has
    "FORM_TOKEN_MAX_AGE": 3 * 24 * 3600,  # a public form's signed token (for old browsers)
    # Where people write to the campaign: shown wherever the site says "write to us", and the
    # Reply-To of every mail. Required in production; debug and tests get DEMO_CONTACT_EMAIL.
    "CONTACT_EMAIL": None,
    "DOSSIER_MAX_BYTES": 20 * 1024 * 1024,
    "LOGO_MAX_BYTES": 2 * 1024 * 1024,
    "MAX_CONTENT_LENGTH": 1024 * 1024,  # bytes in one request body; uploads get more
    "MAX_FORM_MEMORY_SIZE": 64 * 1024,  # bytes of one text field
    "BABEL_DEFAULT_LOCALE": "en",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": None,  # None: Secure when ENDORSE_BASE_URL is https
    # Host names requests may carry besides ENDORSE_BASE_URL's (comma-separated; ".example.org"
    # for any subdomain); any other Host is refused, so no redirect can point elsewhere.
    "TRUSTED_HOSTS": [],
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session cookie
}

_POSITIVE_INTS = (
    "VERIFY_MAX_AGE",
    "INVITE_MAX_AGE",
    "MANAGE_MAX_AGE",
    "CLAIM_MAX_AGE",
    "IMPORT_MAX_BYTES",
    "IMPORT_UPLOAD_MAX_AGE",
    "PURGE_UNVERIFIED_DAYS",
    "PURGE_CLOSED_DAYS",
    "MODERATOR_IDLE_MINUTES",
    "MAILS_PER_KIND",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_BACKOFF_SECONDS",
    "MAIL_LEASE_SECONDS",
    "MAIL_TIMEOUT_SECONDS",
    "SQLITE_BUSY_TIMEOUT",
    "DATABASE_CONNECT_TIMEOUT",
    "PER_PAGE",
    "DOSSIER_MAX_BYTES",
    "LOGO_MAX_BYTES",
    "COUNT_POLL_SECONDS",
    "PAGE_FRESH_SECONDS",
    "COUNT_FRESH_SECONDS",
    "FORM_TOKEN_MAX_AGE",
    "LOGIN_FREE_FAILURES",
    "LOGIN_DELAY_SECONDS",
    "LOGIN_MAX_DELAY_SECONDS",
)
#: Settings that are gone, and what replaced them: setting one would otherwise do nothing.
_REPLACED = {
    "LOGIN_LIMIT_PER_ACCOUNT": "ENDORSE_LOGIN_FREE_FAILURES, ENDORSE_LOGIN_DELAY_SECONDS and "
    "ENDORSE_LOGIN_MAX_DELAY_SECONDS (a growing delay per address, kept in the database)",
}
SECRET_KEYS = ("SECRET_KEY", "SECRET_KEY_FALLBACKS")
URL_KEYS = (
    "DATABASE_URL",
    "SQLALCHEMY_DATABASE_URI",
    "MAIL_URL",
    "RATELIMIT_STORAGE_URL",
    "RATELIMIT_STORAGE_URI",
)
_PASSWORD_IN_URL = re.compile(r"(?<=://)([^:/@]*):([^@]*)@")
DEMO_CONTACT_EMAIL = "write-to-the-campaign@example.invalid"  # clearly not an inbox
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")
_WEAK_KEYS = {"", "dev", "secret", "change-me", "changeme"}
_MIN_KEY_LENGTH = 24


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, the environment and overrides, then check it."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("ENDORSE")
    if overrides:
        app.config.from_mapping(overrides)
    _settle(app)


def _settle(app: Flask) -> None:
    cfg = app.config
    production = not (app.debug or app.testing)
    cfg["SECRET_KEY"] = _secret_key(app, production)
    cfg["SECRET_KEY_FALLBACKS"] = _as_list(cfg["SECRET_KEY_FALLBACKS"])
    cfg["CONTACT_EMAIL"] = _contact_email(cfg["CONTACT_EMAIL"], production)

    url = cfg["DATABASE_URL"] or f"sqlite:///{Path(app.instance_path) / 'endorse.sqlite'}"
    cfg["SQLALCHEMY_DATABASE_URI"] = _driver_url(url)

    cfg["RATELIMIT_STORAGE_URI"] = cfg["RATELIMIT_STORAGE_URL"]
    for key in (
        "TRUSTED_PROXIES",
        "COUNT_CACHE_SECONDS",
        "PAGE_STALE_SECONDS",
        "COUNT_STALE_SECONDS",
        "STALE_IF_ERROR_SECONDS",
        "DATABASE_STATEMENT_TIMEOUT",
    ):
        cfg[key] = _non_negative_int(key, cfg[key])
    cfg.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    for key in _POSITIVE_INTS:
        cfg[key] = _positive_int(key, cfg[key])
    for key, replacement in _REPLACED.items():
        if key in cfg:
            raise ConfigError(f"ENDORSE_{key} is no longer used: set {replacement}")
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(cfg["SQLALCHEMY_DATABASE_URI"], cfg)
    if cfg["LOGIN_DELAY_SECONDS"] > cfg["LOGIN_MAX_DELAY_SECONDS"]:
        raise ConfigError("ENDORSE_LOGIN_DELAY_SECONDS cannot be more than its maximum")

    base = urlsplit(str(cfg["BASE_URL"]))
    if base.scheme not in ("http", "https") or not base.netloc:
        raise ConfigError(f"ENDORSE_BASE_URL must be an http(s) URL, not {cfg['BASE_URL']!r}")
    cfg["BASE_URL"] = str(cfg["BASE_URL"]).rstrip("/")
    if cfg["SESSION_COOKIE_SECURE"] is None:
        # Over https the console's cookie never travels in clear; over plain http (a LAN,
        # development) a Secure cookie would never come back and no one could sign in.
        cfg["SESSION_COOKIE_SECURE"] = base.scheme == "https"
    hosts = [
        base.hostname or "",
        *_as_list(cfg["TRUSTED_HOSTS"]),
        *(["localhost", "127.0.0.1"] if not production else []),
    ]
    cfg["ALLOWED_HOSTS"] = list(dict.fromkeys(hosts))  # each once, the base URL's first
    # Flask would check its TRUSTED_HOSTS on every Host it reads, a load balancer's probe of
    # /healthz by address too: production.TrustedHosts checks ALLOWED_HOSTS instead.
    cfg["TRUSTED_HOSTS"] = None

    cfg["TIMEZONE"] = _time_zone(cfg["TIMEZONE"])

    if not str(cfg["PASSWORD_HASH_METHOD"]).startswith(("scrypt:", "pbkdf2:")):
        raise ConfigError("ENDORSE_PASSWORD_HASH_METHOD must be scrypt:N:r:p or pbkdf2:sha256:N")

    cfg["DIGEST_HOUR"] = _non_negative_int("DIGEST_HOUR", cfg["DIGEST_HOUR"])
    if cfg["DIGEST_HOUR"] > 23:
        raise ConfigError("ENDORSE_DIGEST_HOUR must be an hour from 0 to 23")

    mail = urlsplit(str(cfg["MAIL_URL"]))
    if mail.scheme not in ("console", "smtp", "smtps"):
        raise ConfigError("ENDORSE_MAIL_URL must start with console:, smtp:// or smtps://")


def _secret_key(app: Flask, production: bool) -> str:
    key = app.config["SECRET_KEY"]
    if key and str(key) not in _WEAK_KEYS and len(str(key)) >= _MIN_KEY_LENGTH:
        return str(key)
    if production:
        raise ConfigError(
            "ENDORSE_SECRET_KEY must be set to a random value of at least "
            f"{_MIN_KEY_LENGTH} characters, e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'"
        )
    # Debug and tests: a key kept in the instance folder, so links survive a restart.
    path = Path(app.instance_path) / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _contact_email(value: Any, production: bool) -> str:
    address = str(value or "").strip()
    if not address and not production:
        return DEMO_CONTACT_EMAIL
    if not _EMAIL.fullmatch(address):
        raise ConfigError(
            "ENDORSE_CONTACT_EMAIL must be set to the address where people write to the "
            "campaign (shown on the site, and the Reply-To of every mail), e.g. "
            f"contact@your-campaign.be, not {address!r}"
        )
    return address


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value]


def _positive_int(key: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise ConfigError(f"ENDORSE_{key} must be a positive whole number, not {value!r}")
    return number


def _non_negative_int(key: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ConfigError(f"ENDORSE_{key} must be a whole number, 0 or more, not {value!r}")
    return number


def _time_zone(value: Any) -> str:
    """A name the tz database knows (``Europe/Brussels``): a typo would shift every time shown."""
    name = str(value or "").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(
            f"ENDORSE_TIMEZONE must be a time zone name like Europe/Brussels, not {value!r}"
        ) from None
    return name


def _driver_url(url: str) -> str:
    """Let ``postgresql://`` URLs use psycopg 3, the driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _engine_options(url: str, cfg: Any) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": cfg["SQLITE_BUSY_TIMEOUT"]}}
    # The statement timeout is set per connection, for web requests only (database.py).
    return {
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": cfg["DATABASE_CONNECT_TIMEOUT"]},
    }


def instance_path() -> str | None:
    """The instance folder, from ``ENDORSE_INSTANCE_PATH`` when set."""
    return os.environ.get("ENDORSE_INSTANCE_PATH") or None


def effective_config(config: dict[str, Any]) -> dict[str, str]:
    """The settings that matter, with secrets masked, for `flask endorse config`."""
    shown: dict[str, str] = {}
    for key in sorted(config):
        if not key.isupper() or key.startswith(("SQLALCHEMY_ENGINE", "BABEL_")):
            continue
        value = config[key]
        if key in SECRET_KEYS:
            shown[key] = "***" if value else "(not set)"
        elif key in URL_KEYS and isinstance(value, str):
            shown[key] = _PASSWORD_IN_URL.sub(r"\1:***@", value)
        else:
            shown[key] = repr(value)
    return shown
