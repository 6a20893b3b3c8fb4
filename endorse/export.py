"""CSV export for staff: spreadsheet-friendly and safe to open."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from .models import Endorsement

COLUMNS = (
    "id", "state", "name", "category", "region", "city", "website", "statement",
    "contact_name", "contact_email", "contact_role", "language", "news_opt_in",
    "duplicate_of_id", "created_at", "verified_at", "approved_at", "rejection_reason",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text that a spreadsheet shows as text: a leading = + - @ would start a formula."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def rows(entries: Iterable[Endorsement]) -> Iterator[str]:
    """The CSV, line by line: a BOM so spreadsheet tools read UTF-8, then a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield "\ufeff" + flush()
    for entry in entries:
        writer.writerow([safe_cell(getattr(entry, column)) for column in COLUMNS])
        yield flush()
