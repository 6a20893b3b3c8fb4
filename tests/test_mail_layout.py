"""Every HTML mail in the campaign's layout: its logo (alt text for blocked images), one real
button for the one action, a footer saying why and where to write; the text part keeps the
link. Admins preview each mail in each language."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from endorse.config import LANGUAGES
from endorse.extensions import db
from endorse.mail import messages
from endorse.models import Endorsement, MailKind, RejectReason, State, User
from endorse.moderation.mail_previews import KINDS

from .conftest import CONTACT_EMAIL
from .helpers import Mailbox, html_of, link_in, make_endorsement, make_user, sign, text_of

LOGO = "http://endorse.test/brand/logo.png"
HEADER = re.compile(
    r'alt=""[^>]*></td>\s*<td class="mail-accent"[^>]*>'
    r"(You don(?:'|&#39;)t lock up a child\. Period\."
    r"|On n(?:'|&#39;)enferme pas un enfant\. Point\."
    r"|Een kind sluit je niet op\. Punt\.)</td>"
)


class _Elements(HTMLParser):
    """Each start tag with its attributes, and the text inside the footer."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _parsed(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def _drafts(app: Flask) -> dict[str, tuple[messages.Draft, str | None]]:
    """Every mail the site sends, built for real rows, with the link it carries (if any)."""
    entry_id = make_endorsement(app, State.VERIFIED, language="nl")
    user_id = make_user(app, "mod@campaign.example")
    with app.app_context():
        entry = db.session.get_one(Endorsement, entry_id)
        user = db.session.get_one(User, user_id)
        waiting = messages.Waiting(endorsements=2, corrections=1, oldest_day=date(2026, 3, 1))
        return {
            "confirm": (messages.confirmation(entry), "/nl/confirm/"),
            "already_confirmed": (messages.already_confirmed(entry), "/nl/supporters"),
            "manage": (messages.manage(entry), "/nl/manage/"),
            "correction_accepted": (messages.correction_accepted(entry), "/nl/supporters"),
            "invite": (messages.invite(user, "fr"), "/moderate/welcome/"),
            "digest": (messages.digest(user, "en", waiting), "/moderate/queue"),
            "rejected": (messages.rejected(entry, RejectReason.SPAM, "A note"), None),
            "correction_refused": (messages.correction_refused(entry), None),
            "claim": (messages.claim(entry), "/nl/manage/"),
        }


def test_every_mail_has_the_layout_one_button_and_a_footer(app: Flask) -> None:
    drafts = _drafts(app)
    assert set(drafts) == set(KINDS)  # the previews show every mail there is
    assert set(KINDS) == {kind.value for kind in MailKind}  # ... every kind the outbox sends
    for name, (draft, path) in drafts.items():
        page = _parsed(draft.html)
        [logo] = [attrs for tag, attrs in page.tags if tag == "img"]
        assert logo["src"] == LOGO, name
        # The campaign's name is text beside the logo: it reads with images blocked, and the
        # logo is then decorative (an alt repeating the name would be read twice).
        assert logo["alt"] == "", name
        assert HEADER.search(draft.html), name
        buttons = [a for tag, a in page.tags if tag == "a" and a.get("class") == "mail-button"]
        contact = [
            a for tag, a in page.tags if tag == "a" and a["href"] == f"mailto:{CONTACT_EMAIL}"
        ]
        assert len(contact) == 1, name
        assert f">{CONTACT_EMAIL}</a>" in draft.html, name
        # Layout by tables and inline styles; the only style sheet is the dark-mode one.
        assert ("table", {}) not in page.tags
        assert any(tag == "table" and a.get("role") == "presentation" for tag, a in page.tags)
        assert [s for s in page.styles if "prefers-color-scheme: dark" not in s] == [], name
        assert "sans-serif" in draft.html
        assert "serif;" not in draft.html.replace("sans-serif", "")
        if path is None:
            assert buttons == [], name  # nothing to do: no button
            continue
        [button] = buttons
        assert path in button["href"], name
        style = button["style"].replace(" ", "")
        for rule in ("background:#b3001b", "color:#ffffff", "display:inline-block"):
            assert rule in style, (name, rule)
        assert "text-decoration:none" in style, name
        assert button["href"] in draft.text, name  # the text part still carries the link


def test_the_footer_says_why_in_the_mails_language(app: Flask) -> None:
    drafts = _drafts(app)
    assert "U krijgt deze e-mail" in drafts["confirm"][0].html
    assert "Vous recevez cet e-mail" in drafts["invite"][0].html
    assert "You get this mail each day" in drafts["digest"][0].html
    assert "U krijgt deze e-mail één keer" in drafts["claim"][0].html


def test_a_sent_confirmation_has_a_real_button_to_its_link(
    client: FlaskClient, mailbox: Mailbox
) -> None:
    sign(client, lang="fr")
    [mail] = mailbox.wait_for(1)
    link = link_in(mail)
    buttons = [
        a
        for tag, a in _parsed(html_of(mail)).tags
        if tag == "a" and a.get("class") == "mail-button"
    ]
    assert [b["href"] for b in buttons] == [link]
    assert "Confirmer notre soutien" in html_of(mail)
    assert link in text_of(mail)


def _rows(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Endorsement)) or 0,
            db.session.scalar(select(func.count()).select_from(User)) or 0,
        )


def test_admins_preview_every_mail_in_every_language(app: Flask, admin: FlaskClient) -> None:
    before = _rows(app)
    index = admin.get("/moderate/mails")
    assert index.status_code == 200
    for kind in KINDS:
        for lang in LANGUAGES:
            url = f"/moderate/mails/{kind}/{lang}"
            assert url in index.get_data(as_text=True)
            page = admin.get(url)
            assert page.status_code == 200, url
            body = page.get_data(as_text=True)
            assert f'<iframe class="mail-frame" src="{url}/html" sandbox' in body
            assert "Example Youth Network" in body or kind in ("invite", "digest")
            framed = admin.get(f"{url}/html")
            assert framed.status_code == 200, url
            policy = framed.headers["Content-Security-Policy"]
            assert "default-src 'none'" in policy
            assert "sandbox" in policy
            assert "script-src" not in policy
            assert "frame-ancestors 'self'" in policy
            assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
            assert f'<html lang="{lang}">' in framed.get_data(as_text=True)
    assert _rows(app) == before  # sample data, never stored


def test_the_console_links_the_previews_for_admins(admin: FlaskClient) -> None:
    assert 'href="/moderate/mails"' in admin.get("/moderate/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/moderate/mails", "/moderate/mails/confirm/fr"])
def test_moderators_and_visitors_cannot_preview(
    app: Flask, client: FlaskClient, moderator: FlaskClient, url: str
) -> None:
    assert moderator.get(url).status_code == 403
    assert moderator.get(url + "/html").status_code in (403, 404)
    assert 'href="/moderate/mails"' not in moderator.get("/moderate/").get_data(as_text=True)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/moderate/login")


@pytest.mark.parametrize("url", ["/moderate/mails/nothing/fr", "/moderate/mails/confirm/de"])
def test_an_unknown_mail_or_language_is_not_found(admin: FlaskClient, url: str) -> None:
    assert admin.get(url).status_code == 404
    assert admin.get(url + "/html").status_code == 404


def test_sample_links_open_nothing(admin: FlaskClient, client: FlaskClient) -> None:
    body = admin.get("/moderate/mails/confirm/en").get_data(as_text=True)
    found = re.search(r"http://endorse\.test(/en/confirm/[\w.-]+)", body)
    assert found, body
    link = found.group(1)
    assert client.get(link).status_code in (400, 404, 410)
