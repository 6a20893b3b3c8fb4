"""The forms a visitor fills in."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import logos
from ..models import Category, Region
from ..models import endorsement as limits
from ..operations import PublicFields, Submission
from .fields import (
    ChoiceField,
    clean_line,
    clean_text,
    normalized_email,
    plain_characters,
    website_url,
)


def _required(message: str) -> DataRequired:
    return DataRequired(message=message)


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("Please use at most %(max)d characters.", max=limit))


class EmailMixin:
    contact_email = EmailField(
        _l("Email address"),
        filters=[clean_line],
        validators=[
            _required(_l("Please enter your email address.")),
            _at_most(limits.EMAIL_MAX),
            plain_characters,
            normalized_email,
        ],
        render_kw={"autocomplete": "email"},
    )


class SignForm(FlaskForm):
    name = StringField(
        _l("Organisation name"),
        filters=[clean_line],
        validators=[
            _required(_l("Please enter the name of your organisation.")),
            _at_most(limits.NAME_MAX),
            plain_characters,
        ],
        description=_l("As you want it to appear in the list of supporters."),
        render_kw={"autocomplete": "organization"},
    )
    category = ChoiceField(
        _l("Kind of organisation"),
        choices=[SelectChoice("", _l("Choose one…"))]
        + [SelectChoice(c.value, c.label) for c in Category],
    )
    city = StringField(
        _l("City or town"),
        filters=[clean_line],
        validators=[
            _required(_l("Please enter the city or town of your organisation.")),
            _at_most(limits.CITY_MAX),
            plain_characters,
        ],
    )
    region = ChoiceField(
        _l("Province or region"),
        choices=[SelectChoice("", _l("Choose one…"))]
        + [SelectChoice(r.value, r.label, optgroup=r.area.label) for r in Region],
    )
    website = StringField(
        _l("Website (optional)"),
        filters=[clean_line],
        validators=[Optional(), _at_most(limits.WEBSITE_MAX), plain_characters, website_url],
        render_kw={"inputmode": "url", "autocomplete": "url"},
    )
    statement = TextAreaField(
        _l("Why your organisation signs (optional)"),
        filters=[clean_text],
        validators=[Optional(), _at_most(limits.STATEMENT_MAX), plain_characters],
        description=_l("A short public statement, at most 500 characters."),
        render_kw={"rows": 4},
    )
    contact_name = StringField(
        _l("Your name"),
        filters=[clean_line],
        validators=[
            _required(_l("Please enter your name.")),
            _at_most(limits.PERSON_MAX),
            plain_characters,
        ],
        description=_l("Not published. Moderators may contact you to check the signature."),
        render_kw={"autocomplete": "name"},
    )
    contact_email = EmailMixin.contact_email
    contact_role = StringField(
        _l("Your role in the organisation (optional)"),
        filters=[clean_line],
        validators=[Optional(), _at_most(limits.PERSON_MAX), plain_characters],
        render_kw={"autocomplete": "organization-title"},
    )
    consent_publish = BooleanField(
        _l(
            "I may sign on behalf of this organisation, and I agree that its name, kind, "
            "city and statement are published as a supporter of the position."
        ),
        validators=[
            _required(_l("Please tick this box: we publish an organisation only with its consent."))
        ],
    )
    news_opt_in = BooleanField(_l("Send me occasional news from the campaign (optional)."))
    logo = FileField(
        _l("Logo (optional)"),
        description=_l("PNG, JPEG or WebP, at most 2 MB. Shown beside your name once published."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    logo_consent = BooleanField(_l("We agree that our logo is shown with our name."))
    # Hidden from people by CSS; bots that fill every field give themselves away.
    fax_number = StringField(_l("Leave this field empty"), filters=[clean_line])
    submit = SubmitField(_l("Sign the position"))

    def is_bot(self) -> bool:
        return bool(self.fax_number.data)

    def validate_logo(self, field: FileField) -> None:
        """Check the logo by its content and keep it re-encoded; never trust its name."""
        upload = field.data
        if not upload or not getattr(upload, "filename", None):
            field.data = None
            return
        data = upload.read(current_app.config["LOGO_MAX_BYTES"] + 1)
        if len(data) > current_app.config["LOGO_MAX_BYTES"]:
            raise ValidationError(str(_l("The logo is larger than 2 MB.")))
        try:
            field.data = logos.process(data)
        except logos.BadImage as exc:
            raise ValidationError(str(_l("The logo must be a PNG, JPEG or WebP image."))) from exc
        if not self.logo_consent.data:
            raise ValidationError(
                str(_l("Tick the box below to let us show your logo, or remove the file."))
            )

    def submission(self, language: str) -> Submission:
        return Submission(
            name=self.name.data,
            category=Category(self.category.data),
            city=self.city.data,
            region=Region(self.region.data),
            website=self.website.data or None,
            statement=self.statement.data or None,
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data,
            contact_role=self.contact_role.data or None,
            language=language,
            consent_publish=bool(self.consent_publish.data),
            news_opt_in=bool(self.news_opt_in.data),
            logo=self.logo.data,
        )


class ResendForm(FlaskForm):
    contact_email = EmailMixin.contact_email
    submit = SubmitField(_l("Send me a new link"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm our endorsement"))


class ManageForm(FlaskForm):
    """The public fields, as the signer may correct them."""

    name = SignForm.name
    category = SignForm.category
    city = SignForm.city
    region = SignForm.region
    website = SignForm.website
    statement = SignForm.statement
    submit = SubmitField(_l("Save the changes"))

    def fields(self) -> PublicFields:
        return PublicFields(
            name=self.name.data,
            category=Category(self.category.data),
            city=self.city.data,
            region=Region(self.region.data),
            website=self.website.data or None,
            statement=self.statement.data or None,
        )
