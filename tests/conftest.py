"""Shared helpers: the repository's paths, making submissions, running the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from graders.i18n import CLOSE, OPEN

# The tests read the English messages, whatever the machine's locale; tests of the Spanish
# ones set GRADERS_LANG themselves.
os.environ["GRADERS_LANG"] = "en"

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m graders ARGS` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "graders", *args], cwd=cwd, capture_output=True, text=True,
        env=env,
    )


def grade(*paths: Path) -> list[dict]:
    """Grade notebooks with the CLI; returns its JSON results as a list."""
    done = run_cli("grade", "--json", *map(str, paths))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    return data if isinstance(data, list) else [data]


def points(result: dict) -> dict[str, int]:
    """Points earned per test name."""
    return {test["name"]: test["points"] for test in result["tests"]}


def write_variant(
    base: Path, target: Path, sources: dict[str, str] | None = None, metadata: dict | None = None
) -> Path:
    """Copy the notebook at base to target with some cells' sources (by id) replaced."""
    nb = nbformat.read(base, as_version=4)
    for cell_id, source in (sources or {}).items():
        matches = [cell for cell in nb.cells if cell.get("id") == cell_id]
        assert matches, f"{base.name} has no cell {cell_id}"
        matches[0].source = source
    if metadata is not None:
        nb.metadata["graders"] = metadata
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


@pytest.fixture
def variant(tmp_path):
    """Make a variant of a notebook in a temporary folder (see write_variant)."""

    def make(base: Path, name: str | None = None, **kwargs) -> Path:
        return write_variant(base, tmp_path / (name or base.name), **kwargs)

    return make


def untranslated(text: str) -> str:
    """What of text lies outside the pseudo-language's ⟦ ⟧ marks (nested marks allowed)."""
    outside, depth = [], 0
    for char in text:
        if char == OPEN:
            depth += 1
        elif char == CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            outside.append(char)
    return "".join(outside)


def assert_translated(*texts: str, data: tuple[str, ...] = ()) -> None:
    """Fail if any text has words outside the catalogue's messages (in GRADERS_LANG=qps).

    data: what may stand outside the marks because it is not a message (exercise and file
    names, assignment ids, the learner's own code), removed before looking.
    """

    def bare(text: str) -> str:
        rest = untranslated(text)
        for item in sorted(data, key=len, reverse=True):
            rest = rest.replace(item, " ")
        return rest

    leaks = [text for text in texts if re.search(r"[A-Za-z]{2,}", bare(text))]
    assert not leaks, "text that bypasses the catalogue:\n" + "\n".join(leaks)
