"""``python -m bench --proxy`` keeps working: its smoke run, through deploy/'s nginx."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import proxy

from .conftest import need

pytestmark = pytest.mark.system  # nginx, gunicorn and wrk

ROOT = Path(__file__).resolve().parent.parent


def test_the_proxy_smoke_run_compares_every_page_with_a_static_file() -> None:
    need(shutil.which("wrk") is not None, "wrk", "apt-get install wrk (.ci/run does)")
    need(Path(proxy.NGINX).exists(), "Debian's nginx", "apt-get install nginx (.ci/run does)")
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--proxy", "--smoke", "--sqlite"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    for scenario, _path in proxy.SCENARIOS:
        line = next((x for x in lines if x.startswith(scenario)), None)
        assert line is not None, (scenario, result.stdout)
        cells = re.split(r"\s{2,}", line)
        assert float(cells[1].replace(",", "")) > 0  # req/s through nginx
        assert float(cells[3].replace(",", "")) > 0  # req/s of the static copy
    signups = re.search(r"sign-ups through nginx .*: ([\d,]+)/s.*errors (\d+)", result.stdout)
    assert signups is not None, result.stdout
    assert int(signups.group(1).replace(",", "")) > 0
    assert signups.group(2) == "0"
    assert "sign-ups straight to gunicorn" in result.stdout  # the same run's reference
    assert "total errors: 0" in result.stdout
