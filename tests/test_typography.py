"""French typography on the rendered pages (not just in the catalogue): a no-break space
before : ; ? ! and inside « », whatever template, content or catalogue the text comes from."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from endorse import audit, operations
from endorse.content import lists
from endorse.models import Category, Region, State
from endorse.moderation.mail_previews import KINDS

from .helpers import csrf_token, make_endorsement, manage_token
from .test_import_supporters import GOOD

NO_BREAK = "\u00a0\u202f"  # a no-break space, or a narrow one
#: Punctuation after an ordinary space, or glued to the word before it (then followed by a
#: space or the end: "https://" and "20:30" are not prose), and « » without their space.
WRONG = re.compile(
    rf"[ \t\r\n][:;?!»]|[^ \t\r\n{NO_BREAK}][:;?!](?=\s|$)|«[^{NO_BREAK}]|[^{NO_BREAK}]»"
)
PAGES = [
    "/fr/",
    "/fr/supporters",
    "/fr/supporters?q=zzz",
    "/fr/sign",
    "/fr/what-you-can-do",
    "/fr/experts",
    "/fr/testimonies",
    "/fr/more-info",
    "/fr/privacy",
    "/fr/new-link",
    "/fr/manage",
    "/fr/sign/check-your-inbox",
    "/fr/confirmed",
    "/fr/confirm/not-a-token",
    "/embed/count?lang=fr",
    "/fr/manage/sent",
    "/fr/manage/erased",
]
#: Pages a valid manage link opens ("{token}").
MANAGE_PAGES = [
    "/fr/manage/{token}",
    "/fr/manage/{token}/withdraw",
    "/fr/manage/{token}/erase",
    "/fr/manage/{token}?done=cancelled",  # with an outcome's notice
    "/fr/manage/{token}?done=withdrawn",
]


class _Text(HTMLParser):
    """The text a reader sees, and the page's title; not scripts, styles or code to copy."""

    SKIP = frozenset({"script", "style", "textarea", "code"})
    READ = frozenset({"title", "alt", "aria-label", "placeholder"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skipping += tag in self.SKIP
        # What a screen reader or a hover shows is read too, apart from the text around it.
        self.parts.extend(f"\n{value}\n" for name, value in attrs if name in self.READ and value)

    def handle_endtag(self, tag: str) -> None:
        self._skipping -= tag in self.SKIP

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _text(body: str) -> str:
    parser = _Text()
    parser.feed(body)
    # Tags do not break text: "<a>Flandre</a>: 11" reads "Flandre: 11".
    return "".join(parser.parts)


def _faults(text: str) -> list[str]:
    return [text[max(m.start() - 25, 0) : m.end() + 5] for m in WRONG.finditer(text)]


def test_the_check_finds_what_it_looks_for() -> None:
    assert _faults("<p>Flandre: 11</p>")
    assert _faults(_text("<li><a>Flandre</a>: 11</li>"))
    assert _faults("Que faire ?")
    assert _faults("des conditions « humaines »")
    assert not _faults(_text("<li><a>Flandre</a>\u00a0: 11</li> https://a.example 20:30"))
    assert not _faults("Que faire\u202f? des conditions «\u00a0humaines\u00a0».")
    assert _faults(_text('<iframe title="Partie HTML: Sujet"></iframe>'))


@pytest.fixture
def published(app: Flask) -> None:
    for index, region in enumerate([Region.NAMUR, Region.ANTWERP, Region.BRUSSELS]):
        make_endorsement(
            app,
            State.APPROVED,
            name=f"Organisation {index}",
            region=region,
            contact_email=f"{index}@typo.example",
            statement="Nous signons.",
        )


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize("path", PAGES)
def test_french_pages_keep_french_spacing(client: FlaskClient, path: str) -> None:
    body = client.get(path).get_data(as_text=True)
    assert _faults(_text(body)) == []


def test_french_form_errors_keep_french_spacing(client: FlaskClient) -> None:
    response = client.post(
        "/fr/sign",
        data={"form_token": csrf_token(client, "/fr/sign"), "email": "pas-une-adresse"},
        headers={"Origin": "http://endorse.test"},
    )
    assert response.status_code == 400
    text = _text(response.get_data(as_text=True))
    assert "Adresse e-mail\u00a0:" in text
    assert _faults(text) == []


@pytest.mark.parametrize("path", MANAGE_PAGES)
def test_french_manage_pages_keep_french_spacing(
    app: Flask, client: FlaskClient, path: str
) -> None:
    entry_id = make_endorsement(app, State.APPROVED, statement="Nous signons.")
    response = client.get(path.format(token=manage_token(app, entry_id)))
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert "Ligue des familles asbl" in text  # the real page, not the bad-link one
    assert _faults(text) == []


@pytest.fixture
def on_record(app: Flask) -> int:
    """An entry whose trail has a moderator's correction (a change per field) and a state
    change, and an export with its filters in the audit log."""
    entry_id = make_endorsement(app, State.APPROVED, contact_email="trail@typo.example")
    with app.app_context():
        operations.edit(
            entry_id,
            audit.SYSTEM,
            operations.PublicFields(
                name="Ligue des familles", category=Category.NGO, city="Namur", region=Region.LIEGE
            ),
            "typo in the name",
        )
        operations.hide(entry_id, audit.SYSTEM, "checking a complaint")
        operations.record_export(audit.SYSTEM, {"category": "ngo", "state": "approved"})
    return entry_id


def _in_french(client: FlaskClient) -> FlaskClient:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    "path",
    [
        "/moderate/",
        "/moderate/queue",
        "/moderate/endorsements",
        "/moderate/endorsements/{entry}",
        "/moderate/audit",
        "/moderate/account",
    ],
)
def test_french_console_pages_keep_french_spacing(
    moderator: FlaskClient, on_record: int, path: str
) -> None:
    response = _in_french(moderator).get(path.format(entry=on_record))
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    assert "Modération" in text  # the console, in French
    assert _faults(text) == []


def test_french_import_preview_with_errors_keeps_french_spacing(admin: FlaskClient) -> None:
    _in_french(admin)
    upload = admin.post(
        "/moderate/import",
        data={
            "csrf_token": csrf_token(admin, "/moderate/import"),
            "file": (io.BytesIO((GOOD + "Bad,vzw,Gent,Gent,,,,,xx,\n").encode()), "old.csv"),
            "consent_note": "Signé par e-mail",
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303
    preview = admin.get(upload.headers["Location"])
    assert preview.status_code == 422
    text = _text(preview.get_data(as_text=True))
    assert "Erreur" in text  # the error report, in French
    assert _faults(text) == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_french_mails_keep_french_spacing(admin: FlaskClient, kind: str) -> None:
    """Each mail as its preview shows it: the page with the text part, and the HTML part."""
    for path in (f"/moderate/mails/{kind}/fr", f"/moderate/mails/{kind}/fr/html"):
        response = _in_french(admin).get(path)
        assert response.status_code == 200, path
        assert _faults(_text(response.get_data(as_text=True))) == [], path


def test_french_content_editors_keep_french_spacing(app: Flask, admin: FlaskClient) -> None:
    """An item's editor is headed "list: item", and a refused brand image names its image."""
    _in_french(admin)
    with app.app_context():
        key = lists.items("faq", "fr")[0]["key"]
    editor = admin.get(f"/moderate/content/lists/faq/fr/{key}")
    assert editor.status_code == 200
    text = _text(editor.get_data(as_text=True))
    assert "Questions et réponses\u00a0: " in text
    assert _faults(text) == []
    refused = admin.post(
        "/moderate/content/brand/favicon",
        data={
            "csrf_token": csrf_token(admin, "/moderate/content"),
            "file": (io.BytesIO(b"GIF89a not really"), "x.gif"),
        },
    )
    assert refused.status_code == 400
    text = _text(refused.get_data(as_text=True))
    # (The page behind it lists the English and Dutch pages' titles: only the message counts.)
    assert "Favicon\u00a0: " in text
    assert "Favicon: " not in text
