"""Lighthouse (pinned in package.json) on the home and supporters pages: SEO and best
practices at 100. Performance is left out: its score is noise on a busy two-core machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from endorse.models import State

from .conftest import CHROMIUM, need
from .helpers import make_endorsement

pytestmark = pytest.mark.system  # a browser, Node and Lighthouse

LIGHTHOUSE = Path(__file__).resolve().parent.parent / "node_modules/lighthouse/cli/index.js"
CATEGORIES = ("seo", "best-practices")


def _lighthouse(url: str, tmp_path: Path) -> dict[str, Any]:
    need(shutil.which("node") is not None, "Node.js", "apt-get install nodejs npm")
    need(LIGHTHOUSE.exists(), "Lighthouse", "npm ci (make test does)")
    need(Path(CHROMIUM).exists(), "Debian's chromium", "apt-get install chromium")
    report = tmp_path / "report.json"
    done = subprocess.run(  # noqa: S603  (our own command line)
        [
            "node",
            str(LIGHTHOUSE),
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(report.read_text())  # type: ignore[no-any-return]


def _failures(result: dict[str, Any]) -> dict[str, list[str]]:
    """Per category, the audits that count and did not pass, with what they found."""
    found: dict[str, list[str]] = {}
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                items = audit.get("details", {}).get("items", [])
                found.setdefault(category, []).append(f"{ref['id']}: {json.dumps(items)[:300]}")
    return found


@pytest.mark.parametrize("path", ["/en/", "/fr/supporters"])
def test_lighthouse_seo_and_best_practices_score_100(
    site: tuple[Flask, str], tmp_path: Path, path: str
) -> None:
    app, url = site
    for index in range(3):
        make_endorsement(
            app,
            State.APPROVED,
            name=f"Organisation {index}",
            contact_email=f"{index}@lighthouse.example",
            website="https://example.org",
        )
    result = _lighthouse(url + path, tmp_path)
    scores = {category: result["categories"][category]["score"] for category in CATEGORIES}
    assert scores == {"seo": 1, "best-practices": 1}, _failures(result)
