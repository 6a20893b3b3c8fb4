"""Folding organisation names, so spellings of one organisation compare equal; their initials;
and the addresses a name must not carry into a mail."""

from __future__ import annotations

import re
import string
import unicodedata

# Legal forms in Belgium, its neighbours and English, as they stand before or after a name.
LEGAL_FORMS = frozenset(
    {
        "asbl",
        "aisbl",
        "vzw",
        "ivzw",
        "ngo",
        "ong",
        "vog",
        "ev",
        "sa",
        "nv",
        "srl",
        "sprl",
        "bv",
        "bvba",
        "sc",
        "scrl",
        "cv",
        "cvba",
        "vof",
        "snc",
        "ltd",
        "inc",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "sas",
        "sarl",
    }
)

_DOTS = re.compile(r"(?<=\w)\.(?=\w)|(?<=\w)\.$|(?<=\w)\.(?=\s)")
_NOT_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, and collapse spacing.

    Compatibility forms are decomposed before case-folding, so "ℌ" or a bold "𝐀" fold like
    the letters they stand for, and folding twice changes nothing.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _DOTS.sub("", plain)  # "a.s.b.l." -> "asbl", "St.Gilles" -> "stgilles"
    return " ".join(_NOT_WORD.sub(" ", plain).replace("_", " ").split())


def normalize_name(name: str, max_length: int = 200) -> str:
    """The key for duplicate detection: the folded name without leading or trailing legal forms.

    A name that is nothing but a legal form keeps it, so it never folds to "". Folding can
    lengthen a name ("ß" becomes "ss", a ligature several letters), so the key is cut to the
    column's length.
    """
    words = fold(name).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] in LEGAL_FORMS:
        words.pop(0)
    return " ".join(words)[:max_length].rstrip()


# The letters of the public list's A–Z index, and where a name is filed in it.
LETTERS = tuple(string.ascii_lowercase)
OTHER_LETTER = "#"  # names that start with a digit, a sign or another script


def initial(normalized_name: str) -> str:
    """The index letter of a folded name (see ``normalize_name``)."""
    first = normalized_name[:1]
    return first if first in LETTERS else OTHER_LETTER


# Addresses in names. Mail programs turn a web address, a domain or an email address into a
# link, and a name is written into mails that come from the campaign: signers must not be able
# to send links in its name. The check reads the text as a mail program may show it.

_SEPARATORS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})  # dots in IDNA
_LINK = re.compile(
    r"""[a-z][a-z0-9+.-]*://              # a scheme: http://, ftp://
      | \b(?:mailto|https?|www)\b[:.]     # mailto:, http:, www.
      | [^\W_][\w-]*(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])  # a domain: evil.example, a.b.co
    """,
    re.IGNORECASE | re.VERBOSE,
)


_PUNCTUATION = re.compile(r"[.:]")


def _as_shown(text: str) -> str:
    """The text with compatibility forms (full-width letters, the ideographic full stop) as
    the characters they stand for, and invisible characters (joiners, marks) left out."""
    mapped = unicodedata.normalize("NFKC", text).translate(_SEPARATORS)
    return "".join(ch for ch in mapped if unicodedata.category(ch) not in ("Cf", "Mn", "Me"))


def has_address(text: str) -> bool:
    """Whether ``text`` holds a web address, a domain-like word or an email address."""
    return _LINK.search(_as_shown(text)) is not None


def unlinked(text: str) -> str:
    """``text`` as a mail may show it: every address in it defused ("evil[.]example"), so no
    mail program makes a link of it. Text without one is returned as it is."""
    if not has_address(text):
        return text
    defused = _LINK.sub(lambda found: _PUNCTUATION.sub(r"[\g<0>]", found.group(0)), _as_shown(text))
    return defused.replace("@", "[@]")
