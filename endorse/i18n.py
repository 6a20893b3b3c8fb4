"""Languages: every public page lives under /<lang>/, and the URL decides the language."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, url_for
from werkzeug.routing import BaseConverter, ValidationError

from .config import LANGUAGES
from .extensions import babel

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "nl": "Nederlands"}


class LanguageConverter(BaseConverter):
    """Matches only the languages we have, so /de/ is a plain 404."""

    def to_python(self, value: str) -> str:
        if value not in LANGUAGES:
            raise ValidationError()
        return value


def preferred_language() -> str:
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current_language() -> str:
    lang = g.get("lang")
    if lang:
        return str(lang)
    return preferred_language() if request else LANGUAGES[0]


def _select_locale() -> str:
    return current_language()


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = LanguageConverter
    babel.init_app(app, locale_selector=_select_locale)

    @app.url_value_preprocessor
    def _pull_lang(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def _push_lang(endpoint: str, values: dict[str, Any]) -> None:
        if "lang" in values or not g.get("lang"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.lang

    @app.template_global()
    def language_url(code: str) -> str:
        """This page in another language, its query (search, filters) kept."""
        values = {**request.args.to_dict(), **(request.view_args or {}), "lang": code}
        return url_for(request.endpoint or "public.home", **values)

    @app.context_processor
    def _languages() -> dict[str, Any]:
        return {
            "languages": LANGUAGES,
            "language_names": LANGUAGE_NAMES,
            "lang": current_language(),
        }
