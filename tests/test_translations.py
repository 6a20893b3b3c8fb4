"""Every string a visitor sees exists in French and Dutch, and the pages use them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from .helpers import errors_on, sign

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "endorse" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog(lang: str) -> Any:
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


def _source_ids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as handle:
        return {str(m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id}


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_source_string_is_translated_and_none_is_fuzzy(lang: str, tmp_path: Path) -> None:
    catalog = _catalog(lang)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy, f"fuzzy in {lang}: {key!r}"
        translated[key] = all(strings)
    missing = sorted(_source_ids(tmp_path) - {k for k, ok in translated.items() if ok})
    assert missing == [], f"untranslated in {lang}: {missing}"


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_translations_keep_their_placeholders(lang: str) -> None:
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string
        expected = set(PLACEHOLDER.findall(ids[-1]))
        assert set(PLACEHOLDER.findall(strings[-1])) == expected, ids[0]


def test_the_slogans_are_the_campaigns_own(client: Any) -> None:
    french = client.get("/fr/").get_data(as_text=True).replace("&#39;", "'")
    assert "On n'enferme pas un enfant. Point." in french
    assert "Een kind sluit je niet op. Punt." in client.get("/nl/").get_data(as_text=True)


def test_form_errors_are_translated(client: Any) -> None:
    french = errors_on(sign(client, lang="fr", contact_email="pas-une-adresse"))
    dutch = errors_on(sign(client, lang="nl", contact_email="geen-adres"))
    assert french
    assert dutch
    assert all("email address" not in e for e in french + dutch)
    assert french != dutch


def test_choices_are_translated(client: Any) -> None:
    page = client.get("/nl/sign").get_data(as_text=True)
    assert "Vakbond" in page or "vakbond" in page
    assert "Oost-Vlaanderen" in page
