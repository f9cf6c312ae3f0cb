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


def _info(path: Path) -> dict:
    """The course metadata of the notebook at path."""
    import nbformat

    from graders.notebook.cells import notebook_info

    return notebook_info(nbformat.read(path, as_version=4))


def _datasets_used(paths: list[Path]) -> list[str]:
    """The datasets the given notebooks name in their metadata."""
    return sorted({name for path in paths for name in _info(path).get("datasets", [])})


def _solutions() -> list[Path]:
    """Every reference notebook, in path order."""
    return sorted(
        p for p in (ROOT / "solutions").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def _fetch(session: nox.Session, paths: list[Path]) -> None:
    """Fetch the datasets the given notebooks name (from $C1_DATA_MIRROR when set)."""
    datasets = _datasets_used(paths)
    if datasets:
        session.run(PY, "-m", "graders", "data", "fetch", *datasets)


def _nbval(session: nox.Session, paths: list[Path]) -> None:
    _fetch(session, paths)
    session.run(
        PY, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider",
        *(str(p.relative_to(ROOT)) for p in paths),
        env={"MPLBACKEND": "Agg"},
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff over the package, tests, tooling and notebooks."""
    session.run(PY, "-m", "ruff", "check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests, grading of the reference and student notebooks, release --check.

    The graded notebooks' datasets are fetched first: grading them reads the course data.
    """
    session.run(PY, "-m", "graders", "release", "--check")
    _fetch(session, [p for p in _solutions() if _info(p).get("kind") == "assignment"])
    session.run(PY, "-m", "pytest", *(session.posargs or ["tests"]))


@nox.session
def notebooks(session: nox.Session) -> None:
    """Execute every reference notebook headless with nbval, after fetching its datasets.

    `nox -s notebooks -- PATH...` runs the given notebooks instead.
    """
    paths = [ROOT / p for p in session.posargs] or _solutions()
    _nbval(session, paths)


@nox.session
def grade(session: nox.Session) -> None:
    """Grade notebooks: `nox -s grade -- PATH...` (default: the W1 solutions and templates)."""
    paths = session.posargs or ["solutions/W1", "notebooks/W1"]
    session.run(PY, "-m", "graders", "grade", *paths)


@nox.session
def release(session: nox.Session) -> None:
    """Write notebooks/ from solutions/ (`-- --check` only compares)."""
    session.run(PY, "-m", "graders", "release", *session.posargs)
