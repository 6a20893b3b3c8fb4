"""The forms a visitor fills in."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    Form,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from .. import logos
from ..logos import ProcessedLogo
from ..models import Area, Category, Region
from ..models import endorsement as limits
from ..models.types import MAX_ID
from ..operations import EDITABLE, PublicFields, Submission
from ..publication import MAX_PER_PAGE, SupporterQuery
from ..text import LETTERS, OTHER_LETTER
from ..tokens import TokenError, carry_upload, make_form_token, read_carried_upload
from .fields import (
    ChoiceField,
    SelectChoice,
    clean_line,
    clean_text,
    enough_letters,
    no_address,
    normalized_email,
    plain_characters,
    required_text,
    website_url,
)

T = TypeVar("T")


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

    def email(self) -> str:
        """The address, validated and normalised."""
        return required_text(self.contact_email)


class PublicForm(FlaskForm):
    """A form of the public site. It keeps no session, so its page can be cached and shared:
    ``security.from_this_site`` refuses posts from other sites, by what browsers say of where
    a post comes from or, for clients that say nothing, by this signed, dated token."""

    class Meta:
        csrf = False  # Flask-WTF's token lives in the session

    csrf_token = HiddenField(default=make_form_token)

    #: The fields in the order the page shows them, when it differs from the order they are
    #: declared in (mixins come first): the error summary follows it.
    SHOWN_ORDER: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.SHOWN_ORDER:
            rank = {name: place for place, name in enumerate(self.SHOWN_ORDER)}
            last = len(rank)
            declared: dict[str, Field] = self._fields  # type: ignore[has-type]
            self._fields = dict(sorted(declared.items(), key=lambda item: rank.get(item[0], last)))


class PublicFieldsForm:
    """What the public sees of an organisation (``operations.PublicFields``), as form fields
    mixed into the sign form, the signer's manage form and the console's edit form."""

    PUBLIC_FIELDS = EDITABLE  # in the order they are shown

    name = StringField(
        _l("Organisation name"),
        filters=[clean_line],
        validators=[
            _required(_l("Please enter the name of your organisation.")),
            _at_most(limits.NAME_MAX),
            plain_characters,
            enough_letters,
            no_address,
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

    def public_fields(self) -> PublicFields:
        """The six fields, validated and cleaned, as the operations take them."""
        return PublicFields(
            name=required_text(self.name),
            category=Category(self.category.data),
            city=required_text(self.city),
            region=Region(self.region.data),
            website=self.website.data or None,
            statement=self.statement.data or None,
        )


class LogoFields:
    """An organisation's logo and the consent to show it, as the sign form and the manage page
    take them. An accepted image comes back in ``logo_kept`` (signed, see
    ``tokens.carry_upload``) when the form is refused for another reason, so the signer need
    not choose the file again: the public forms keep no session."""

    logo = FileField(
        _l("Logo (optional)"),
        description=_l(
            "PNG, JPEG or WebP, at most 2 MB and %(side)d pixels on each side. Shown beside "
            "your name once published.",
            side=logos.MAX_SOURCE_SIDE,
        ),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    logo_consent = BooleanField(_l("We agree that our logo is shown with our name."))
    logo_kept = HiddenField()
    logo_remove = BooleanField(_l("Remove this logo"))

    def validate_logo(self, field: FileField) -> None:
        """Check a new logo by its content and keep it re-encoded (never trust its name), or
        take back the one the form carried; then ask for the consent to show it."""
        upload = field.data
        if upload and getattr(upload, "filename", None):
            self.logo_kept.data = ""
            field.data = _processed(upload)
        elif self.logo_kept.data and not self.logo_remove.data:
            field.data = _carried(self.logo_kept.data)
        else:
            self.logo_kept.data = ""
            field.data = None
            return
        self.logo_kept.data = carry_upload(field.data.content, field.data.width, field.data.height)
        if not self.logo_consent.data:
            raise ValidationError(
                str(_l("Tick the box below to let us show your logo, or remove the file."))
            )

    def kept_logo(self) -> ProcessedLogo | None:
        """The accepted logo the page shows back, if the form carries one."""
        data = self.logo.data
        return data if isinstance(data, ProcessedLogo) and self.logo_kept.data else None


def _processed(upload: Any) -> ProcessedLogo:
    data = upload.read(current_app.config["LOGO_MAX_BYTES"] + 1)
    if len(data) > current_app.config["LOGO_MAX_BYTES"]:
        raise ValidationError(str(_l("The logo is larger than 2 MB.")))
    try:
        return logos.process(data)
    except logos.TooLarge as exc:
        raise ValidationError(
            str(
                _l(
                    "The logo is too large: please use an image of at most %(side)d pixels "
                    "on each side.",
                    side=logos.MAX_SOURCE_SIDE,
                )
            )
        ) from exc
    except logos.BadImage as exc:
        raise ValidationError(str(_l("The logo must be a PNG, JPEG or WebP image."))) from exc


def _carried(token: str) -> ProcessedLogo:
    """The logo a form carried back: our own re-encoded image, signed by us: not decoded again."""
    try:
        content, width, height = read_carried_upload(token)
    except TokenError as exc:
        raise ValidationError(
            str(_l("We could not keep your logo: please choose the file again."))
        ) from exc
    return ProcessedLogo(content, width, height, hashlib.sha256(content).hexdigest())


class SignForm(EmailMixin, PublicFieldsForm, LogoFields, PublicForm):
    contact_name = StringField(
        _l("Your name"),
        filters=[clean_line],
        validators=[
            _required(_l("Please enter your name.")),
            _at_most(limits.PERSON_MAX),
            plain_characters,
            no_address,
        ],
        description=_l("Not published. Moderators may contact you to check the signature."),
        render_kw={"autocomplete": "name"},
    )
    # contact_email comes from EmailMixin
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
    # Hidden from people by CSS; bots that fill every field give themselves away.
    fax_number = StringField(_l("Leave this field empty"), filters=[clean_line])
    submit = SubmitField(_l("Sign the position"))

    SHOWN_ORDER = (
        "csrf_token",
        *PublicFieldsForm.PUBLIC_FIELDS,
        "logo",
        "logo_kept",
        "logo_remove",
        "logo_consent",
        "contact_name",
        "contact_email",
        "contact_role",
        "fax_number",
        "consent_publish",
        "news_opt_in",
        "submit",
    )

    def is_bot(self) -> bool:
        return bool(self.fax_number.data)

    def submission(self, language: str) -> Submission:
        return Submission(
            **vars(self.public_fields()),
            contact_name=required_text(self.contact_name),
            contact_email=self.email(),
            contact_role=self.contact_role.data or None,
            language=language,
            consent_publish=bool(self.consent_publish.data),
            news_opt_in=bool(self.news_opt_in.data),
            logo=self.logo.data,
        )


class ResendForm(EmailMixin, PublicForm):
    submit = SubmitField(_l("Send me a new link"))


class ConfirmForm(PublicForm):
    submit = SubmitField(_l("Confirm our endorsement"))


class ManageForm(PublicFieldsForm, PublicForm):
    """The public fields, as the signer may correct them."""

    submit = SubmitField(_l("Save the changes"))


class LogoForm(LogoFields, PublicForm):
    """A new logo from the manage page: a file is what this form is for."""

    logo = FileField(
        _l("Logo"),
        description=LogoFields.logo.kwargs["description"],
        render_kw=LogoFields.logo.kwargs["render_kw"],
    )
    submit = SubmitField(_l("Send the new logo"))

    def validate_logo(self, field: FileField) -> None:
        super().validate_logo(field)
        if field.data is None:
            raise ValidationError(str(_l("Please choose an image file.")))


def _one_of(kind: type[StrEnum]) -> Callable[[Form, Field], None]:
    """Take the value as one of ``kind``'s members, or refuse it."""

    def check(_form: Form, field: Field) -> None:
        try:
            field.data = kind(field.data)
        except ValueError as exc:
            raise StopValidation(f"not a {kind.__name__}") from exc

    return check


def _position(_form: Form, field: Field) -> None:
    """An entry's id or a page size: at most ten ASCII digits, within a 32-bit id."""
    value = field.data
    if not (value.isascii() and value.isdigit()) or len(value) > 10 or int(value) > MAX_ID:
        raise StopValidation("not a position")
    field.data = int(value)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _converted(value: object, kind: type[T]) -> T | None:
    """What a validator above made of a field's text; None for a field left empty (or 0)."""
    return value if isinstance(value, kind) and value else None


def _no_nul(_form: Form, field: Field) -> None:
    if "\x00" in field.data:
        raise ValidationError("not a search")


class SupporterSearchForm(Form):
    """What a visitor asks of the supporters list, or a program of the API: a GET form, read
    from the query string (no CSRF: it changes nothing). Every field is optional."""

    q = StringField(filters=[_strip], validators=[Optional(), Length(max=200), _no_nul])
    category = StringField(validators=[Optional(), _one_of(Category)])
    region = StringField(validators=[Optional(), _one_of(Region)])
    area = StringField(validators=[Optional(), _one_of(Area)])
    letter = StringField(
        filters=[lambda value: value.lower() if isinstance(value, str) else value],
        validators=[Optional(), AnyOf((*LETTERS, OTHER_LETTER))],
    )
    after = StringField(validators=[Optional(), _position])
    before = StringField(validators=[Optional(), _position])
    per_page = StringField(
        validators=[Optional(), _position, NumberRange(max=MAX_PER_PAGE)],
    )

    def bad_field(self) -> str | None:
        """The first parameter with a value we do not accept, in the form's order."""
        return next(iter(self.errors), None)

    def query(self, per_page: int) -> SupporterQuery:
        """The validated question; ``per_page`` when the visitor asked for no page size."""
        return SupporterQuery(
            text=self.q.data or None,
            category=_converted(self.category.data, Category),
            region=_converted(self.region.data, Region),
            area=_converted(self.area.data, Area),
            letter=self.letter.data or None,
            after=_converted(self.after.data, int),
            before=_converted(self.before.data, int),
            per_page=_converted(self.per_page.data, int) or per_page,
        )
