"""Input cleaning and validation shared by the public forms."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, SelectField, StringField

# New in WTForms 3.3 and not yet in types-WTForms (3.2); the forms import it from here.
from wtforms.fields.choices import SelectChoice as SelectChoice  # type: ignore[attr-defined]
from wtforms.form import BaseForm
from wtforms.validators import ValidationError

from ..text import has_address

_SPACES = re.compile(r"\s+")


def required_text(field: StringField) -> str:
    """The text of a field validated with DataRequired, once its form validated: never None."""
    if field.data is None:
        raise ValueError(f"{field.name} has no value: validate the form first")
    return field.data


def clean_line(value: Any) -> Any:
    """Strip a one-line text and collapse its inner spacing."""
    if isinstance(value, str):
        return _SPACES.sub(" ", value).strip()
    return value


def clean_text(value: Any) -> Any:
    """Strip a multi-line text and unify its line breaks."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def plain_characters(form: Form, field: Field) -> None:
    """Refuse NUL and other control characters, and bytes that were not valid UTF-8."""
    value = field.data
    if not isinstance(value, str):
        return
    for char in value:
        if char in "\n\t":
            continue
        if char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cs"):
            raise ValidationError(str(_l("This field contains characters that are not allowed.")))


#: Letters a name needs at least: "X" is no organisation's name.
MIN_NAME_LETTERS = 2


def enough_letters(form: Form, field: Field) -> None:
    """Refuse a name with fewer than ``MIN_NAME_LETTERS`` letters, in any script."""
    if isinstance(field.data, str) and sum(c.isalpha() for c in field.data) < MIN_NAME_LETTERS:
        raise ValidationError(
            str(
                _l(
                    "Please write the name of your organisation in full: at least %(count)d "
                    "letters.",
                    count=MIN_NAME_LETTERS,
                )
            )
        )


def no_address(form: Form, field: Field) -> None:
    """Refuse a web address, a domain-like word or an email address in a name: mails from the
    campaign repeat the names, and mail programs would make links of them."""
    if isinstance(field.data, str) and has_address(field.data):
        raise ValidationError(str(_l("Please write the name without a web or email address.")))


def normalized_email(form: Form, field: Field) -> None:
    """Check an email address and keep it in normalised form."""
    if not field.data:
        return
    try:
        result = validate_email(
            field.data,
            check_deliverability=current_app.config["EMAIL_CHECK_DELIVERABILITY"],
        )
    except EmailNotValidError as exc:
        raise ValidationError(
            str(_l("Please enter a valid email address, like name@example.org."))
        ) from exc
    field.data = result.normalized.lower()


def website_url(form: Form, field: Field) -> None:
    """Accept ``example.org`` or a full http(s) address; store it with its scheme.

    Only addresses whose host every reader agrees on: no backslash (browsers read it as a
    slash, Python does not, so ``http://evil.example\\@good.org`` is good.org to the
    moderators' hints and evil.example to a browser) and no user name or password before
    an ``@`` (which shows one site to a reader and leads to another).
    """
    if not field.data:
        field.data = None
        return
    value = field.data if "://" in field.data else f"https://{field.data}"
    if not website_host(value):
        raise ValidationError(str(_l("Please enter a web address, like https://example.org.")))
    field.data = value


def website_host(url: str) -> str | None:
    """The host of an http(s) address we accept as an organisation's website, else None."""
    if "\\" in url or " " in url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        host.encode("idna")
    except (ValueError, UnicodeError):
        return None
    if parts.scheme not in ("http", "https") or "@" in parts.netloc or "." not in host:
        return None
    return host


class ChoiceField(SelectField):
    """A select whose refusal message is ours, and so translated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: BaseForm) -> None:
        # types-WTForms types choices as the tuples of WTForms before 3.3; ours are SelectChoices.
        allowed = {choice.value for choice in self.choices if choice.value}  # type: ignore[union-attr]
        if self.data not in allowed:
            raise ValidationError(str(_l("Please choose one of the options.")))
