"""The reference deployment in deploy/, run as shipped: nginx (its site file, rendered only
with this machine's ports and paths by bench/proxy.py, which the benchmark shares) in front
of gunicorn (its config file). The cache carries the public pages, never a personal one,
and the access log never holds a token."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from bench import proxy
from endorse import operations
from endorse.extensions import db
from endorse.models import Endorsement, State
from endorse.tokens import Purpose, make_token

from .cluster import ROOT, Gunicorn, Managed, app_env, browser
from .conftest import need
from .helpers import CSRF, PASSWORD, VALID_SIGNATURE, free_port, make_endorsement, make_user

pytestmark = [pytest.mark.system, pytest.mark.real_commits]

DEPLOY = ROOT / "deploy"
#: Short, so a change shows within the test: fresh for 3 s, then 1 s stale while it updates.
FRESHNESS = {"PAGE_FRESH_SECONDS": 3, "PAGE_STALE_SECONDS": 1}
#: A change reaches every visitor within this many seconds, and a margin for a busy machine.
WITHIN = FRESHNESS["PAGE_FRESH_SECONDS"] + FRESHNESS["PAGE_STALE_SECONDS"] + 3


class DeployedGunicorn(Gunicorn):
    """gunicorn started with deploy/gunicorn.conf.py, as the systemd unit starts it."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.port = 0
        self.url = ""
        config = str(DEPLOY / "gunicorn.conf.py")
        args = [sys.executable, "-m", "gunicorn", "-c", config]
        Managed.__init__(self, name, args, {**env, "ENDORSE_BIND": "127.0.0.1:0"}, log_dir)


class Nginx(Managed):
    """nginx as an ordinary user: its own prefix, config, pid, logs and temp paths."""

    def __init__(self, upstream_port: int, place: Path) -> None:
        place.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = place / "access.log"
        site = place / "site.conf"
        site.write_text(proxy.render_site(upstream_port, self.port, place))
        main = place / "nginx.conf"
        main.write_text(proxy.main_config(place, site))
        super().__init__("nginx", proxy.nginx_args(place, main), dict(os.environ), place)

    def wait_ready(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"nginx exited:\n{self.output[-4000:]}")
        proxy.wait_listening(self.port)


@dataclass
class Deployment:
    url: str  # nginx
    app_url: str  # gunicorn, behind it
    access_log: Path


@contextmanager
def deployed(database_url: str, tmp_path: Path, **settings: Any) -> Iterator[Deployment]:
    need(Path(proxy.NGINX).exists(), "Debian's nginx", "apt-get install nginx (.ci/run does)")
    env = app_env(database_url, tmp_path / "instance", **settings)
    with ExitStack() as stack:
        app_server = stack.enter_context(DeployedGunicorn("gunicorn", env, tmp_path / "logs"))
        app_server.wait_healthy()
        front = stack.enter_context(Nginx(app_server.port, tmp_path / "nginx"))
        front.wait_ready()
        yield Deployment(front.url, app_server.url, front.access_log)


def _get(session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    response = session.get(url, timeout=30, allow_redirects=False, **kwargs)
    response.close()
    return response


def _status(response: requests.Response) -> str:
    return response.headers.get("X-Cache-Status", "")


def _token(app: Flask, purpose: Purpose, endorsement_id: int) -> str:
    with app.app_context():
        entry = db.session.get(Endorsement, endorsement_id)
        assert entry is not None
        return make_token(purpose, endorsement_id, entry.token_nonce)


def test_nginx_caches_public_pages_and_nothing_personal(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    pending = make_endorsement(
        app, State.VERIFIED, name="Pending Org Zephyr", contact_email="zephyr@pending.example"
    )
    mine = make_endorsement(
        app, State.APPROVED, name="Mine Org Quokka", contact_email="private-quokka@mine.example"
    )
    make_user(app, "mod@campaign.example")
    manage_token = _token(app, Purpose.MANAGE, mine)
    with deployed(database_url, tmp_path, TRUSTED_PROXIES=1, **FRESHNESS) as site:
        visitor = requests.Session()

        # A public page: fetched once from the app, then served from the cache.
        first = _get(visitor, f"{site.url}/en/supporters")
        second = _get(visitor, f"{site.url}/en/supporters")
        assert first.status_code == second.status_code == 200
        assert _status(first) in ("MISS", "EXPIRED")
        assert _status(second) == "HIT"
        assert "s-maxage=3" in second.headers["Cache-Control"]
        assert "Pending Org Zephyr" not in second.text
        assert second.headers["Content-Encoding"] == "gzip"  # requests asks for it
        plain = _get(visitor, f"{site.url}/en/supporters", headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers
        assert _status(plain) == "HIT"  # one copy in the cache, zipped as it goes out

        # An approval shows through the cache within fresh + stale seconds (and a margin).
        with app.app_context():
            operations.approve(pending, operations.SYSTEM)
        approved_at = time.monotonic()
        while "Pending Org Zephyr" not in _get(visitor, f"{site.url}/en/supporters").text:
            assert time.monotonic() - approved_at < WITHIN, "the approval never showed"
            time.sleep(0.2)

        # The signer's manage page: never kept, every request reaches the app.
        for _ in range(3):
            page = _get(visitor, f"{site.url}/en/manage/{manage_token}")
            assert page.status_code == 200
            assert "private-quokka@mine.example" in page.text
            assert _status(page) in ("MISS", "BYPASS")
            assert "no-store" in page.headers["Cache-Control"]
        stranger = _get(requests.Session(), f"{site.url}/en/manage/not-a-token")
        assert "private-quokka" not in stranger.text

        # A moderator's pages: never kept, with or without the session cookie.
        with browser() as moderator:
            login_page = _get(moderator, f"{site.url}/moderate/login")
            assert _status(login_page) in ("MISS", "BYPASS")
            token = CSRF.search(login_page.text)
            assert token is not None
            signed_in = moderator.post(
                f"{site.url}/moderate/login",
                data={"csrf_token": token.group(1), "email": "mod@campaign.example"}
                | {"password": PASSWORD},
                allow_redirects=False,
                timeout=30,
            )
            assert signed_in.status_code == 302, signed_in.text[:500]
            for _ in range(3):
                console = _get(moderator, f"{site.url}/moderate/")
                assert console.status_code == 200
                assert _status(console) == "BYPASS"  # the session cookie goes around the cache
                assert "no-store" in console.headers["Cache-Control"]
            # A moderator reading a public page neither gets nor leaves a cached copy.
            assert _status(_get(moderator, f"{site.url}/en/supporters")) == "BYPASS"
        assert _status(_get(visitor, f"{site.url}/moderate/")) in ("MISS", "BYPASS")

        # One visitor's outcome is never served to another.
        _a_visitors_outcome_stays_theirs(site.url)

        # A link from a mail, and a page it led to: no token in the access log.
        confirm_token = _token(app, Purpose.CONFIRM, pending)
        _get(visitor, f"{site.url}/fr/confirm/{confirm_token}")
        _get(
            visitor,
            f"{site.url}/static/style.css",
            headers={"Referer": f"{site.url}/en/manage/{manage_token}/edit?done=1"},
        )
    log = site.access_log.read_text()
    assert "/en/manage/- " in log  # the request is there, its token is not
    assert "/fr/confirm/- " in log
    assert "/manage/-/edit" in log  # the Referer, without its token and query
    for secret in (manage_token, confirm_token, manage_token[:20], confirm_token[:20]):
        assert secret not in log


def _a_visitors_outcome_stays_theirs(url: str) -> None:
    with requests.Session() as first, requests.Session() as second:
        form = _get(first, f"{url}/en/sign")
        token = CSRF.search(form.text)
        assert token is not None
        fields = {**VALID_SIGNATURE, "name": "Visitor A Secret Org"}
        refused = first.post(
            f"{url}/en/sign",
            data={"csrf_token": token.group(1), **fields, "contact_email": "not-an-address"},
            timeout=30,
        )
        assert refused.status_code == 400
        assert "Visitor A Secret Org" in refused.text  # A sees their own input again...
        for _ in range(2):
            other = _get(second, f"{url}/en/sign")
            assert "Visitor A Secret Org" not in other.text  # ...B never does
        signed = first.post(
            f"{url}/en/sign",
            data={"csrf_token": token.group(1), **fields, "contact_email": "a@visitor-a.example"},
            allow_redirects=False,
            timeout=30,
        )
        assert signed.status_code == 303
        inbox = first.get(url + re.sub(r"^https?://[^/]+", "", signed.headers["Location"]))
        assert inbox.status_code == 200
        for _ in range(2):
            seen = _get(second, inbox.url)
            assert "visitor-a.example" not in seen.text
            assert "Visitor A Secret Org" not in seen.text


def test_gunicorn_trusts_forwarded_headers_only_when_the_app_does(
    database_url: str, tmp_path: Path
) -> None:
    """With no proxy in front, X-Forwarded-Proto from anyone (loopback too) is ignored."""
    https = {"X-Forwarded-Proto": "https"}
    for proxies, trusted in ((0, False), (1, True)):
        env = app_env(database_url, tmp_path / "instance", TRUSTED_PROXIES=proxies)
        with DeployedGunicorn(f"gunicorn-{proxies}", env, tmp_path / "logs") as server:
            server.wait_healthy()
            page = requests.get(f"{server.url}/en/", headers=https, timeout=30)
        assert page.status_code == 200
        assert ("Strict-Transport-Security" in page.headers) is trusted, proxies
