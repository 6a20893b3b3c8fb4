"""Checking each row of a file by the sign form's rules, and reading categories and regions by
their code or by their label in any of the three languages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email
from flask import g, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Field, Form, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..config import LANGUAGES
from ..models import Area, Category, Region
from ..models import endorsement as limits
from ..operations import PublicFields
from ..public.fields import clean_line, no_address, plain_characters
from ..public.forms import PublicFieldsForm
from ..text import fold, normalize_name
from .csvfile import Problem, RawRow

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Row:
    """A row that passed every check, as the import stores it."""

    line: int
    fields: PublicFields
    contact_name: str | None
    contact_email: str | None
    language: str
    signed_on: date
    normalized_name: str = ""  # the key for duplicates; computed from the name when left out

    def __post_init__(self) -> None:
        if not self.normalized_name:
            object.__setattr__(self, "normalized_name", normalize_name(self.fields.name))


def _email(_form: Form, field: Field) -> None:
    """A valid address, normalised as the sign form keeps it; no DNS look-up for thousands."""
    if not field.data:
        field.data = None
        return
    try:
        field.data = validate_email(field.data, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationError(
            str(_l("Please enter a valid email address, like name@example.org."))
        ) from exc


class RowForm(PublicFieldsForm, Form):
    """The sign form's public fields and rules, with the contact optional (an old signature
    may have lost it); category and region arrive already read as codes."""

    contact_name = StringField(
        filters=[clean_line],
        validators=[
            Optional(),
            Length(max=limits.PERSON_MAX),
            plain_characters,
            no_address,
        ],
    )
    contact_email = StringField(
        filters=[clean_line],
        validators=[Optional(), Length(max=limits.EMAIL_MAX), plain_characters, _email],
    )


# Codes and labels, folded like names are (case, accents, punctuation): "Liège", "liege" and
# "LIÈGE" are one region, "ONG ou association" one category.
_INDEX: dict[type[StrEnum], dict[str, StrEnum]] = {}


def _index(kind: type[E]) -> dict[str, E]:
    if kind not in _INDEX:
        known: dict[str, StrEnum] = {}
        for member in kind:
            known[fold(member.value)] = member
            for language in LANGUAGES:
                with force_locale(language):
                    known[fold(str(member.label))] = member  # type: ignore[attr-defined]
        if kind is Region:  # an area of one region names it: "Bruxelles", "Abroad"
            for area in (Area.BRUSSELS, Area.ABROAD):
                for language in LANGUAGES:
                    with force_locale(language):
                        known[fold(str(area.label))] = Region(area.value)
        _INDEX[kind] = known
    return _INDEX[kind]  # type: ignore[return-value]


def read_choice(kind: type[E], text: str) -> E | None:
    """The member ``text`` names by its code or its label in English, French or Dutch."""
    index = _index(kind)
    if text not in index:  # a file repeats a few spellings thousands of times: fold each once
        found = index.get(fold(text))
        if found is None or len(index) > _INDEX_MAX:
            return found
        index[text] = found
    return index[text]


_INDEX_MAX = 10_000  # spellings remembered per vocabulary, so a hostile file cannot grow it


_DATE_FORMATS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),  # 2024-03-15
    re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"),  # 15/03/2024, 15.03.2024
)


def read_date(text: str) -> date | None:
    """A date as people and spreadsheets in Belgium write it (day before month), or None."""
    value = text.strip().split(" ")[0].split("T")[0]
    for pattern in _DATE_FORMATS:
        found = pattern.fullmatch(value)
        if found:
            try:
                return date(int(found["y"]), int(found["m"]), int(found["d"]))
            except ValueError:
                return None
    return None


def _form() -> RowForm:
    """One form per request or command, filled again for each row: building a form costs more
    than checking one row, and a file has thousands."""
    holder = g if has_app_context() else None
    form: RowForm | None = getattr(holder, "_import_row_form", None)
    if form is None:
        form = RowForm()
        if holder is not None:
            holder._import_row_form = form
    return form


def check(raw: RawRow, default_language: str | None, today: date) -> Row | list[Problem]:
    """The row, checked and cleaned; or every problem it has, by column."""
    values = raw.values
    problems: list[Problem] = []

    def problem(column: str, message: object) -> None:
        problems.append(Problem(raw.line, column, str(message)))

    category = read_choice(Category, values.get("category", ""))
    region = read_choice(Region, values.get("region", ""))
    for column, found in (("category", category), ("region", region)):
        if found is None:
            given = values.get(column, "").strip()
            if given:
                problem(
                    column,
                    _l(
                        "“%(value)s” is neither a code nor a label we know: see the template.",
                        value=given[:60],
                    ),
                )
            else:
                problem(column, _l("This column is required."))
    form = _form()
    form.process(
        MultiDict(
            {
                **{key: value for key, value in values.items() if key in RowForm.PUBLIC_FIELDS},
                "category": category.value if category else Category.OTHER.value,
                "region": region.value if region else Region.ABROAD.value,
                "contact_name": values.get("contact_name", ""),
                "contact_email": values.get("contact_email", ""),
            }
        )
    )
    if not form.validate():
        for name, form_field in form._fields.items():
            if form_field.errors:
                problem(name, form_field.errors[0])
    language = values.get("language", "").strip().lower() or default_language
    if language is None:
        problem("language", _l("No language: fill the column in, or choose one for the file."))
    elif language not in LANGUAGES:
        problem("language", _l("The language must be en, fr or nl."))
    signed_on = today
    if values.get("signed_on", "").strip():
        found_date = read_date(values["signed_on"])
        if found_date is None:
            problem("signed_on", _l("Not a date: write it like 2024-03-15 or 15/03/2024."))
        elif found_date > today:
            problem("signed_on", _l("This date is in the future."))
        else:
            signed_on = found_date
    if problems or category is None or region is None or language is None:
        return problems
    return Row(
        line=raw.line,
        fields=form.public_fields(),
        contact_name=form.contact_name.data or None,
        contact_email=form.contact_email.data or None,
        language=language,
        signed_on=signed_on,
    )
