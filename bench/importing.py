"""`python -m bench --import`: importing a CSV file of supporters (10,000 rows by default).

In one process, against a fresh database that already holds ``--existing`` organisations
(1,000) of which the file names 100 again (duplicates, looked up among real rows), it times:

- the dry run: reading the file, checking every row by the sign form's rules, finding the
  duplicates (what `flask endorse import-supporters --dry-run` and the console's preview do);
- the import: the same, then one transaction that stores the rows, their tallies, their
  search names and one audit record each;
- the undo: every entry withdrawn and its contact erased, one by one.

The file is written as Excel writes it in Belgium (a byte order mark, semicolons), with kinds
and regions as labels in the row's language.

    python -m bench --import             # PostgreSQL (ENDORSE_BENCH_DATABASE_URL's server,
                                         # database endorse_bench_import)
    python -m bench --import --sqlite    # a SQLite file
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask_babel import force_locale

from . import data
from .run import DEFAULT_PG, _env, _flask, _fresh_database

DUPLICATES = 100
T = TypeVar("T")


def csv_file(rows: int, existing: int, seed: int = 7) -> bytes:
    """``rows`` organisations, the first ``DUPLICATES`` of them among the ``existing``."""
    rng = random.Random(seed)
    first = max(existing - DUPLICATES, 0)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["name", "category", "city", "region", "contact_email", "language"])
    for index, (name, language) in enumerate(data.names(first + rows)):
        if index < first:
            continue
        city, region = rng.choice(data.CITIES)
        kind = rng.choice(list(data.Category))
        with force_locale(language):
            labels = (str(kind.label), str(region.label))
        writer.writerow([name, labels[0], city, labels[1], f"old{index}@org.example", language])
    return ("\ufeff" + out.getvalue()).encode()


def _timed(what: str, rows: int, call: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    print(f"{what:<32} {rows:>7,} rows  {seconds:7.2f} s  {rows / seconds:8,.0f} rows/s")
    return seconds, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench --import", description=__doc__)
    parser.add_argument("--import", dest="_import", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sqlite", action="store_true", help="run on a SQLite file")
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the file")
    parser.add_argument("--existing", type=int, default=1_000, help="organisations already in")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="endorse-bench-import-") as tmp:
        instance = Path(tmp)
        base = os.environ.get("ENDORSE_BENCH_DATABASE_URL", DEFAULT_PG).rpartition("/")[0]
        url = (
            f"sqlite:///{instance / 'bench.sqlite'}"
            if args.sqlite
            else f"{base}/endorse_bench_import"
        )
        _fresh_database(url)
        env = _env(url, instance)
        _flask(env, "db", "upgrade")
        os.environ.update(env)
        _measure(args.rows, args.existing)


def _measure(rows: int, existing: int) -> None:
    from endorse import audit, create_app, importing, projections

    app = create_app()
    with app.app_context():
        data.load(existing)
        content = csv_file(rows, existing)
        print(f"{app.config['DATABASE_URL'].partition(':')[0]}: {existing:,} organisations in,")
        print(f"a file of {rows:,} rows ({len(content) / 1e6:.1f} MB), {DUPLICATES} already in")
        options = importing.Options(consent_note="Signed by email before the site")
        _, report = _timed(
            "dry run (check, duplicates)",
            rows,
            lambda: importing.plan(content, "bench.csv", options),
        )
        if not report.ok:
            raise SystemExit(f"the generated file does not pass: {report}")
        _, outcome = _timed(
            "import (one transaction)",
            rows,
            lambda: importing.run(content, "bench.csv", options, audit.SYSTEM),
        )
        print(f"imported {outcome.imported:,}, skipped {len(outcome.plan.duplicates):,}")
        print(f"public count now {projections.read_counts().organisations:,}")
        import_id = outcome.import_id
        if import_id is None:
            raise SystemExit("nothing was imported")
        _timed(
            "undo (withdraw and erase)",
            outcome.imported,
            lambda: importing.undo(import_id, audit.SYSTEM),
        )
        print(f"audit chain intact: {audit.verify().ok}")
