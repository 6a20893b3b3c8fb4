"""Mutation scores per module, from the last ``mutmut run``; fails below a required score.

    python tests/mutation_score.py                          # the table
    python tests/mutation_score.py --require endorse.tokens=90

A mutant counts as killed when a test failed, timed out or the type checker refused it;
one that no test reached counts against the score, like one that survived.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

RESULT = re.compile(r"^\s*(?P<name>[\w.ǁ]+?)__mutmut_\d+: (?P<status>.+)$")
KILLED = {"killed", "timeout", "caught by type check"}


def results(mutmut: str) -> dict[str, Counter[str]]:
    """Each module's mutants by status."""
    listing = subprocess.run(
        [mutmut, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for line in listing.splitlines():
        found = RESULT.match(line)
        if found:
            module = re.split(r"\.xǁ|\.x_", found["name"], maxsplit=1)[0]
            by_module[module][found["status"].strip()] += 1
    return by_module


def checked(statuses: Counter[str]) -> int:
    """The module's mutants that the last run tried (a run may name only some modules)."""
    return sum(statuses.values()) - statuses["not checked"]


def score(statuses: Counter[str]) -> float:
    total = checked(statuses)
    return 100.0 * sum(statuses[s] for s in KILLED) / total if total else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--require", action="append", default=[], metavar="MODULE=PERCENT")
    parser.add_argument("--mutmut", default=str(Path(sys.executable).with_name("mutmut")))
    args = parser.parse_args()
    by_module = results(args.mutmut)
    print(
        f"{'module':<32} {'mutants':>7} {'killed':>6} {'survived':>8} {'no test':>7} {'score':>6}"
    )
    for module, statuses in sorted(by_module.items()):
        if not checked(statuses):
            continue  # not part of this run
        killed = sum(statuses[s] for s in KILLED)
        print(
            f"{module:<32} {checked(statuses):>7} {killed:>6} {statuses['survived']:>8} "
            f"{statuses['no tests']:>7} {score(statuses):>5.1f}%"
        )
    failed = False
    for requirement in args.require:
        module, _, percent = requirement.partition("=")
        reached = score(by_module[module]) if module in by_module else 0.0
        if reached < float(percent):
            print(f"{module}: {reached:.1f}% of mutants killed, {percent}% required")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
