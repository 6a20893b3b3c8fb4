"""Forms of the console's content editors: the items of the campaign's lists and its images."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import logos
from ..public.fields import (
    ChoiceField,
    SelectChoice,
    clean_line,
    clean_text,
    plain_characters,
    website_url,
)

MARKDOWN_HELP = _l(
    "**bold**, *italic*, [a link](https://example.org), ## a heading, - a list item."
)
IMAGE_ACCEPT = {"accept": "image/png,image/jpeg,image/webp"}


def _line(label: Any, required: Any = None, length: int = 200, **kwargs: Any) -> StringField:
    validators: list[Any] = [DataRequired(required)] if required else [Optional()]
    return StringField(
        label,
        filters=[clean_line],
        validators=[*validators, Length(max=length), plain_characters],
        **kwargs,
    )


def _markdown(label: Any, required: Any = None, length: int = 20_000, **kwargs: Any) -> Any:
    validators: list[Any] = [DataRequired(required)] if required else []
    kwargs.setdefault("description", MARKDOWN_HELP)
    return TextAreaField(
        label,
        filters=[clean_text],
        validators=[*validators, Length(max=length), plain_characters],
        render_kw={"rows": 8},
        **kwargs,
    )


def image_bytes(field: FileField) -> bytes | None:
    """The uploaded file's bytes, at most ``LOGO_MAX_BYTES``; None when no file was chosen."""
    upload = field.data
    if not upload or not getattr(upload, "filename", None):
        return None
    limit = current_app.config["LOGO_MAX_BYTES"]
    data: bytes = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            str(_l("The image is larger than %(size)d MB.", size=limit // (1024 * 1024)))
        )
    return data


def image_error(error: logos.BadImage) -> str:
    """What to tell an admin whose image was refused."""
    if isinstance(error, logos.TooLarge):
        return str(
            _l(
                "The image is too large: please use one of at most %(side)d pixels on each side.",
                side=logos.MAX_SOURCE_SIDE,
            )
        )
    return str(_l("The image must be a PNG, JPEG or WebP file."))


class ItemForm(FlaskForm):
    """An item of one of the campaign's lists; ``fields`` names what the domain stores."""

    submit = SubmitField(_l("Save"))
    has_photo = False

    def fields(self) -> dict[str, Any]:
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "submit", "photo", "drop_photo")
        }

    def photo_bytes(self) -> bytes | None:
        return None

    def drop(self) -> bool:
        return False


def _photo() -> FileField:
    return FileField(
        _l("Photo (optional)"),
        description=_l(
            "PNG, JPEG or WebP, at most 2 MB and %(side)d pixels on each side.",
            side=logos.MAX_SOURCE_SIDE,
        ),
        render_kw=IMAGE_ACCEPT,
    )


def _drop_photo() -> BooleanField:
    return BooleanField(_l("Remove the photo"))


class PhotoMixin:
    """A form whose item may have a photo (its fields come last, declared by each form)."""

    has_photo = True
    drop_photo: BooleanField
    _photo_data: bytes | None = None

    def validate_photo(self, field: FileField) -> None:
        self._photo_data = image_bytes(field)

    def photo_bytes(self) -> bytes | None:
        return self._photo_data

    def drop(self) -> bool:
        return bool(self.drop_photo.data)


class SectionForm(ItemForm):
    heading = _line(_l("Heading (optional)"))
    body = _markdown(_l("Text (Markdown)"), _l("Please enter the text."))


class QuestionForm(ItemForm):
    question = _line(_l("Question"), _l("Please enter the question."), length=300)
    answer = _markdown(
        _l("Answer (Markdown)"),
        description=_l(
            "Visitors see the question only once it has an answer. "
            "**bold**, *italic*, [a link](https://example.org), - a list item."
        ),
    )


class ExpertForm(PhotoMixin, ItemForm):
    name = _line(_l("Name"), _l("Please enter the name."))
    role = _line(_l("Role or organisation (optional)"))
    quote = _markdown(_l("What they say (Markdown)"), _l("Please enter the quote."), 5_000)
    link = StringField(
        _l("Link (optional)"),
        filters=[clean_line],
        validators=[Optional(), Length(max=500), plain_characters, website_url],
        description=_l("A page where their words can be read in full."),
        render_kw={"inputmode": "url"},
    )
    photo = _photo()
    drop_photo = _drop_photo()


CONSENT_CHOICES = [
    SelectChoice("none", _l("No consent recorded: no photo")),
    SelectChoice("person", _l("The person's own consent")),
    SelectChoice("guardian", _l("A parent's or guardian's consent")),
]


class TestimonyForm(PhotoMixin, ItemForm):
    title = _line(_l("Title"), _l("Please enter a title."))
    text = _markdown(_l("Testimony (Markdown)"), _l("Please enter the testimony."))
    who = _line(
        _l("Who (optional)"),
        length=60,
        description=_l("A first name only, or leave empty to stay anonymous."),
    )
    child = BooleanField(_l("The person is a child"))
    consent = ChoiceField(_l("Consent to show a photo"), choices=CONSENT_CHOICES, default="none")
    consent_note = _line(
        _l("How the consent was recorded"),
        length=300,
        description=_l("Who gave it, when, and where the signed form is kept."),
    )
    photo = _photo()
    drop_photo = _drop_photo()


class BrandForm(FlaskForm):
    file = FileField(
        _l("Image"),
        validators=[FileRequired(_l("Please choose an image."))],
        render_kw=IMAGE_ACCEPT,
    )
    submit = SubmitField(_l("Upload"))
    _data: bytes | None = None

    def validate_file(self, field: FileField) -> None:
        self._data = image_bytes(field)

    def image(self) -> bytes:
        if self._data is None:
            raise ValueError("validate the form first")
        return self._data


class ActionForm(FlaskForm):
    """A button that changes something: moving or removing an item, resetting an image."""

    submit = SubmitField(_l("Confirm"))


FORMS: dict[str, type[ItemForm]] = {
    "position": SectionForm,
    "faq": QuestionForm,
    "experts": ExpertForm,
    "testimonies": TestimonyForm,
}
