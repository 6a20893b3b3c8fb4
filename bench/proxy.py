"""`python -m bench --proxy`: the public pages through the reference nginx (deploy/).

Each scenario is compared with the same nginx, in the same run, serving a static file of
the same bytes (the page as the proxy gave it): how close the cache brings a page to a file
on disk. While it runs, gunicorn's access log counts the requests that reached the app.

deploy/nginx-endorse.conf is used as the operator copies it, with only its ports and paths
changed (``render_site``); tests/test_reference_deployment.py runs it the same way.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from . import load

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx-endorse.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
#: (scenario, path): the pages a press day's crowd reads, with their targets in RESULTS.md.
SCENARIOS = [
    ("GET /api/v1/count", "/api/v1/count"),
    ("GET /en/ (home)", "/en/"),
    ("supporters page 1", "/fr/supporters"),
    ("GET /en/sign (the form)", "/en/sign"),
]


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"{SITE.name} should hold {old!r} once")
    return text.replace(old, new)


def render_site(upstream_port: int, listen_port: int, place: Path) -> str:
    """deploy/nginx-endorse.conf with this machine's ports and paths, nothing else changed."""
    site = SITE.read_text()
    site = _replace_once(site, "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    site = _replace_once(site, "/var/cache/nginx/endorse", str(place / "cache"))
    site = _replace_once(site, "/var/log/nginx/endorse.access.log", str(place / "access.log"))
    site = _replace_once(site, "listen 80;", f"listen 127.0.0.1:{listen_port};")
    return _replace_once(site, "listen [::]:80;", "")


def main_config(place: Path, site: Path, extra: str = "", workers: str = "1") -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site, every path under ``place``, and
    run by whoever runs it (root included: no switch to www-data, who could not write here)."""
    temp = "\n".join(
        f"    {kind}_temp_path {place / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    return f"""{user}
daemon off;
worker_processes {workers};
pid {place / "nginx.pid"};
error_log {place / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {place / "other.access.log"};
{temp}
    include {site};
{extra}
}}
"""


def nginx_args(place: Path, config: Path) -> list[str]:
    return [NGINX, "-p", str(place), "-c", str(config), "-e", str(place / "error.log")]


def wait_listening(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@dataclass(frozen=True)
class Proxy:
    url: str  # the site, in front of gunicorn
    origin: str  # gunicorn itself
    static_url: str  # the same nginx, serving files from static_dir
    static_dir: Path


@contextmanager
def nginx(upstream_port: int, place: Path, proxy_port: int, static_port: int) -> Iterator[Proxy]:
    """The reference site in front of ``upstream_port``, and a static server beside it."""
    place.mkdir(parents=True, exist_ok=True)
    static = place / "static"
    static.mkdir(exist_ok=True)
    site = place / "site.conf"
    site.write_text(render_site(upstream_port, proxy_port, place))
    extra = (
        f"    server {{ listen 127.0.0.1:{static_port}; root {static};"
        " access_log off; default_type text/html; }"
    )
    config = place / "nginx.conf"
    # As many workers as the machine has cores, as Debian's nginx.conf says (auto).
    config.write_text(main_config(place, site, extra, workers="auto"))
    log = (place / "nginx.out").open("wb")
    process = subprocess.Popen(nginx_args(place, config), stdout=log, stderr=log)
    try:
        wait_listening(proxy_port)
        wait_listening(static_port)
        yield Proxy(
            f"http://127.0.0.1:{proxy_port}",
            f"http://127.0.0.1:{upstream_port}",
            f"http://127.0.0.1:{static_port}",
            static,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass
class Figure:
    scenario: str
    proxied: load.Result
    static: load.Result
    origin_per_second: float
    ratio: float  # the median of the rounds' ratios: a busy neighbour spoils a round, not all


def origin_requests(access_log: Path, path: str) -> int:
    """How many requests for ``path`` reached gunicorn (its access log)."""
    if not access_log.exists():
        return 0
    line = re.compile(rf'"GET {re.escape(path)} HTTP/')
    return sum(1 for entry in access_log.read_text().splitlines() if line.search(entry))


def measure(
    proxy: Proxy,
    access_log: Path,
    seconds: float,
    connections: int,
    rounds: int = 5,
) -> list[Figure]:
    """Each scenario through the proxy and as a static file, in alternating rounds."""
    figures = []
    per_round = max(seconds / rounds, 1.0)
    for index, (name, path) in enumerate(SCENARIOS):
        page = requests.get(proxy.url + path, headers={"Accept-Encoding": "identity"}, timeout=30)
        page.raise_for_status()
        copy = f"page-{index}.html"
        (proxy.static_dir / copy).write_bytes(page.content)
        proxied: list[load.Result] = []
        static: list[load.Result] = []
        before = origin_requests(access_log, path)
        for _ in range(rounds):
            static.append(load.wrk(f"{proxy.static_url}/{copy}", per_round, connections))
            proxied.append(load.wrk(proxy.url + path, per_round, connections))
        time.sleep(1)  # gunicorn writes its log line after the answer
        reached = origin_requests(access_log, path) - before
        spent = sum(r.seconds for r in proxied)
        ratios = sorted(p.rate / s.rate for p, s in zip(proxied, static, strict=True) if s.rate)
        ratio = ratios[len(ratios) // 2] if ratios else float("nan")
        figures.append(Figure(name, _summed(proxied), _summed(static), reached / spent, ratio))
    return figures


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


def report(figures: list[Figure], signups: dict[str, load.Result], size: int) -> None:
    head = ["scenario (through nginx)", "req/s", "p50 ms", "static req/s", "× static", "origin/s"]
    # × static: the median over the rounds of (req/s through nginx) / (req/s of the file).
    rows = [head]
    for figure in figures:
        rows.append(
            [
                figure.scenario,
                f"{figure.proxied.rate:,.0f}",
                f"{figure.proxied.p50_ms:.1f}",
                f"{figure.static.rate:,.0f}",
                f"{figure.ratio:.2f}",
                f"{figure.origin_per_second:.2f}",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    print(f"{size:,} organisations")
    for index, row in enumerate(rows):
        print(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            )
        )
        if index == 0:
            print("  ".join("-" * w for w in widths))
    for where, result in signups.items():
        print(
            f"sign-ups {where} (GET form + POST): {result.rate:,.0f}/s, "
            f"p50 {result.p50_ms:.1f} ms, errors {result.errors}"
        )
    errors = sum(f.proxied.errors + f.static.errors for f in figures)
    errors += sum(result.errors for result in signups.values())
    print(f"total errors: {errors}")
