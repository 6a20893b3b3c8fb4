"""Load from a separate process: wrk for plain GETs, a Python driver for sign-ups and mixes.

Everything targets loopback, is bounded in time, and stops by itself.
"""

from __future__ import annotations

import http.client
import multiprocessing
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode, urlsplit

# What the big day's readers ask for, in both drivers.
READ_PATHS = [
    "/api/v1/count",
    "/en/",
    "/fr/supporters",
    "/nl/supporters?q=vereniging",
    "/api/v1/supporters",
    "/en/supporters?letter=m",
]
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def wrk(url: str, seconds: float, connections: int, threads: int = 2) -> Result:
    """GET one URL as fast as the server answers, with wrk's latency percentiles."""
    return _wrk([f"-t{threads}", f"-c{connections}", url], seconds)[0]


SCRIPT = Path(__file__).with_name("visitors.lua")


def wrk_visitors(
    base: str, share: float, run_id: str, paths: list[str], seconds: float, connections: int
) -> tuple[Result, int]:
    """Visitors who read ``paths`` and sign with probability ``share`` (visitors.lua).

    Returns wrk's result for every request, failed sign-ups counted as errors, and the
    number of completed sign-ups.
    """
    result, out = _wrk(
        [
            f"-t{connections}",
            f"-c{connections}",
            "-s",
            str(SCRIPT),
            base + "/",
            "--",
            str(share),
            run_id,
            *paths,
        ],
        seconds,
    )
    found = re.search(r"sign-ups: (\d+) failed: (\d+)", out)
    assert found is not None, out
    signed, failed = int(found.group(1)), int(found.group(2))
    return replace(result, errors=result.errors + failed), signed


def _wrk(args: list[str], seconds: float) -> tuple[Result, str]:
    out = subprocess.run(
        ["wrk", f"-d{max(int(seconds), 1)}s", "--latency", "--timeout", "10s", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    total = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))  # type: ignore[union-attr]
    duration = re.search(r"requests in ([\d.]+)(ms|s|m)", out)
    assert duration is not None
    factor = {"ms": 1e-3, "s": 1.0, "m": 60.0}[duration.group(2)]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Result(
        total,
        float(duration.group(1)) * factor,
        _percentile(out, "50%"),
        _percentile(out, "99%"),
        errors + (int(bad.group(1)) if bad else 0),
    ), out


def _percentile(out: str, label: str) -> float:
    found = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", out)
    return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")


# The Python driver: processes × threads, each with its own keep-alive connection.


def _sign_up(conn: http.client.HTTPConnection, tag: str) -> bool:
    conn.request("GET", "/en/sign")
    page = conn.getresponse()
    body = page.read().decode()
    token = CSRF.search(body)  # the form's signed token: the public forms keep no session
    if page.status != 200 or token is None:
        return False
    form = urlencode(
        {
            "csrf_token": token.group(1),
            "name": f"Bench Organisation {tag}",
            "category": "ngo",
            "city": "Gent",
            "region": "east_flanders",
            "contact_name": "Bench Signer",
            "contact_email": f"bench-{tag}@org.example",
            "consent_publish": "y",
        }
    )
    conn.request(
        "POST",
        "/en/sign",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    answer = conn.getresponse()
    answer.read()
    return answer.status == 303


def _worker(args: tuple[str, str, float, int, int, str, multiprocessing.Queue]) -> None:
    import random
    import threading

    base, kind, seconds, threads, proc, run_id, queue = args
    parts = urlsplit(base)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    paths = READ_PATHS

    def loop(thread: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        rng = random.Random(proc * 1000 + thread)
        deadline = time.monotonic() + seconds
        number = 0
        mine: list[float] = []
        failed = 0
        while time.monotonic() < deadline:
            number += 1
            tag = f"{run_id}-{proc}-{thread}-{number}"
            start = time.perf_counter()
            try:
                if kind == "signup" or (kind == "mixed" and rng.random() < 0.05):
                    ok = _sign_up(conn, tag)
                else:
                    conn.request("GET", rng.choice(paths) if kind == "mixed" else kind)
                    response = conn.getresponse()
                    response.read()
                    ok = response.status < 400
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            mine.append((time.perf_counter() - start) * 1000)
            failed += not ok
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    workers = [threading.Thread(target=loop, args=(t,)) for t in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    queue.put((latencies, errors[0]))


def drive(
    base: str, kind: str, seconds: float, processes: int = 2, threads: int = 8, run_id: str = "0"
) -> Result:
    """``kind`` is a path to GET, "signup" (GET form + POST), or "mixed" (95% reads)."""
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = context.Queue()
    started = time.monotonic()
    pool = [
        context.Process(target=_worker, args=((base, kind, seconds, threads, p, run_id, queue),))
        for p in range(processes)
    ]
    for process in pool:
        process.start()
    results = [queue.get(timeout=seconds + 120) for _ in pool]
    for process in pool:
        process.join(timeout=30)
    elapsed = time.monotonic() - started
    latencies = sorted(x for lat, _e in results for x in lat)
    errors = sum(e for _l, e in results)
    if not latencies:
        return Result(0, elapsed, float("nan"), float("nan"), errors)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return Result(len(latencies), min(elapsed, seconds + 1), pct(0.5), pct(0.99), errors)


def rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        if found:
            sizes.append(int(found.group(1)) / 1024)
    return sizes
