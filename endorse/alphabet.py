"""The letters of the public list's A–Z index, and where a name is filed in it."""

from __future__ import annotations

import string

LETTERS = tuple(string.ascii_lowercase)
OTHER_LETTER = "#"  # names that start with a digit, a sign or another script


def initial(normalized_name: str) -> str:
    """The index letter of a folded name (see ``normalize.normalize_name``)."""
    first = normalized_name[:1]
    return first if first in LETTERS else OTHER_LETTER
