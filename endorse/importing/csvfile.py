"""Reading a CSV file of supporters as spreadsheets write it in Belgium.

UTF-8 with or without a byte order mark; commas, or semicolons (Excel in a French or Dutch
locale, where the comma is the decimal sign). The first line names the columns.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

#: The columns a file may have, in the template's order; the first four are required.
COLUMNS = (
    "name",
    "category",
    "city",
    "region",
    "website",
    "statement",
    "contact_name",
    "contact_email",
    "language",
    "signed_on",
)
REQUIRED = COLUMNS[:4]

#: The template offered for download: the header and two example rows.
TEMPLATE = (
    ",".join(COLUMNS)
    + "\r\n"
    + "Ligue des familles asbl,NGO or association,Bruxelles,Bruxelles-Capitale,"
    + "https://liguedesfamilles.example,,Marie Dupont,marie@ligue.example,fr,2024-03-15\r\n"
    + "Kinderrechtenhuis vzw,ngo,Gent,Oost-Vlaanderen,,,,,nl,15/03/2024\r\n"
)


@dataclass(frozen=True)
class Problem:
    """Why a file cannot be imported: a line and a column where there is one."""

    line: int
    column: str | None
    message: str | LazyString


@dataclass(frozen=True)
class RawRow:
    line: int  # where the row starts in the file, the header being line 1
    values: dict[str, str]


class Unreadable(Exception):
    """The file is not a CSV file we can read at all; ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem.message))
        self.problem = problem


def read(content: bytes) -> tuple[list[RawRow], list[Problem]]:
    """The rows of the file by column name, and what is wrong with its columns."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            Problem(0, None, _l("The file is not UTF-8 text: save it as “CSV UTF-8”."))
        ) from exc
    if "\x00" in text:
        raise Unreadable(Problem(0, None, _l("The file is not a CSV file.")))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise Unreadable(Problem(1, None, _l("The file is empty."))) from None
    names = [name.strip().lower() for name in header]
    problems = _header_problems(names)
    rows: list[RawRow] = []
    start = reader.line_num + 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, as spreadsheets leave at the end
            if len(cells) > len(names):
                problems.append(Problem(line, None, _l("This line has more cells than columns.")))
                continue
            rows.append(RawRow(line, dict(zip(names, cells, strict=False))))
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, None, _l("This line is not valid CSV.")))
        raise Unreadable(problems[-1]) from exc
    return rows, problems


def _header_problems(names: list[str]) -> list[Problem]:
    problems = []
    for name in names:
        if name and name not in COLUMNS:
            problems.append(Problem(1, name, _l("Unknown column.")))
    for name in REQUIRED:
        if name not in names:
            problems.append(Problem(1, name, _l("This column is missing.")))
    if len(set(names)) != len(names):
        problems.append(Problem(1, None, _l("A column is named twice.")))
    return problems
