"""CSV export for staff: spreadsheet-friendly and safe to open."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from .models import Endorsement

COLUMNS = (
    "id",
    "state",
    "name",
    "category",
    "region",
    "city",
    "website",
    "statement",
    "contact_name",
    "contact_email",
    "contact_role",
    "language",
    "news_opt_in",
    "duplicate_of_id",
    "created_at",
    "verified_at",
    "approved_at",
    "rejection_reason",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text that a spreadsheet shows as text: a leading = + - @ would start a formula."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def csv_stream(
    columns: Sequence[str], records: Iterable[Sequence[object]], chunk: int = 64 * 1024
) -> Iterator[str]:
    """A CSV in pieces of about ``chunk`` characters: a BOM so spreadsheet tools read UTF-8,
    the header, then every record with formula-safe cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write("\ufeff")
    writer.writerow(columns)
    for record in records:
        writer.writerow([safe_cell(value) for value in record])
        if buffer.tell() >= chunk:
            yield flush()
    yield flush()


def rows(entries: Iterable[Endorsement]) -> Iterator[str]:
    """Endorsements for staff, every column including contact data."""
    return csv_stream(
        COLUMNS, ([getattr(entry, column) for column in COLUMNS] for entry in entries)
    )
