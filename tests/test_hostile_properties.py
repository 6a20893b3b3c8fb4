"""Generated hostile input: name folding stays tidy, and no form field, link or list query
gets a 5xx or leaves damage behind.

Each web test builds its app once and reuses it across examples (the Hypothesis test is an
inner function). The strategies are shaped to reach the interesting outcomes: a sign-up is
valid but for at most one hostile field, so most are stored and their rows checked; links
are forged, or genuine but expired, used or for another purpose, with the clock moved by
time-machine. Each test counts the outcomes its examples reached and fails when one that
matters was not reached, so a strategy that drifts cannot make it check nothing.
"""

from __future__ import annotations

import os
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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

from .helpers import VALID_SIGNATURE, csrf_token, errors_on, make_endorsement

pytestmark = pytest.mark.system  # property tests: many generated requests

# Examples are few so the file runs in seconds; no example database, so no state between runs.
# Under CI the examples are derandomized: the same every run, so a failure there replays here
# with CI=true (and Hypothesis prints a blob that replays it anywhere).
settings.register_profile("hostile", deadline=None, database=None, print_blob=True)
settings.register_profile("hostile-ci", parent=settings.get_profile("hostile"), derandomize=True)
PROFILE = settings.get_profile("hostile-ci" if os.environ.get("CI") == "true" else "hostile")
SOME = settings(PROFILE, max_examples=120)
MANY = settings(PROFILE, max_examples=150)

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


#: Hostile text aimed at a field, so that some of it passes the field's checks and is stored.
AIMED: dict[str, st.SearchStrategy[str]] = {
    "website": st.one_of(
        hostile_text,
        st.builds("https://example.org/{}".format, hostile_text),
        st.builds("{}.example".format, hostile_text),
    ),
    "contact_email": st.one_of(hostile_text, st.builds("{}@sign.example".format, hostile_text)),
}


@st.composite
def signatures(draw: st.DrawFn) -> tuple[dict[str, str], str | None]:
    """A valid signature with its own address (so rarely a twin of an earlier example) and at
    most one hostile field: which one, or None."""
    data = {**VALID_SIGNATURE, "contact_email": f"s{draw(st.integers(0, 10**6))}@sign.example"}
    field = draw(st.sampled_from((None, *FORM_FIELDS)), label="hostile field")
    if field is not None:
        data[field] = draw(AIMED.get(field, hostile_text), label=field)
    return data, field


@pytest.fixture
def hostile_app(app: Flask) -> Flask:
    app.config.update(UNLIMITED)
    return app


#: What no stored text may hold: the C0 controls, DEL and the C1 controls (U+0000-U+001F,
#: U+007F-U+009F), and U+FFFD, which stands for bytes that were not UTF-8. Tab and line feed
#: are allowed in the statement only. (Written out, where the form asks unicodedata.)
CONTROLS = frozenset(map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0)])) | {"\ufffd"}
MULTILINE_CONTROLS = CONTROLS - {"\t", "\n"}


def _no_control(value: str, forbidden: frozenset[str]) -> bool:
    return not forbidden & set(value) and not any(0xD800 <= ord(ch) < 0xE000 for ch in value)


def _check_stored(entry: Endorsement) -> None:
    """Every rule the form enforces holds for what was stored."""
    for field, limit in LINE_FIELDS.items():
        value = getattr(entry, field)
        if value is None:
            assert field in ("website", "contact_role"), field
            continue
        assert 0 < len(value) <= limit, (field, value)
        assert _no_control(value, CONTROLS), (field, value)
        assert value == " ".join(value.split()), (field, value)  # as clean_line leaves it
    if entry.statement is not None:
        assert 0 < len(entry.statement) <= limits.STATEMENT_MAX
        assert entry.statement == entry.statement.strip()
        assert _no_control(entry.statement, MULTILINE_CONTROLS)
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


def _newest_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(Endorsement.id))) or 0


def test_the_sign_form_answers_303_or_400_and_stores_only_clean_rows(hostile_app: Flask) -> None:
    client = hostile_app.test_client()
    token = csrf_token(client, "/en/sign")
    outcomes: Counter[str] = Counter()

    @SOME
    @given(signature=signatures())
    @example(signature=({**VALID_SIGNATURE, "name": "' OR 1=1 --"}, "name"))
    @example(
        signature=(
            {
                **VALID_SIGNATURE,
                "contact_email": "drop@sign.example",
                "statement": '"; DROP TABLE endorsements; --',
            },
            "statement",
        )
    )
    def post(signature: tuple[dict[str, str], str | None]) -> None:
        data, hostile = signature
        newest = _newest_id(hostile_app)
        response = client.post("/en/sign", data={"csrf_token": token, **data})
        assert response.status_code in (303, 400), (response.status_code, data)
        if hostile is None:  # nothing hostile: signed (or signed again, as a twin)
            assert response.status_code == 303, errors_on(response)
        if response.status_code == 400:
            outcomes["refused"] += 1
            assert _newest_id(hostile_app) == newest
            return
        with hostile_app.app_context():
            entry = db.session.scalar(select(Endorsement).where(Endorsement.id > newest))
            if entry is None:
                outcomes["signed again, or a bot: nothing stored"] += 1
                return
            outcomes["stored" if hostile is None else "stored with hostile text"] += 1
            _check_stored(entry)

    post()
    _check_all_stored(hostile_app)
    print(f"sign-ups: {dict(outcomes)}")  # noqa: T201  (pytest -s shows what was reached)
    assert outcomes["stored with hostile text"] >= 15, outcomes
    assert outcomes["refused"] >= 25, outcomes


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
    "replacement-character-in-a-name": {"name": "Caf\ufffd asbl"},
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


#: Where the clock stands while links are made and used: on a whole second, so that a token
#: made ``age`` seconds before is exactly ``age`` seconds old.
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
WEEK = 7 * 24 * 3600  # ENDORSE_VERIFY_MAX_AGE, by default
#: Ages: as often fresh as expired, and now and then either side of the limit.
LINK_AGES = st.one_of(
    st.integers(0, WEEK), st.integers(WEEK + 1, 3 * WEEK), st.sampled_from([WEEK, WEEK + 1])
)


@dataclass(frozen=True)
class Forged:
    token: str


@dataclass(frozen=True)
class Genuine:
    """A link we signed: for a purpose, an endorsement, with its nonce or an old one, so long
    ago."""

    purpose: Purpose
    subject: str  # "unconfirmed", "confirmed", or "missing" (no such endorsement)
    nonce: str  # "current" or "stale"
    age: int

    def deserves(self) -> str:
        """What the link should get, from what it is (not from what the code does)."""
        if self.purpose != Purpose.CONFIRM:
            return "invalid"
        if self.age > WEEK:
            return "expired"
        if self.subject == "unconfirmed" and self.nonce == "current":
            return "open"
        return "used"


genuine_links = st.builds(
    Genuine,
    purpose=st.one_of(st.just(Purpose.CONFIRM), st.sampled_from(list(Purpose))),
    subject=st.sampled_from(["unconfirmed", "unconfirmed", "confirmed", "missing"]),
    nonce=st.sampled_from(["current", "current", "stale"]),
    age=LINK_AGES,
)


@st.composite
def confirmation_links(draw: st.DrawFn) -> Forged | Genuine:
    """Mostly genuine links: forged ones are all alike to the code (400), while genuine ones
    reach every outcome."""
    if draw(st.sampled_from(["genuine", "genuine", "genuine", "forged"])) == "forged":
        return Forged(draw(link_tokens))
    return draw(genuine_links)


#: What the English page says, for each way a link can fail.
BAD_LINK_SAYS = {
    "invalid": "This link is not valid.",
    "expired": "This link has expired.",
    "used": "This link has already been used.",
}


def test_a_confirmation_link_opens_only_when_genuine_fresh_and_unused(
    hostile_app: Flask, time_machine: Any
) -> None:
    """Any other link answers 400 (not ours, or not for this) or 410 (expired, or used)."""
    assert hostile_app.config["VERIFY_MAX_AGE"] == WEEK
    time_machine.move_to(NOW, tick=False)
    unconfirmed = make_endorsement(hostile_app, contact_email="waiting@links.example")
    confirmed = make_endorsement(hostile_app, State.VERIFIED, contact_email="done@links.example")
    with hostile_app.app_context():
        nonces = {
            entry_id: db.session.get(Endorsement, entry_id).token_nonce  # type: ignore[union-attr]
            for entry_id in (unconfirmed, confirmed)
        }
    subjects = {"unconfirmed": unconfirmed, "confirmed": confirmed, "missing": confirmed + 1000}
    client = hostile_app.test_client()
    csrf = csrf_token(client, "/en/sign")
    outcomes: Counter[str] = Counter()

    def token_of(link: Genuine) -> str:
        entry_id = subjects[link.subject]
        nonce = nonces.get(entry_id, "a-nonce") if link.nonce == "current" else "stale-nonce"
        time_machine.move_to(NOW - timedelta(seconds=link.age), tick=False)
        with hostile_app.app_context():
            token = make_token(link.purpose, entry_id, nonce)
        time_machine.move_to(NOW, tick=False)
        return token

    @SOME
    @given(link=confirmation_links(), lang=st.sampled_from(LANGUAGES))
    @example(link=Forged("WzEsIm5vbmNlIl0.aaaa.bbbb"), lang="en")
    @example(link=Forged("%00"), lang="en")
    @example(link=Forged("x" * 5000), lang="fr")
    @example(link=Genuine(Purpose.CONFIRM, "unconfirmed", "current", WEEK + 1), lang="en")
    @example(link=Genuine(Purpose.MANAGE, "unconfirmed", "current", 0), lang="nl")
    def visit(link: Forged | Genuine, lang: str) -> None:
        if isinstance(link, Forged):
            token, deserves = link.token, "invalid"
        else:
            token, deserves = token_of(link), link.deserves()
        outcomes[deserves] += 1
        path = f"/{lang}/confirm/{quote(token, safe='')}"
        shown = client.get(path)
        if deserves == "open":
            assert shown.status_code == 200, token
            return  # confirming would close the link for the examples after this one
        status = 400 if deserves == "invalid" else 410
        assert shown.status_code == status, (shown.status_code, link)
        used = client.post(path, data={"csrf_token": csrf})
        assert used.status_code == status, (used.status_code, link)
        if lang == "en":
            assert BAD_LINK_SAYS[deserves] in used.get_data(as_text=True), link

    visit()
    with hostile_app.app_context():
        assert db.session.get(Endorsement, unconfirmed).state == State.UNVERIFIED  # type: ignore[union-attr]
        assert db.session.get(Endorsement, confirmed).state == State.VERIFIED  # type: ignore[union-attr]
    print(f"confirmation links: {dict(outcomes)}")  # noqa: T201
    assert outcomes["expired"] >= 10, outcomes
    assert outcomes["used"] >= 3, outcomes
    assert outcomes["open"] >= 1, outcomes
    assert outcomes["invalid"] >= 20, outcomes


def _mutations(token: str) -> st.SearchStrategy[str]:
    """``token`` with characters replaced, inserted or cut."""
    position = st.integers(0, len(token))
    return st.one_of(
        st.builds(lambda i, c: token[:i] + c + token[i + 1 :], position, st.characters()),
        st.builds(lambda i, c: token[:i] + c + token[i:], position, st.text(max_size=3)),
        st.builds(lambda i, j: token[: min(i, j)] + token[max(i, j) :], position, position),
    )


def test_read_token_opens_only_a_genuine_token_within_its_age(
    app: Flask, time_machine: Any
) -> None:
    """Any string is refused with a token error, or carries exactly what was signed; a
    genuine token is expired exactly when it is older than the age allowed."""
    time_machine.move_to(NOW, tick=False)
    outcomes: Counter[str] = Counter()
    with app.app_context():

        @SOME
        @given(
            data=st.data(),
            kind=st.sampled_from(["genuine", "genuine", "mutated", "forged"]),
            purpose=st.sampled_from(list(Purpose)),
            max_age=st.integers(0, 10**7),
            late=st.booleans(),
            by=st.one_of(st.just(0), st.integers(0, 10**6)),  # 0: either side of the limit
        )
        def read(
            data: st.DataObject, kind: str, purpose: Purpose, max_age: int, late: bool, by: int
        ) -> None:
            age = max_age + 1 + by if late else max(0, max_age - by)
            signed_for = data.draw(
                st.one_of(st.just(purpose), st.sampled_from(list(Purpose))), label="signed for"
            )
            time_machine.move_to(NOW - timedelta(seconds=age), tick=False)
            genuine = make_token(signed_for, 1, "nonce")
            time_machine.move_to(NOW, tick=False)
            token = genuine
            if kind == "mutated":
                token = data.draw(_mutations(genuine), label="token")
            elif kind == "forged":
                token = data.draw(st.one_of(st.text(), token_like), label="token")
            try:
                carried = read_token(purpose, token, max_age)
            except TokenExpired:
                outcomes["expired"] += 1
                assert signed_for == purpose, token
                assert age > max_age, (age, max_age)
                return
            except TokenInvalid:
                outcomes["invalid"] += 1
                assert token != genuine or signed_for != purpose
                return
            outcomes["read"] += 1
            # itsdangerous skips non-base64 characters in the signature, so a few spellings
            # of the genuine token pass; nothing else may.
            assert signed_for == purpose, token
            assert carried == (1, "nonce"), token
            assert age <= max_age, (age, max_age)

        read()
    print(f"tokens read: {dict(outcomes)}")  # noqa: T201
    assert outcomes["read"] >= 5, outcomes
    assert outcomes["expired"] >= 5, outcomes
    assert outcomes["invalid"] >= 20, outcomes


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


def _pages(client: FlaskClient, query: dict[str, str], lang: str) -> tuple[Any, Any]:
    page = client.get(f"/{lang}/supporters", query_string=query)
    api = client.get("/api/v1/supporters", query_string=query)
    assert api.mimetype == "application/json"
    return page, api


#: Values each parameter takes (so a query made of them is answered 200).
_POSITIONS = st.one_of(st.integers(0, 2**31 - 1), st.integers(0, 50)).map(str)
GOOD_QUERY_VALUES: dict[str, st.SearchStrategy[str]] = {
    "q": st.one_of(
        st.sampled_from(["ligue", "ÉCOLES", "123", "vzw", "sans fr", "zz", " "]),
        st.text(max_size=40).filter(lambda text: "\x00" not in text),
    ),
    "category": st.sampled_from([c.value for c in Category]),
    "region": st.sampled_from([r.value for r in Region]),
    "area": st.sampled_from([a.value for a in Area]),
    "letter": st.sampled_from([*LETTERS, *(letter.upper() for letter in LETTERS), OTHER_LETTER]),
    "after": _POSITIONS,
    "before": _POSITIONS,
    "per_page": st.integers(0, 200).map(str),
}


@st.composite
def supporter_queries(draw: st.DrawFn) -> tuple[dict[str, str], str | None]:
    """A query of values the list takes, and at most one hostile value: for which key, or
    None."""
    keys = draw(st.sets(st.sampled_from(QUERY_KEYS)), label="keys")
    query = {key: draw(GOOD_QUERY_VALUES[key], label=key) for key in sorted(keys)}
    hostile = draw(st.one_of(st.none(), st.sampled_from(QUERY_KEYS)), label="hostile key")
    if hostile is not None:
        query[hostile] = draw(query_values, label=f"hostile {hostile}")
    return query, hostile


def test_any_supporters_query_answers_200_or_400(listed_app: Flask) -> None:
    client = listed_app.test_client()
    before = _snapshot(listed_app)
    outcomes: Counter[str] = Counter()

    @SOME
    @given(asked=supporter_queries(), lang=st.sampled_from(LANGUAGES))
    @example(asked=({"q": "' OR 1=1 --", "letter": "#", "per_page": "200"}, "q"), lang="en")
    @example(asked=({"q": "\x00", "category": "<script>"}, "category"), lang="fr")
    def ask(asked: tuple[dict[str, str], str | None], lang: str) -> None:
        query, hostile = asked
        page, api = _pages(client, query, lang)
        assert page.status_code in (200, 400), (page.status_code, query)
        assert api.status_code == page.status_code, (api.status_code, query)
        if hostile is None:
            assert page.status_code == 200, query
        if page.status_code == 400:
            outcomes["refused"] += 1
        elif api.get_json()["supporters"]:
            outcomes["listed some"] += 1
        else:
            outcomes["listed none"] += 1

    ask()
    assert _snapshot(listed_app) == before
    print(f"supporters queries: {dict(outcomes)}")  # noqa: T201
    assert outcomes["listed some"] >= 5, outcomes
    assert outcomes["refused"] >= 8, outcomes


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
