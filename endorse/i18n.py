"""Languages: every public page lives under /<lang>/, and the URL decides the language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, g, request, url_for
from werkzeug.routing import BaseConverter, ValidationError

from .config import LANGUAGES
from .errors import ConfigError
from .extensions import babel
from .urls import external_url

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "nl": "Nederlands"}


class LanguageConverter(BaseConverter):
    """Matches only the languages we have, so /de/ is a plain 404 and /favicon.ico is not
    taken for a language (which would redirect it to /favicon.ico/)."""

    regex = "|".join(LANGUAGES)

    def to_python(self, value: str) -> str:
        if value not in LANGUAGES:
            raise ValidationError()
        return value


def preferred_language() -> str:
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current_language() -> str:
    """The page's language: its address's (``/fr/...``), even when no page matched it (a
    404 under ``/fr/`` is in French), else the browser's."""
    lang = g.get("lang")
    if lang:
        return str(lang)
    if not request:
        return LANGUAGES[0]
    prefix = request.path.split("/", 2)[1]
    return prefix if prefix in LANGUAGES else preferred_language()


def _select_locale() -> str:
    return current_language()


CATALOGS = Path(__file__).resolve().parent / "translations"


def missing_catalogs() -> list[str]:
    """The languages other than English whose compiled catalog (.mo) is not installed."""
    return [
        lang
        for lang in LANGUAGES[1:]
        if not (CATALOGS / lang / "LC_MESSAGES" / "messages.mo").is_file()
    ]


def init_app(app: Flask) -> None:
    missing = missing_catalogs()
    if missing and not (app.debug or app.testing):
        # Without them French and Dutch visitors would silently read English.
        raise ConfigError(
            f"the compiled catalogs for {', '.join(missing)} are missing from {CATALOGS}: "
            "run `pybabel compile -d endorse/translations` (make translations)"
        )
    if missing:
        app.logger.warning("no compiled catalog for %s: those pages are in English", missing)
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
    def language_url(code: str, external: bool = False) -> str:
        """This page in another language, its query (search, filters) kept; ``external``:
        absolute, from ENDORSE_BASE_URL, as search engines want hreflang alternates."""
        values = {**request.args.to_dict(), **(request.view_args or {}), "lang": code}
        endpoint = request.endpoint or "public.home"
        return external_url(endpoint, **values) if external else url_for(endpoint, **values)

    @app.context_processor
    def _languages() -> dict[str, Any]:
        return {
            "languages": LANGUAGES,
            "language_names": LANGUAGE_NAMES,
            "lang": current_language(),
        }
