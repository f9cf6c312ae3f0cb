"""Automation: `nox` runs lint, tests and the notebooks; `nox -l` lists every session.

Sessions run in the environment nox itself was started from (the course's .venv, set up
with `pip install -e .`), so the pinned requirements are installed once, not per session.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "tests", "notebooks"]

ROOT = Path(__file__).parent
PY = sys.executable


def _datasets_used(folder: Path) -> list[str]:
    """The datasets the notebooks under folder name in their metadata."""
    import nbformat

    from graders.notebook.cells import notebook_info

    names: set[str] = set()
    for path in folder.rglob("*.ipynb"):
        names.update(notebook_info(nbformat.read(path, as_version=4)).get("datasets", []))
    return sorted(names)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff over the package, tests, tooling and notebooks."""
    session.run(PY, "-m", "ruff", "check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests, grading of the reference and student notebooks, release --check."""
    session.run(PY, "-m", "graders", "release", "--check")
    session.run(PY, "-m", "pytest", *(session.posargs or ["tests"]))


@nox.session
def notebooks(session: nox.Session) -> None:
    """Execute every reference notebook headless with nbval (after fetching its data)."""
    datasets = _datasets_used(ROOT / "solutions")
    if datasets:
        session.run(PY, "-m", "graders", "data", "fetch", *datasets)
    session.run(
        PY, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider",
        *(session.posargs or ["solutions"]),
        env={"MPLBACKEND": "Agg"},
    )


@nox.session
def grade(session: nox.Session) -> None:
    """Grade notebooks: `nox -s grade -- PATH...` (default: the W1 solutions and templates)."""
    paths = session.posargs or ["solutions/W1", "notebooks/W1"]
    session.run(PY, "-m", "graders", "grade", *paths)


@nox.session
def release(session: nox.Session) -> None:
    """Write notebooks/ from solutions/ (`-- --check` only compares)."""
    session.run(PY, "-m", "graders", "release", *session.posargs)
