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


def _solutions(long: bool) -> list[Path]:
    """The reference notebooks, all of them (long=True) or only those not marked long.

    A notebook is marked long (metadata "graders": {"long": true}) when its measured headless
    run takes many minutes on the 2-core CI machine (the W4 labs, which train CNNs on 1,027
    300x300 images; see README, Timings): `nox -s notebooks_full` runs those too.
    """
    paths = sorted(
        p for p in (ROOT / "solutions").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    return paths if long else [p for p in paths if not _info(p).get("long")]


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
    _fetch(session, [p for p in _solutions(long=True) if _info(p).get("kind") == "assignment"])
    session.run(PY, "-m", "pytest", *(session.posargs or ["tests"]))


@nox.session
def notebooks(session: nox.Session) -> None:
    """Execute the reference notebooks headless with nbval, but those marked long.

    `nox -s notebooks -- PATH...` runs the given notebooks instead, long or not.
    """
    paths = [ROOT / p for p in session.posargs] or _solutions(long=False)
    _nbval(session, paths)


@nox.session
def notebooks_full(session: nox.Session) -> None:
    """Execute every reference notebook headless with nbval, the long ones included."""
    _nbval(session, _solutions(long=True))


@nox.session
def grade(session: nox.Session) -> None:
    """Grade notebooks: `nox -s grade -- PATH...` (default: the W1 solutions and templates)."""
    paths = session.posargs or ["solutions/W1", "notebooks/W1"]
    session.run(PY, "-m", "graders", "grade", *paths)


@nox.session
def release(session: nox.Session) -> None:
    """Write notebooks/ from solutions/ (`-- --check` only compares)."""
    session.run(PY, "-m", "graders", "release", *session.posargs)
