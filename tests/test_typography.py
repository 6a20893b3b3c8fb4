"""French typography on the rendered pages (not just in the catalogue): a no-break space
before : ; ? ! and inside « », whatever template, content or catalogue the text comes from."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from endorse.models import Region, State

from .helpers import csrf_token, make_endorsement

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
]


class _Text(HTMLParser):
    """The text a reader sees, and the page's title; not scripts, styles or code to copy."""

    SKIP = frozenset({"script", "style", "textarea", "code"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skipping += tag in self.SKIP

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
