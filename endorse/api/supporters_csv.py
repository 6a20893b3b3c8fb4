"""The supporters as one CSV file, for spreadsheets: every public entry, public fields only.

It lives beside the API (the same data, built from ``publication``) but at the site's root,
``/supporters.csv``, and is not counted against the API's rate limit.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, stream_with_context
from flask.typing import ResponseReturnValue

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
    """Every approved organisation, streamed so that the list's size never matters."""
    response = Response(stream_with_context(_csv_lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="supporters.csv"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return caching.shared(response)


def _csv_lines() -> Iterator[str]:
    """A BOM so spreadsheet tools read UTF-8, a header, then the rows, formula-safe.

    The query runs here, not in the view: the request's teardown closes the database
    session once the view returns, and stream_with_context pushes the context again
    only around this generator, so a cursor opened in the view would be gone by now.
    """
    rows = db.session.execute(publication.all_public().execution_options(yield_per=CSV_BATCH))

    def records() -> Iterator[list[object]]:
        for row in rows:
            values = {**row._mapping, "area": row.region.area}
            yield [values[column] for column in CSV_COLUMNS]

    yield from csv_stream(CSV_COLUMNS, records(), CSV_CHUNK)
