"""Forms of the console's import of supporters and of adding one organisation by hand."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..i18n import LANGUAGE_NAMES
from ..importing import Row
from ..models import endorsement as limits
from ..models.imports import CONSENT_NOTE_MAX
from ..models.types import utcnow
from ..public.fields import (
    ChoiceField,
    SelectChoice,
    clean_line,
    clean_text,
    no_address,
    normalized_email,
    plain_characters,
)
from ..public.forms import PublicFieldsForm


def _consent_note() -> TextAreaField:
    return TextAreaField(
        _l("How the organisations gave their consent"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Please say how consent was given: it is kept with each entry.")),
            Length(max=CONSENT_NOTE_MAX),
            plain_characters,
        ],
        description=_l("For example: “Signed by email to the coordinator, 2023–2025.”"),
        render_kw={"rows": 2},
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file of supporters"),
        validators=[FileRequired(_l("Please choose a CSV file."))],
        description=_l("UTF-8, commas or semicolons, at most 5 MB, with the template's columns."),
        render_kw={"accept": ".csv,text/csv"},
    )
    language = ChoiceField(
        _l("Language of rows that name none"),
        choices=[SelectChoice("", _l("Every row names its language"))]
        + [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validators=[Optional()],
    )
    consent_note = _consent_note()
    claim_mails = BooleanField(
        _l("Send each contact one email: listed, with a link to check, correct or withdraw")
    )
    submit = SubmitField(_l("Upload and preview"))


def _not_in_future(_form: FlaskForm, field: DateField) -> None:
    if field.data and field.data > utcnow().date():
        raise ValidationError(str(_l("This date is in the future.")))


class AddForm(PublicFieldsForm, FlaskForm):
    """One organisation, by hand: the sign form's public fields and rules, the contact if
    known, when and how it gave its consent."""

    contact_name = StringField(
        _l("Contact's name (optional)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=limits.PERSON_MAX), plain_characters, no_address],
    )
    contact_email = EmailField(
        _l("Contact's email address (optional)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=limits.EMAIL_MAX), plain_characters, normalized_email],
    )
    language = ChoiceField(
        _l("Contact's language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
    )
    signed_on = DateField(
        _l("Signed on (optional; today if empty)"), validators=[Optional(), _not_in_future]
    )
    consent_note = _consent_note()
    publish = BooleanField(_l("Publish at once (otherwise it waits in the queue)"), default=True)
    submit = SubmitField(_l("Add the organisation"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.consent_note.label.text = str(_l("How the organisation gave its consent"))

    def row(self) -> Row:
        """The organisation as the import stores one, once validated."""
        signed_on: date = self.signed_on.data or utcnow().date()
        return Row(
            line=0,
            fields=self.public_fields(),
            contact_name=self.contact_name.data or None,
            contact_email=self.contact_email.data or None,
            language=self.language.data or "en",
            signed_on=signed_on,
        )
