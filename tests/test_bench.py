"""The benchmark harness keeps working: CI runs it in smoke mode (seconds, a tiny data set)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import need

pytestmark = pytest.mark.system  # the benchmark harness and wrk

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [
    "baseline /robots.txt",
    "GET /api/v1/count",
    "GET /en/ (home)",
    "supporters page 1",
    "supporters deep page",
    "supporters search",
    "GET /api/v1/supporters",
    "sign-ups (GET form + POST) a second",
    "big day (95% read, 5% sign-up) #2",
    "mail worker delivery (mails/s)",
]


PG_URL = os.environ.get("ENDORSE_TEST_DATABASE_URL")
# wrk (and its Lua visitors) on every database; our Python driver, the fallback, on SQLite.
RUNS = [("sqlite", "wrk"), ("sqlite", "python")] + ([("postgresql", "wrk")] if PG_URL else [])


@pytest.mark.parametrize(("database", "driver"), RUNS)
def test_the_smoke_run_prints_every_scenario_without_errors(database: str, driver: str) -> None:
    if driver == "wrk":
        need(shutil.which("wrk") is not None, "wrk", "apt-get install wrk (make test does)")
    args = [sys.executable, "-m", "bench", "--smoke", "--driver", driver]
    env = {**os.environ}
    if database == "sqlite":
        args.append("--sqlite")
    else:
        # The harness makes (and empties) its own database next to the test one.
        env["ENDORSE_BENCH_DATABASE_URL"] = str(PG_URL).rpartition("/")[0] + "/endorse_bench"
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for scenario in SCENARIOS:
        line = next((x for x in result.stdout.splitlines() if x.startswith(scenario)), None)
        assert line is not None, scenario
    assert "total errors: 0" in result.stdout
    signups = next(x for x in result.stdout.splitlines() if x.startswith("sign-up"))
    assert float(re.split(r"\s{2,}", signups)[2].replace(",", "")) > 0
    assert re.search(r"RSS per worker after big day #2: \d+ MB", result.stdout)
