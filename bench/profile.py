"""Where a request's time goes: pyinstrument over repeated requests, and SQL per request.

    python -m bench.profile /fr/supporters "/nl/supporters?q=vereniging" --repeat 50

It runs in process (Flask's test client, no server) against the database the last
``python -m bench`` run left behind (ENDORSE_BENCH_DATABASE_URL, or the local
endorse_bench database), so the data set is the benchmark's own.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from typing import Any

from sqlalchemy import event

from .run import DEFAULT_PG, SECRET


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profile",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", help="paths to GET, e.g. /en/")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--database", default=os.environ.get("ENDORSE_BENCH_DATABASE_URL", DEFAULT_PG)
    )
    args = parser.parse_args(argv)

    from pyinstrument import Profiler

    with tempfile.TemporaryDirectory(prefix="endorse-profile-") as instance:
        os.environ.update(
            {
                "ENDORSE_DATABASE_URL": args.database,
                "ENDORSE_SECRET_KEY": SECRET,
                "ENDORSE_CONTACT_EMAIL": "write-to-us@bench.invalid",
                "ENDORSE_INSTANCE_PATH": instance,
                "ENDORSE_API_LIMIT": "10000000 per minute",
            }
        )
        from endorse import create_app
        from endorse.extensions import db

        app = create_app()
        client = app.test_client()
        statements = [0]
        with app.app_context():
            engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_args: Any) -> None:
            statements[0] += 1

        for path in args.paths:
            client.get(path)  # warm caches and the connection pool
            statements[0] = 0
            profiler = Profiler(interval=0.0005)
            started = time.perf_counter()
            with profiler:
                for _ in range(args.repeat):
                    response = client.get(path)
                    if response.status_code >= 400:
                        raise SystemExit(f"{path}: {response.status_code}")
            elapsed = time.perf_counter() - started
            print(
                f"\n=== {path}: {elapsed / args.repeat * 1000:.2f} ms a request, "
                f"{statements[0] / args.repeat:.1f} SQL statements a request"
            )
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
