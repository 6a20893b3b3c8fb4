"""Our addresses: the ids in paths, and absolute links for emails, built from ENDORSE_BASE_URL
and never from a request's Host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.routing import BaseConverter, ValidationError

from .models.types import MAX_ID


class IdConverter(BaseConverter):
    """A row's id in a path, ``<id:endorsement_id>``: 1 to 2**31 - 1, written without leading
    zeros. Anything else is a plain 404, never a number the database cannot hold (a 500 on
    SQLite past 2**63, a database error and a false outage alarm on PostgreSQL past 2**31)."""

    regex = r"[1-9][0-9]{0,9}"
    weight = 50  # as werkzeug's int: a fixed word in the same place wins
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter


def external_url(endpoint: str, **values: Any) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
