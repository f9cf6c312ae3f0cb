"""Shared helpers: the repository's paths, making submissions, running the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

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
