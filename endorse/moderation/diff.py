"""A signer's correction beside the live version: field by field, the changed words marked.

Both sides are escaped before any mark is added, so what a signer typed stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

from ..models import Correction, Endorsement
from ..operations import EDITABLE

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class FieldDiff:
    name: str
    live: Markup
    proposed: Markup
    changed: bool


def _shown(value: object) -> str:
    label = getattr(value, "label", None)  # a category or region: its name, in the page's language
    return str(label if label is not None else (value or ""))


def words(before: str, after: str) -> tuple[Markup, Markup]:
    """``before`` with the words it loses in <del>, ``after`` with those it gains in <ins>."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    live, proposed = Markup(), Markup()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        lost, gained = escape("".join(old[i1:i2])), escape("".join(new[j1:j2]))
        if tag == "equal":
            live, proposed = live + lost, proposed + gained
            continue
        if lost:
            live += Markup("<del>{}</del>").format(lost)
        if gained:
            proposed += Markup("<ins>{}</ins>").format(gained)
    return live, proposed


def correction_diff(entry: Endorsement, correction: Correction) -> list[FieldDiff]:
    """Every public field, live and proposed, the changed ones marked word by word."""
    rows = []
    for name in EDITABLE:
        before, after = _shown(getattr(entry, name)), _shown(getattr(correction, name))
        live, proposed = words(before, after) if before != after else (escape(before),) * 2
        rows.append(FieldDiff(name, live, proposed, before != after))
    return rows
