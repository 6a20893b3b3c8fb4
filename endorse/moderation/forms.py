"""Forms of the moderators' console."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from ..i18n import LANGUAGE_NAMES
from ..models import Category, Region, RejectReason, Role, State
from ..models.types import MAX_ID
from ..public.fields import (
    ChoiceField,
    SelectChoice,
    clean_line,
    clean_text,
    plain_characters,
    required_text,
)
from ..public.forms import PublicFieldsForm
from .accounts import MIN_PASSWORD
from .queries import AuditFilters, Filters


def _blank(label: object) -> list[SelectChoice]:
    return [SelectChoice("", label)]


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Please enter your email address.")),
            Length(max=254),
            plain_characters,
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Sign in"))

    def credentials(self) -> tuple[str, str]:
        """The email address and the password, once validated."""
        return required_text(self.email), required_text(self.password)


def _new_password() -> PasswordField:
    """A new password's field, for setting one and for changing one (a fresh field each call,
    so each form keeps its own field order)."""
    return PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Please choose a password.")),
            Length(
                min=MIN_PASSWORD,
                max=1000,
                message=_l("Please use at least %(min)d characters.", min=MIN_PASSWORD),
            ),
        ],
        description=_l(
            "At least %(min)d characters. A sentence you can remember works well.", min=MIN_PASSWORD
        ),
        render_kw={"autocomplete": "new-password"},
    )


def _the_same_again() -> PasswordField:
    return PasswordField(
        _l("The same password again"),
        validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


class SetPasswordForm(FlaskForm):
    password = _new_password()
    confirm = _the_same_again()
    submit = SubmitField(_l("Set my password"))

    def new_password(self) -> str:
        """The chosen password, once validated."""
        return required_text(self.password)


class ActionForm(FlaskForm):
    """A button that changes state: CSRF-protected, with an optional reason."""

    reason = StringField(
        _l("Reason (optional)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=500), plain_characters],
    )
    submit = SubmitField(_l("Confirm"))


class RejectForm(FlaskForm):
    code = ChoiceField(
        _l("Reason"),
        choices=_blank(_l("Choose one…")) + [SelectChoice(r.value, r.label) for r in RejectReason],
    )
    note = TextAreaField(
        _l("Details (optional)"),
        filters=[clean_text],
        validators=[Optional(), Length(max=400), plain_characters],
        render_kw={"rows": 3},
    )
    notify = BooleanField(_l("Tell the signer by email, in their language"))
    submit = SubmitField(_l("Reject"))


def _ids_in_range(_form: FlaskForm, field: SelectMultipleField) -> None:
    """Only ids a row can have: the database is never asked for one it cannot hold."""
    if any(not 1 <= number <= MAX_ID for number in field.data or []):
        raise ValidationError(str(_l("Select at least one endorsement.")))


class BulkForm(FlaskForm):
    ids = SelectMultipleField(
        _l("Endorsements"), coerce=int, validate_choice=False, validators=[_ids_in_range]
    )
    code = ChoiceField(
        _l("Reason for rejecting"),
        choices=_blank(_l("Choose one…")) + [SelectChoice(r.value, r.label) for r in RejectReason],
        validators=[Optional()],
    )
    approve = SubmitField(_l("Approve selected"))
    reject = SubmitField(_l("Reject selected"))


class EditForm(PublicFieldsForm, FlaskForm):
    """The public fields as a moderator corrects them, with the reason for the record."""

    reason = StringField(
        _l("Why you change it (optional)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=500), plain_characters],
    )
    submit = SubmitField(_l("Save changes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The signer is asked why they sign; the moderator edits what the public reads.
        self.statement.label.text = str(_l("Public statement (optional)"))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(
        _l("Search"),
        filters=[clean_line],
        validators=[Optional(), Length(max=200), plain_characters],
    )
    state = ChoiceField(
        _l("State"),
        validators=[Optional()],
        choices=_blank(_l("Any")) + [SelectChoice(s.value, s.label) for s in State],
    )
    category = ChoiceField(
        _l("Kind of organisation"),
        validators=[Optional()],
        choices=_blank(_l("Any")) + [SelectChoice(c.value, c.label) for c in Category],
    )
    region = ChoiceField(
        _l("Province or region"),
        validators=[Optional()],
        choices=_blank(_l("Any")) + [SelectChoice(r.value, r.label) for r in Region],
    )
    since = DateField(_l("Signed from"), validators=[Optional()])
    until = DateField(_l("Signed until"), validators=[Optional()])
    submit = SubmitField(_l("Search"))

    def filters(self) -> Filters:
        return Filters(
            state=State(self.state.data) if self.state.data else None,
            category=Category(self.category.data) if self.category.data else None,
            region=Region(self.region.data) if self.region.data else None,
            since=self.since.data,
            until=self.until.data,
            text=self.q.data or None,
        )


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False

    # Its options are the actions on record, named (see display.action_choices).
    action = ChoiceField(_l("Action"), validators=[Optional()], choices=_blank(_l("Any")))
    endorsement = IntegerField(
        _l("Endorsement number"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_ID, message=_l("Please enter an endorsement number.")),
        ],
    )
    actor = StringField(
        _l("Moderator's email"),
        filters=[clean_line],
        validators=[Optional(), Length(max=254), plain_characters],
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def filters(self) -> AuditFilters:
        return AuditFilters(
            action=self.action.data or None,
            endorsement_id=self.endorsement.data or None,
            actor=self.actor.data or None,
            since=self.since.data,
            until=self.until.data,
        )


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Please enter an email address.")),
            Length(max=254),
            plain_characters,
        ],
    )
    role = ChoiceField(
        _l("Role"),
        choices=[
            SelectChoice(Role.MODERATOR.value, _l("Moderator")),
            SelectChoice(Role.ADMIN.value, _l("Admin")),
        ],
    )
    submit = SubmitField(_l("Send the invitation"))

    def address(self) -> str:
        """The invitee's email address, once validated."""
        return required_text(self.email)


class RoleForm(FlaskForm):
    role = ChoiceField(
        _l("Role"),
        choices=[
            SelectChoice(Role.MODERATOR.value, _l("Moderator")),
            SelectChoice(Role.ADMIN.value, _l("Admin")),
        ],
    )
    submit = SubmitField(_l("Change role"))


class PageForm(FlaskForm):
    title = StringField(
        _l("Title"),
        filters=[clean_line],
        validators=[DataRequired(_l("Please enter a title.")), Length(max=200), plain_characters],
    )
    body = TextAreaField(
        _l("Text (Markdown)"),
        filters=[clean_text],
        validators=[Length(max=50_000), plain_characters],
        description=_l(
            "**bold**, *italic*, [a link](https://example.org), ## a heading, - a list item."
        ),
        render_kw={"rows": 18},
    )
    submit = SubmitField(_l("Save"))

    def page(self) -> tuple[str, str]:
        """The title and the text, once validated."""
        return required_text(self.title), self.body.data or ""


class DossierForm(FlaskForm):
    file = FileField(
        _l("The dossier (PDF)"),
        validators=[FileRequired(_l("Please choose a PDF file."))],
        render_kw={"accept": "application/pdf"},
    )
    submit = SubmitField(_l("Upload"))


class CorrectionForm(FlaskForm):
    """Accept or refuse a signer's correction: the one the moderator saw, by its number."""

    correction = IntegerField(
        validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)], widget=HiddenInput()
    )
    reason = StringField(
        _l("Reason (optional)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=500), plain_characters],
    )
    accept = SubmitField(_l("Accept the correction"))
    refuse = SubmitField(_l("Refuse the correction"))


class PreferencesForm(FlaskForm):
    language = ChoiceField(
        _l("Language of the console and of your mail"),
        choices=[SelectChoice("", _l("As my browser asks"))]
        + [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        validators=[Optional()],
    )
    digest = BooleanField(_l("Mail me each morning when endorsements await a decision"))
    submit = SubmitField(_l("Save preferences"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password.")), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password()
    confirm = _the_same_again()
    change = SubmitField(_l("Change my password"))

    def passwords(self) -> tuple[str, str]:
        """The current password and the new one, once validated."""
        return required_text(self.current), required_text(self.password)
