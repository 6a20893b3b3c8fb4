"""The CSV writer behind every export: cells a spreadsheet shows as text, pieces that join up."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from endorse.export import csv_stream, safe_cell


def test_an_empty_value_is_an_empty_cell() -> None:
    assert safe_cell(None) == ""


def test_dates_are_written_in_iso_8601() -> None:
    assert safe_cell(datetime(2026, 12, 1, 9, 30, tzinfo=UTC)) == "2026-12-01T09:30:00+00:00"
    assert safe_cell(date(2026, 12, 1)) == "2026-12-01"


RECORDS = [(index, f"Org {index}", "=1+1" if index == 2 else "plain") for index in range(1, 6)]


def _whole() -> str:
    return "".join(csv_stream(("id", "name", "note"), RECORDS))


def test_pieces_join_up_to_the_same_file_whatever_their_size() -> None:
    whole = _whole()
    assert whole.startswith('\ufeff"id","name","note"\r\n')
    for chunk in (1, 7, 40, 10_000):
        pieces = list(csv_stream(("id", "name", "note"), RECORDS, chunk=chunk))
        assert "".join(pieces) == whole
    rows = list(csv.reader(io.StringIO(whole.removeprefix("\ufeff"))))
    assert rows[2] == ["2", "Org 2", "'=1+1"]
    assert len(rows) == 6


def test_a_piece_ends_as_soon_as_it_reaches_the_chunk_size() -> None:
    head = '\ufeff"id","name","note"\r\n"1","Org 1","plain"\r\n'
    pieces = list(csv_stream(("id", "name", "note"), RECORDS, chunk=len(head)))
    assert pieces[0] == head
