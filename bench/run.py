"""The big-day benchmark: a real gunicorn on loopback, a generated data set, and load.

    python -m bench                 # PostgreSQL (ENDORSE_BENCH_DATABASE_URL or the local
                                    # server's endorse_bench database), 1k/10k/100k orgs
    python -m bench --sqlite        # the same on a SQLite file
    python -m bench --smoke         # seconds, a tiny data set: what CI runs
    python -m bench --proxy         # the public pages through deploy/'s nginx (bench/proxy.py)
    python -m bench --import        # importing a CSV file of 10,000 supporters (bench/importing.py)

Every scenario is compared with a baseline measured in the same run against the same
server: /robots.txt, a trivial endpoint of the same app that touches no database.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import requests

from . import load, proxy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/endorse_bench"
SECRET = "bench-secret-key-not-for-production-use"
SEARCH = "vereniging"  # the search scenarios' word: page 1, and 90% through its matches


@dataclass
class Row:
    scenario: str
    size: int
    result: load.Result
    baseline: float

    def cells(self) -> list[str]:
        ratio = self.result.rate / self.baseline if self.baseline else float("nan")
        return [
            self.scenario,
            f"{self.size:,}",
            f"{self.result.rate:,.0f}",
            f"{self.result.p50_ms:.1f}",
            f"{self.result.p99_ms:.1f}",
            str(self.result.errors),
            f"{ratio:.2f}",
        ]


def _env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENDORSE_", "FLASK_"))}
    env.update(
        {
            "ENDORSE_DATABASE_URL": database_url,
            "ENDORSE_SECRET_KEY": SECRET,
            "ENDORSE_CONTACT_EMAIL": "write-to-us@bench.invalid",
            "ENDORSE_INSTANCE_PATH": str(instance),
            "ENDORSE_MAIL_URL": "smtp://127.0.0.1:9",
            "ENDORSE_MAIL_SEND_AFTER_RESPONSE": "false",  # requests queue; the worker delivers
            "ENDORSE_SIGN_LIMIT": "10000000 per hour",
            "ENDORSE_API_LIMIT": "10000000 per minute",
            "ENDORSE_BASE_URL": "http://127.0.0.1",
            **extra,
        }
    )
    return env


def _run(env: dict[str, str], *args: str) -> str:
    """Run our Python with ``args``; its output, or its error and a stop if it failed."""
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(args)[:200]} failed:\n{done.stderr[-4000:]}")
    return done.stdout


def _flask(env: dict[str, str], *args: str) -> str:
    return _run(env, "-m", "flask", "--app", "wsgi", *args)


def _fresh_database(url: str) -> None:
    """An empty database for the run: PostgreSQL's is created (or emptied), SQLite's is new."""
    if not url.startswith("postgresql"):
        return
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _load(env: dict[str, str], count: int, start: int) -> None:
    code = (
        "from endorse import create_app; from bench import data; "
        "app = create_app(); ctx = app.app_context(); ctx.push(); "
        f"print(data.load({count}, {start}))"
    )
    _run(env, "-c", code)


@contextmanager
def _server(
    env: dict[str, str], port: int, workers: int, access_log: Path | None = None
) -> Iterator[int]:
    log = open(Path(env["ENDORSE_INSTANCE_PATH"]) / "gunicorn.log", "ab")  # noqa: SIM115
    logging = ["--access-logfile", str(access_log)] if access_log else []
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *logging,
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start; see gunicorn.log")
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass(frozen=True)
class Load:
    """How to drive the server: wrk (and its Lua visitors) or our Python driver."""

    base: str
    seconds: float
    connections: int
    wrk: bool

    def get(self, path: str, seconds: float | None = None) -> load.Result:
        seconds = seconds or self.seconds
        if self.wrk:
            result = load.wrk(self.base + path, seconds, self.connections)
        else:
            result = load.drive(
                self.base, path, seconds, processes=2, threads=max(self.connections // 2, 1)
            )
        _drain(self.base)
        return result

    def visitors(self, share: float, run_id: str) -> load.Result:
        """Readers and signers; with ``share`` 1, the rate is completed sign-ups a second."""
        if self.wrk:
            result, signed = load.wrk_visitors(
                self.base, share, run_id, load.READ_PATHS, self.seconds, self.connections
            )
            if share >= 1:
                result = replace(result, requests=signed)
        else:
            kind = "signup" if share >= 1 else "mixed"
            result = load.drive(
                self.base,
                kind,
                self.seconds,
                processes=2,
                threads=max(self.connections // 2, 1),
                run_id=run_id,
            )
        _drain(self.base)
        return result


def _paired(
    driver: Load,
    baseline: str,
    path: str,
    rounds: int = 3,
) -> tuple[load.Result, load.Result]:
    """The baseline and ``path`` in alternating rounds, each result summed over its rounds:
    the machine's drift (other processes, CPU clocks) then weighs on both alike."""
    seconds = max(driver.seconds / rounds, 1.0)
    results: dict[str, list[load.Result]] = {baseline: [], path: []}
    for _ in range(rounds):
        for which in (baseline, path):
            results[which].append(driver.get(which, seconds))
    return _summed(results[baseline]), _summed(results[path])


def _summed(results: list[load.Result]) -> load.Result:
    def median(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    return load.Result(
        sum(r.requests for r in results),
        sum(r.seconds for r in results),
        median([r.p50_ms for r in results]),
        median([r.p99_ms for r in results]),
        sum(r.errors for r in results),
    )


def _drain(base: str, timeout: float = 120.0) -> None:
    """Wait until the server has worked off what the last scenario left queued, so that the
    next scenario is measured on an idle server: one quick answer to the baseline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            requests.get(base + "/robots.txt", timeout=timeout)
        except requests.RequestException:
            time.sleep(0.5)
            continue
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.2)


def _deep_after(env: dict[str, str], text: str = "") -> int:
    """An id 90% of the way through the alphabetical list (of the names containing
    ``text``): where a deep page of that list starts."""
    code = (
        "from endorse import create_app; from endorse.extensions import db; "
        "from endorse.models import Endorsement as E; from sqlalchemy import select, func; "
        "app = create_app(); ctx = app.app_context(); ctx.push(); "
        f"match = E.normalized_name.contains({text!r}); "
        "n = db.session.scalar(select(func.count()).select_from(E).where(match)); "
        "print(db.session.scalar(select(E.id).where(match).order_by(E.normalized_name, E.id)"
        ".offset(int(n * 0.9)).limit(1)) or 0)"
    )
    return int(_run(env, "-c", code).strip())


def _mail_rate(env: dict[str, str], timeout: float) -> tuple[int, float]:
    """Deliver every queued mail with one worker to a loopback aiosmtpd; (mails, per second).

    The rate runs from the first mail received to the last, so the worker's start-up (the
    app's imports) is not counted as delivery time.
    """
    from aiosmtpd.controller import Controller

    arrivals: list[float] = []
    lock = threading.Lock()

    class Sink:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            with lock:
                arrivals.append(time.monotonic())
            return "250 OK"

    port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    worker_env = {
        **env,
        "ENDORSE_MAIL_URL": f"smtp://127.0.0.1:{port}",
        "ENDORSE_MAIL_BACKOFF_SECONDS": "1",
    }
    started = time.monotonic()
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "endorse",
            "mail-worker",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.monotonic() - started < timeout:
            time.sleep(0.5)
            with lock:
                last = arrivals[-1] if arrivals else started
            if time.monotonic() - last > 3:
                break  # nothing more for 3 s: the queue is empty
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        controller.stop()
    if len(arrivals) < 2:
        return len(arrivals), 0.0
    return len(arrivals), (len(arrivals) - 1) / max(arrivals[-1] - arrivals[0], 1e-6)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str] | None = None) -> None:
    if "--import" in (sys.argv[1:] if argv is None else argv):
        from . import importing

        importing.main(argv)
        return
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sqlite", action="store_true", help="run on a SQLite file")
    parser.add_argument("--smoke", action="store_true", help="seconds and a tiny data set")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--driver",
        choices=("wrk", "python"),
        default="wrk" if load.have_wrk() else "python",
        help="load generator (default: wrk when installed)",
    )
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="only load the largest data set (for python -m bench.profile)",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="the public pages and sign-ups through deploy/'s nginx, against static files "
        "(the largest size only; needs nginx and wrk)",
    )
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="with --proxy on PostgreSQL: use the data set --prepare loaded, as it is",
    )
    args = parser.parse_args(argv)
    if args.proxy and not (load.have_wrk() and Path(proxy.NGINX).exists()):
        parser.error("--proxy needs wrk and nginx (apt-get install wrk nginx)")
    if args.driver == "wrk" and not load.have_wrk():
        parser.error("wrk is not installed (apt-get install wrk), use --driver python")
    sizes = [100, 200] if args.smoke else [int(s) for s in args.sizes.split(",")]
    seconds = 1.0 if args.smoke else args.seconds
    connections = 4 if args.smoke else args.connections

    with tempfile.TemporaryDirectory(prefix="endorse-bench-") as tmp:
        instance = Path(tmp)
        url = (
            f"sqlite:///{instance / 'bench.sqlite'}"
            if args.sqlite
            else os.environ.get("ENDORSE_BENCH_DATABASE_URL", DEFAULT_PG)
        )
        keep = args.proxy and args.keep_data and not args.sqlite
        if not keep:
            _fresh_database(url)
        env = _env(url, instance)
        _flask(env, "db", "upgrade")
        port = _free_port()
        driver = Load(f"http://127.0.0.1:{port}", seconds, connections, args.driver == "wrk")
        rows: list[Row] = []
        memory: list[tuple[str, list[float]]] = []
        loaded = 0
        print(
            f"endorse benchmark: {'SQLite' if args.sqlite else 'PostgreSQL'}, gunicorn "
            f"--workers {args.workers}, {connections} connections, {seconds:g} s a scenario, "
            f"load by {'wrk' if driver.wrk else 'the Python driver'}",
            flush=True,
        )
        if args.prepare:
            _load(env, sizes[-1], 0)
            print(f"{sizes[-1]:,} organisations loaded into {url}")
            return
        if args.proxy:
            if not keep:
                _load(env, sizes[-1], 0)
            _through_proxy(env, instance, port, args.workers, sizes[-1], seconds, connections)
            return
        for size in sizes:
            _load(env, size - loaded, loaded)
            loaded = size
            deep, deep_match = _deep_after(env), _deep_after(env, SEARCH)
            with _server(env, port, args.workers) as master:
                driver.get("/robots.txt", 1)  # warm every worker up
                baseline, count = _paired(driver, "/robots.txt", "/api/v1/count")
                rows.append(Row("baseline /robots.txt", size, baseline, baseline.rate))
                rows.append(Row("GET /api/v1/count", size, count, baseline.rate))
                for name, path in [
                    ("GET /en/ (home)", "/en/"),
                    ("supporters page 1", "/fr/supporters"),
                    ("supporters deep page", f"/fr/supporters?after={deep}"),
                    ("supporters search", f"/nl/supporters?q={SEARCH}"),
                    ("supporters search, deep", f"/nl/supporters?q={SEARCH}&after={deep_match}"),
                    ("GET /api/v1/supporters", "/api/v1/supporters"),
                ]:
                    rows.append(Row(name, size, driver.get(path), baseline.rate))
                    print(f"  {name} @ {size:,}: done", file=sys.stderr, flush=True)
                if size == sizes[-1]:
                    signups = driver.visitors(1.0, "s")
                    rows.append(
                        Row("sign-ups (GET form + POST) a second", size, signups, baseline.rate)
                    )
                    memory.append(("RSS per worker before the big day", load.rss_mb(master)))
                    for run in ("1", "2"):
                        mixed = driver.visitors(0.05, f"m{run}")
                        rows.append(
                            Row(
                                f"big day (95% read, 5% sign-up) #{run}", size, mixed, baseline.rate
                            )
                        )
                        memory.append((f"RSS per worker after big day #{run}", load.rss_mb(master)))
            if size == sizes[-1]:
                mails, rate = _mail_rate(env, timeout=120 if not args.smoke else 30)
                rows.append(
                    Row(
                        "mail worker delivery (mails/s)",
                        size,
                        load.Result(
                            mails, mails / rate if rate else 0, float("nan"), float("nan"), 0
                        ),
                        0,
                    )
                )
        _print(rows, memory)


def _through_proxy(
    env: dict[str, str],
    instance: Path,
    port: int,
    workers: int,
    size: int,
    seconds: float,
    connections: int,
) -> None:
    """``--proxy``: gunicorn (with an access log, to count what reaches it) behind nginx."""
    access_log = instance / "gunicorn.access.log"
    ports = (_free_port(), _free_port())
    with (
        _server(env, port, workers, access_log),
        proxy.nginx(port, instance / "nginx", *ports) as site,
    ):
        load.wrk(site.url + "/en/", 1, connections)  # warm every worker up
        figures = proxy.measure(site, access_log, seconds, connections)
        signups = {}
        for where, base in (("through nginx", site.url), ("straight to gunicorn", site.origin)):
            result, signed = load.wrk_visitors(
                base, 1.0, f"p{where[0]}", load.READ_PATHS, seconds, connections
            )
            signups[where] = replace(result, requests=signed)
        proxy.report(figures, signups, size)


def _print(rows: list[Row], memory: list[tuple[str, list[float]]]) -> None:
    head = ["scenario", "orgs", "req/s", "p50 ms", "p99 ms", "errors", "× baseline"]
    table = [head] + [row.cells() for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for index, line in enumerate(table):
        print(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(line)
            )
        )
        if index == 0:
            print("  ".join("-" * w for w in widths))
    for name, rss in memory:
        print(f"{name}: " + ", ".join(f"{mb:.0f} MB" for mb in rss))
    errors = sum(row.result.errors for row in rows)
    print(f"total errors: {errors}")
