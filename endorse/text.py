"""Folding organisation names, so spellings of one organisation compare equal; their initials."""

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
