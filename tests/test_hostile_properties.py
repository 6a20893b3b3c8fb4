"""Generated hostile input: name folding stays tidy, and no form field, link or list query
gets a 5xx or leaves damage behind.

Each web test builds its app once and reuses it across examples (the Hypothesis test is an
inner function), asserting on responses only; the database checks run after the last one.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from endorse.config import LANGUAGES
from endorse.extensions import db
from endorse.models import Area, Category, Endorsement, Region, State
from endorse.models import endorsement as limits
from endorse.publication import LETTERS, OTHER_LETTER
from endorse.text import fold, normalize_name
from endorse.tokens import Purpose, TokenExpired, TokenInvalid, make_token, read_token

from .helpers import VALID_SIGNATURE, csrf_token, make_endorsement

pytestmark = pytest.mark.system  # property tests: many generated requests

# Examples are few so the file runs in seconds; no example database, so no state between runs.
SOME = settings(max_examples=120, deadline=None, database=None)
MANY = settings(max_examples=150, deadline=None, database=None)

#: The app's per-address limits (read per request), raised: these tests post a lot.
UNLIMITED = {
    "SIGN_LIMIT": "1000000 per hour",
    "RESEND_LIMIT": "1000000 per hour",
    "API_LIMIT": "1000000 per minute",
}

SQL = [
    "' OR 1=1 --",
    '"; DROP TABLE endorsements; --',
    "'; DELETE FROM endorsements WHERE '1'='1",
    "1 UNION SELECT contact_email FROM endorsements --",
    "%' AND 1=0 UNION ALL SELECT NULL --",
    "\\'; --",
    "%_%",
]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "${7*7}",
    "</textarea><script>",
    "]]><!--",
]
ODD = [
    "\x00",
    "nul\x00byte",
    "\x1b[31mred",
    "line\r\nbreak",
    "\u202egnp.exe",
    "\ufeff\u200b\u2028",
    "\ufffd",
    "ß" * 150,  # folds to 300 characters
    "\ufdfa" * 12,  # one character, 18 when folded
    "\u0301" * 60,
    "İ" * 200,
    "0" * 13,
    "-1",
    "1e9",
    "NaN",
    "   ",
]
_CONTROL_AND_FORMAT = st.characters(categories=["Cc", "Cf", "Co", "Mn", "Zs", "Zl", "Zp"])

#: Any text a client can send (no lone surrogates: those cannot be encoded in a request).
hostile_text = st.one_of(
    st.sampled_from(SQL + MARKUP + ODD),
    st.text(),
    st.text(alphabet=_CONTROL_AND_FORMAT),
    st.builds(str.__add__, st.sampled_from(SQL + MARKUP + ODD), st.text(max_size=20)),
    st.builds(str.__mul__, st.text(min_size=1, max_size=6), st.integers(40, 800)),
)


# (a) Folding names.


def _tidy(folded: str, given: str) -> None:
    assert folded == folded.strip(), ascii(given)
    assert "  " not in folded, ascii(given)
    assert not any(unicodedata.combining(ch) for ch in folded), ascii(given)
    # No letter that case folding would still change. (Unicode folds Cherokee to its upper
    # case, so ``str.isupper`` is not the test.)
    assert folded.casefold() == folded, f"{ascii(given)} folds to {ascii(folded)}"


@MANY
@given(text=st.text(alphabet=st.characters(exclude_categories=[])))
@example(text="ℌ")  # Lu without a lower case; NFKD gives "H"
@example(text="𝐀𝐦𝐧𝐞𝐬𝐭𝐲 𝐈𝐧𝐭𝐞𝐫𝐧𝐚𝐭𝐢𝐨𝐧𝐚𝐥")
@example(text="ϒ")
@example(text="ß \ufdfa a.s.b.l. Ǆ ﬃ")
@example(text="\ud800 lone surrogate")
def test_fold_and_normalize_name_never_raise_and_are_tidy(text: str) -> None:
    _tidy(fold(text), text)
    _tidy(normalize_name(text), text)


@MANY
@given(text=st.text())
@example(text="ℌ")
@example(text="𝐀𝐦𝐧𝐞𝐬𝐭𝐲")
@example(text="asbl vzw")
@example(text="a.s.b.l. Ligue vzw")
def test_normalising_twice_is_normalising_once(text: str) -> None:
    once = fold(text)
    assert fold(once) == once, f"{ascii(text)} folds to {ascii(once)}, then {ascii(fold(once))}"
    once = normalize_name(text)
    assert normalize_name(once) == once, ascii(text)


_ACCENTS = "\u0300\u0301\u0302\u0303\u0308\u030a\u030c\u0327"


@st.composite
def _variant(draw: st.DrawFn, name: str) -> str:
    """``name`` with its letters in any case and any of them accented."""
    out = []
    for ch in name:
        if ch.isalpha():
            ch = draw(st.sampled_from([ch.lower(), ch.upper()]))
            ch += draw(st.sampled_from(["", *_ACCENTS]))
        out.append(ch)
    text = "".join(out)
    return unicodedata.normalize("NFC", text) if draw(st.booleans()) else text


@MANY
@given(
    data=st.data(),
    name=st.text(alphabet=string.ascii_letters + string.digits + " .-'&", min_size=1, max_size=60),
)
def test_case_and_accent_variants_of_an_ascii_name_normalise_equally(
    data: st.DataObject, name: str
) -> None:
    variant = data.draw(_variant(name), label="variant")
    assert normalize_name(variant) == normalize_name(name)
    assert fold(variant) == fold(name)


# (b) The sign form.

FORM_FIELDS = (
    "name",
    "category",
    "city",
    "region",
    "website",
    "statement",
    "contact_name",
    "contact_email",
    "contact_role",
    "consent_publish",
    "news_opt_in",
    "fax_number",
)
LINE_FIELDS = {
    "name": limits.NAME_MAX,
    "city": limits.CITY_MAX,
    "contact_name": limits.PERSON_MAX,
    "contact_role": limits.PERSON_MAX,
    "website": limits.WEBSITE_MAX,
    "contact_email": limits.EMAIL_MAX,
}


@st.composite
def signatures(draw: st.DrawFn) -> dict[str, str]:
    """A valid signature with hostile text in some of its fields (its own address, so that
    it is rarely a twin of an earlier example)."""
    data = {**VALID_SIGNATURE, "contact_email": f"s{draw(st.integers(0, 10**6))}@sign.example"}
    for field in draw(st.sets(st.sampled_from(FORM_FIELDS), min_size=1)):
        data[field] = draw(hostile_text)
    return data


@pytest.fixture
def hostile_app(app: Flask) -> Flask:
    app.config.update(UNLIMITED)
    return app


def _plain(text: str, *, multiline: bool) -> bool:
    """The form's own rule (fields.plain_characters), stricter for one-line fields."""
    allowed = "\n\t" if multiline else ""
    return not any(
        ch not in allowed and (ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cs"))
        for ch in text
    )


def _check_stored(entry: Endorsement) -> None:
    """Every rule the form enforces holds for what was stored."""
    for field, limit in LINE_FIELDS.items():
        value = getattr(entry, field)
        if value is None:
            assert field in ("website", "contact_role"), field
            continue
        assert 0 < len(value) <= limit, (field, value)
        assert _plain(value, multiline=False), (field, value)
        assert value == " ".join(value.split()), (field, value)  # as clean_line leaves it
    if entry.statement is not None:
        assert 0 < len(entry.statement) <= limits.STATEMENT_MAX
        assert entry.statement == entry.statement.strip()
        assert _plain(entry.statement, multiline=True)
        assert "\r" not in entry.statement
    if entry.website is not None:
        assert entry.website.startswith(("http://", "https://")), entry.website
    assert entry.contact_email == entry.contact_email.lower()
    assert "@" in entry.contact_email
    assert isinstance(entry.category, Category)
    assert isinstance(entry.region, Region)
    assert entry.consent_publish is True
    assert entry.state == State.UNVERIFIED
    assert entry.normalized_name == normalize_name(entry.name)


def _check_all_stored(app: Flask) -> None:
    with app.app_context():
        entries = db.session.scalars(select(Endorsement)).all()
        assert entries, "no signature was stored: the test checks nothing"
        for entry in entries:
            _check_stored(entry)


def test_the_sign_form_answers_303_or_400_and_stores_only_clean_rows(hostile_app: Flask) -> None:
    client = hostile_app.test_client()
    token = csrf_token(client, "/en/sign")

    @SOME
    @given(data=signatures())
    @example(data={**VALID_SIGNATURE, "name": "' OR 1=1 --"})
    @example(
        data={
            **VALID_SIGNATURE,
            "contact_email": "drop@sign.example",
            "statement": '"; DROP TABLE endorsements; --',
        }
    )
    def post(data: dict[str, str]) -> None:
        response = client.post("/en/sign", data={"csrf_token": token, **data})
        assert response.status_code in (303, 400), (response.status_code, data)

    post()
    _check_all_stored(hostile_app)


#: Inputs that once found a bug, or that sit on a limit: each is its own test, so that one
#: failing does not stop the generated examples from running.
CORNER_SIGNATURES = {
    # 150 characters, within the 200 of the form, but 300 once folded ("ss" each), and the
    # folded name is stored too, in a column of 200.
    "name-folding-longer-than-its-column": {"name": "ß" * 150},
    "name-of-one-character-folding-to-18": {"name": "\ufdfa" * 12},
    "name-at-the-limit": {"name": "n" * limits.NAME_MAX},
    "name-of-combining-marks-only": {"name": "\u0301" * 20},
    "name-of-a-legal-form-only": {"name": "asbl"},
    "name-with-sql": {"name": "Robert'); DROP TABLE endorsements;--"},
    "statement-with-every-line-break": {"statement": "a\r\nb\rc\nd\u2028e\u2029f\x85g"},
    "website-with-idna-and-sql": {"website": "bücher.example/ß?q='OR'1'='1'--"},
    "website-with-bad-idna": {"website": "xn--zz.example"},
    "email-with-unicode": {"contact_email": "ánn@bücher.example"},
}


@pytest.mark.parametrize("changes", CORNER_SIGNATURES.values(), ids=CORNER_SIGNATURES.keys())
def test_corner_case_signatures_answer_303_or_400(
    hostile_app: Flask, changes: dict[str, str]
) -> None:
    client = hostile_app.test_client()
    data = {**VALID_SIGNATURE, **changes, "csrf_token": csrf_token(client, "/en/sign")}
    response = client.post("/en/sign", data=data)
    assert response.status_code in (303, 400), response.status_code
    if response.status_code == 303:
        _check_all_stored(hostile_app)


# (c) Links.

_B64 = string.ascii_letters + string.digits + "-_"
token_like = st.builds(
    lambda *parts: ".".join(parts),
    *[st.text(alphabet=_B64, min_size=0, max_size=40) for _ in range(3)],
)
#: What can stand for one path segment: not empty, and no slash (quoted or not, the server
#: reads one as the start of another segment, so the link is another page: a 404).
link_tokens = st.one_of(token_like, hostile_text).filter(lambda t: t != "" and "/" not in t)


def test_any_confirmation_link_answers_400_or_410(hostile_app: Flask) -> None:
    make_endorsement(hostile_app)  # something a forged id could point at
    client = hostile_app.test_client()
    csrf = csrf_token(client, "/en/sign")

    @SOME
    @given(token=link_tokens, lang=st.sampled_from(LANGUAGES))
    @example(token="WzEsIm5vbmNlIl0.aaaa.bbbb", lang="en")
    @example(token="%00", lang="en")
    @example(token="x" * 5000, lang="fr")
    def visit(token: str, lang: str) -> None:
        path = f"/{lang}/confirm/{quote(token, safe='')}"
        shown = client.get(path)
        assert shown.status_code in (400, 410), (shown.status_code, token)
        used = client.post(path, data={"csrf_token": csrf})
        assert used.status_code in (400, 410), (used.status_code, token)

    visit()
    with hostile_app.app_context():
        assert db.session.scalar(select(Endorsement.state)) == State.UNVERIFIED


def _mutations(token: str) -> st.SearchStrategy[str]:
    """``token`` with characters replaced, inserted or cut."""
    position = st.integers(0, len(token))
    return st.one_of(
        st.builds(lambda i, c: token[:i] + c + token[i + 1 :], position, st.characters()),
        st.builds(lambda i, c: token[:i] + c + token[i:], position, st.text(max_size=3)),
        st.builds(lambda i, j: token[: min(i, j)] + token[max(i, j) :], position, position),
    )


def test_read_token_raises_only_token_errors(app: Flask) -> None:
    """Any string is refused with a token error, or carries exactly what was signed."""
    with app.app_context():
        genuine = make_token(Purpose.CONFIRM, 1, "nonce")

        @SOME
        @given(
            token=st.one_of(st.text(), token_like, _mutations(genuine)),
            purpose=st.sampled_from(list(Purpose)),
            max_age=st.integers(0, 10**9),
        )
        def read(token: str, purpose: Purpose, max_age: int) -> None:
            try:
                carried = read_token(purpose, token, max_age)
            except (TokenInvalid, TokenExpired):
                return
            # itsdangerous skips non-base64 characters in the signature, so a few spellings
            # of the genuine token pass; nothing else may.
            assert (purpose, carried) == (Purpose.CONFIRM, (1, "nonce")), token

        read()


# (d) The supporters list.

QUERY_KEYS = ("q", "category", "region", "area", "letter", "after", "before", "per_page")
_GOOD_VALUES = [c.value for c in Category] + [r.value for r in Region] + [a.value for a in Area]
query_values = st.one_of(
    hostile_text,
    st.sampled_from(_GOOD_VALUES + [*LETTERS, OTHER_LETTER, "A", "Z", "é", "ß", "İ"]),
    st.integers(-(10**15), 10**15).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "000",
            "1",
            "200",
            "201",
            "999999999999",
            "9999999999999",
            "²",
            "١",
            "+1",
            " 1",
            "1.0",
            "0x10",
        ]
    ),
)


@pytest.fixture
def listed_app(hostile_app: Flask) -> Flask:
    for number, name in enumerate(
        ["Ligue des familles", "Écoles sans frontières", "123 Solidarité", "Zonnebloem vzw"]
    ):
        make_endorsement(
            hostile_app, State.APPROVED, name=name, contact_email=f"listed{number}@list.example"
        )
    return hostile_app


def _pages(client: FlaskClient, query: dict[str, str], lang: str) -> Iterator[Any]:
    yield client.get(f"/{lang}/supporters", query_string=query)
    api = client.get("/api/v1/supporters", query_string=query)
    assert api.mimetype == "application/json"
    yield api


def test_any_supporters_query_answers_200_or_400(listed_app: Flask) -> None:
    client = listed_app.test_client()
    before = _snapshot(listed_app)

    @SOME
    @given(
        query=st.dictionaries(st.sampled_from(QUERY_KEYS), query_values, min_size=1),
        lang=st.sampled_from(LANGUAGES),
    )
    @example(query={"q": "' OR 1=1 --", "letter": "#", "per_page": "200"}, lang="en")
    @example(query={"q": "\x00", "category": "<script>"}, lang="fr")
    def ask(query: dict[str, str], lang: str) -> None:
        for response in _pages(client, query, lang):
            assert response.status_code in (200, 400), (response.status_code, query)

    ask()
    assert _snapshot(listed_app) == before


#: Positions are ids; the OpenAPI document allows up to 12 digits.
CORNER_QUERIES = {
    "after-beyond-32-bits": {"after": str(2**31)},
    "before-beyond-32-bits": {"before": str(2**31)},
    "after-at-the-documented-maximum": {"after": "999999999999", "before": "1"},
    "per-page-at-the-maximum": {"per_page": "200", "letter": "#"},
    "per-page-zero": {"per_page": "0"},
    "upper-case-letter": {"letter": "E"},
}


@pytest.mark.parametrize("query", CORNER_QUERIES.values(), ids=CORNER_QUERIES.keys())
def test_corner_case_supporters_queries_answer_200_or_400(
    listed_app: Flask, query: dict[str, str]
) -> None:
    client = listed_app.test_client()
    for response in _pages(client, query, "en"):
        assert response.status_code in (200, 400), response.status_code


def _snapshot(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        rows = db.session.execute(
            select(
                Endorsement.id, Endorsement.name, Endorsement.state, Endorsement.normalized_name
            ).order_by(Endorsement.id)
        ).all()
        assert db.session.scalar(select(func.count()).select_from(Endorsement)) == len(rows)
        return [tuple(row) for row in rows]
