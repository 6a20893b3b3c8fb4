"""Importing the organisations that signed before the site existed, from a CSV file.

``csvfile`` reads the file as Excel and LibreOffice write it; ``rows`` checks each row by the
sign form's rules and reads categories and regions by code or label; ``batch`` plans an
import (the report the CLI and the console's preview show), runs it in one transaction,
sends each contact one mail if asked, and undoes it.
"""

from .batch import (
    NotImported,
    Options,
    Outcome,
    Plan,
    PlannedRow,
    add_by_hand,
    forget_expired_uploads,
    options_of,
    plan,
    run,
    stage,
    staged,
    undo,
)
from .csvfile import COLUMNS, TEMPLATE, Problem
from .rows import Row

__all__ = [
    "COLUMNS",
    "TEMPLATE",
    "NotImported",
    "Options",
    "Outcome",
    "Plan",
    "PlannedRow",
    "Problem",
    "Row",
    "add_by_hand",
    "forget_expired_uploads",
    "options_of",
    "plan",
    "run",
    "stage",
    "staged",
    "undo",
]
