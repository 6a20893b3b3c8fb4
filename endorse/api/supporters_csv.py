"""The supporters as one CSV file, for spreadsheets: every public entry, public fields only.

It lives beside the API (the same data, built from ``publication``) but at the site's root,
``/supporters.csv``, and is not counted against the API's rate limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue
from sqlalchemy import Row

from .. import caching, publication
from ..export import csv_stream
from ..extensions import db

bp = Blueprint("open_data", __name__)

CSV_COLUMNS = (
    "id",
    "name",
    "category",
    "region",
    "area",
    "city",
    "website",
    "statement",
    "approved_at",
)
CSV_CHUNK = 16 * 1024  # characters gathered before a piece of the CSV is sent
CSV_BATCH = 500  # rows fetched from the database at a time


@bp.get("/supporters.csv")
def supporters_csv() -> ResponseReturnValue:
    """Every approved organisation, streamed so that the list's size never matters.

    The query runs here, before the response starts, so a database that is down gets the
    503 page, not a 200 cut short. It runs in a session of its own, closed with the response:
    the request's session is closed at teardown, once this view returns, while the rows are
    still on their way.
    """
    session = db.session.session_factory()
    try:
        rows = session.execute(publication.all_public().execution_options(yield_per=CSV_BATCH))
    except BaseException:
        session.close()
        raise
    response = Response(_csv_lines(rows), mimetype="text/csv")
    response.call_on_close(session.close)
    response.headers["Content-Disposition"] = 'attachment; filename="supporters.csv"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return caching.shared(response)


def _csv_lines(rows: Iterable[Row[Any]]) -> Iterator[str]:
    """A BOM so spreadsheet tools read UTF-8, a header, then the rows, formula-safe."""

    def records() -> Iterator[list[object]]:
        for row in rows:
            values = {**row._mapping, "area": row.region.area}
            yield [values[column] for column in CSV_COLUMNS]

    yield from csv_stream(CSV_COLUMNS, records(), CSV_CHUNK)
