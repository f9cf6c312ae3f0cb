"""Automation: `nox` runs lint, tests and the notebooks; `nox -l` lists every session.

Sessions run in the environment nox itself was started from (the course's .venv, set up
with `pip install -e .`), so the pinned requirements are installed once, not per session.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "tests", "notebooks"]  # `bench` runs only when asked

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
    from graders.notebook.cells import files_under

    return files_under(ROOT / "solutions")


def _fetch(session: nox.Session, paths: list[Path]) -> None:
    """Fetch the datasets the given notebooks name (from $C1_DATA_MIRROR when set)."""
    datasets = _datasets_used(paths)
    if datasets:
        session.run(PY, "-m", "graders", "data", "fetch", *datasets)


#: Headless plotting; on a GPU, notebooks running side by side share its memory (TensorFlow
#: would otherwise take all of it in the first process).
NOTEBOOK_ENV = {"MPLBACKEND": "Agg", "TF_FORCE_GPU_ALLOW_GROWTH": "true"}


def notebook_workers(parallel: bool = True) -> int:
    """How many notebooks nbval runs at once: one per core this process may use."""
    from graders.grading.budget import available_cores

    return available_cores() if parallel else 1


def notebook_env(parallel: bool = True) -> dict[str, str]:
    """NOTEBOOK_ENV plus each kernel's CPU budget: its share of the cores (TensorFlow's
    intra-op and inter-op threads, OpenMP's), as the grader gives each submission, so
    notebooks side by side do not fight over the cores with whole-machine thread pools."""
    from graders.grading.budget import cpu_budget

    return {**NOTEBOOK_ENV, **cpu_budget(notebook_workers(parallel)).environment()}


def nbval_command(paths: list[Path], parallel: bool = True) -> list[str]:
    """The pytest command that executes the notebooks headless with nbval.

    parallel runs one notebook per core (pytest-xdist, one worker keeps a whole notebook; run
    it with notebook_env() for the kernels' thread budget):
    most notebooks leave a core idle (small models, Python-bound steps), so two at a time on
    two cores take about half as long (bench/RESULTS.md, course run time). The latest weeks,
    which train the biggest models, go first so the short ones fill in around them.
    """
    order = sorted(paths, key=lambda p: str(p.relative_to(ROOT)), reverse=True)
    spread = ["-n", str(notebook_workers()), "--dist", "loadfile"] if parallel else []
    return [
        PY, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", *spread,
        *(str(p.relative_to(ROOT)) for p in order),
    ]


def _nbval(session: nox.Session, paths: list[Path]) -> None:
    _fetch(session, paths)
    session.run(*nbval_command(paths), env=notebook_env())


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff over the package, tests, tooling and notebooks; mypy over graders/."""
    session.run(PY, "-m", "ruff", "check", ".")
    session.run(PY, "-m", "mypy")


#: What the tests session leaves out: the browser tests run in their own session (`browser`).
TESTS_EXCLUDE = ["--ignore=tests/browser"]


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests, grading of the reference and student notebooks, release --check.

    The graded notebooks' datasets are fetched first: grading them reads the course data.
    """
    session.run(PY, "-m", "graders", "release", "--check")
    _fetch(session, [p for p in _solutions() if _info(p).get("kind") == "assignment"])
    session.run(PY, "-m", "pytest", *(session.posargs or ["tests", *TESTS_EXCLUDE]))


@nox.session
def notebooks(session: nox.Session) -> None:
    """Execute every reference notebook headless with nbval, after fetching its datasets.

    `nox -s notebooks -- PATH...` runs the given notebooks instead.
    """
    paths = [ROOT / p for p in session.posargs] or _solutions()
    _nbval(session, paths)


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks and write bench/RESULTS.md (about two hours on 2 cores).

    `nox -s bench -- NAME...` runs some of them: overhead, scaling, course, threshold, pipeline,
    margins, gap.
    """
    _fetch(session, _solutions())
    session.run(PY, "-m", "bench", *session.posargs, env=NOTEBOOK_ENV)


@nox.session
def grade(session: nox.Session) -> None:
    """Grade notebooks: `nox -s grade -- PATH...` (default: the W1 solutions and templates)."""
    paths = session.posargs or ["solutions/W1", "notebooks/W1"]
    session.run(PY, "-m", "graders", "grade", *paths)


@nox.session
def release(session: nox.Session) -> None:
    """Write notebooks/ from solutions/ (`-- --check` only compares)."""
    session.run(PY, "-m", "graders", "release", *session.posargs)


# --- browser tests (issue 12): JupyterLab driven by headless Chromium ---------------------

#: Where `nox -s browser` keeps its screenshots (CI artifacts); emptied at each run.
BROWSER_SCREENSHOTS = ROOT / ".nox" / "browser-screenshots"


@nox.session
def catalogue(session: nox.Session) -> None:
    """Update graders/locale's catalogues from the code's messages (then translate the new)."""
    from graders.catalogue import update

    for path in update():
        session.log(f"updated {path.relative_to(ROOT)}")


@nox.session
def browser(session: nox.Session) -> None:
    """Run All in a real JupyterLab in headless Chromium, the locks, the rendered results.

    Needs Debian's Chromium (`apt-get install -y chromium`): Playwright drives the system
    browser, it downloads none. Screenshots go to .nox/browser-screenshots/.
    `nox -s browser -- ARGS` passes ARGS to pytest instead of tests/browser.
    """
    import shutil

    shutil.rmtree(BROWSER_SCREENSHOTS, ignore_errors=True)
    session.run(
        PY, "-m", "pytest", "-p", "no:cacheprovider", *(session.posargs or ["tests/browser"]),
        env={"BROWSER_SCREENSHOTS": str(BROWSER_SCREENSHOTS)},
    )


# ----------------------------------------------------------------------------- colab
#: The notebooks `nox -s colab` runs as Colab would: the W1 template first (its setup cell's
#: re-run and failed-clone checks reuse it), the W1 solution and quiz, the W2 callbacks lab
#: and the W4 assignment.
COLAB_NOTEBOOKS = [
    "notebooks/W1/C1W1_Assignment.ipynb",
    "solutions/W1/C1W1_Assignment.ipynb",
    "solutions/W1/C1_W1_Quiz.ipynb",
    "solutions/W2/C1_W2_Lab_2_callbacks.ipynb",
    "solutions/W4/C1W4_Assignment.ipynb",
]
#: What the notebooks and the grader's self-check use, at Colab's versions (the constraints).
COLAB_PACKAGES = [
    "tensorflow", "keras", "numpy", "scipy", "matplotlib", "opencv-python-headless", "pillow",
    "pooch", "tqdm", "nbformat", "nbclient", "ipykernel", "ipython", "ipywidgets",
    "babel",  # reads the Spanish catalogue (graders/i18n.py)
]
COLAB_CONSTRAINTS = ROOT / "tests" / "colab" / "constraints.txt"


def _python_313() -> str | None:
    """A Python 3.13 interpreter: $COLAB_PYTHON, python3.13 on PATH, else pyenv's newest."""
    import os
    import shutil
    import subprocess

    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = sorted(pyenv.glob("versions/3.13*/bin/python3.13"), reverse=True)
    for candidate in [os.environ.get("COLAB_PYTHON"), shutil.which("python3.13"), *found]:
        if not candidate:
            continue
        version = subprocess.run(
            [str(candidate), "-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
            capture_output=True, text=True,
        )
        if version.stdout.strip() == "True":
            return str(candidate)
    return None


@nox.session
def colab(session: nox.Session) -> None:
    """Run notebooks in a Colab-like runtime (Python 3.13, tests/colab/constraints.txt).

    Builds .nox/colab-runtime once, with Colab's versions of the notebooks' packages and a
    google.colab stub, then tests/colab/run.py executes COLAB_NOTEBOOKS there with their
    setup cells cloning and pip-installing this working tree (`-- PATH...` runs others).
    Needs Python 3.13 (set $COLAB_PYTHON to choose one) and root (a private /content).
    """
    import shutil
    import tempfile

    from graders import course

    python = _python_313()
    if python is None:
        session.error(
            "nox -s colab needs Python 3.13, Colab's: none found ($COLAB_PYTHON, python3.13 "
            "on PATH, pyenv). Install one, or set COLAB_PYTHON to its path."
        )
    runtime = ROOT / ".nox" / "colab-runtime"
    py = str(runtime / "bin" / "python")
    if not (runtime / "bin" / "python").exists():
        session.run(python, "-m", "venv", str(runtime))
    install = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    session.run(*install, "-c", str(COLAB_CONSTRAINTS), "pip", "setuptools")
    session.run(*install, "-c", str(COLAB_CONSTRAINTS), *COLAB_PACKAGES)
    with tempfile.TemporaryDirectory() as tmp:  # built outside the tree: no build/ left here
        stub = shutil.copytree(ROOT / "tests" / "colab" / "stub", Path(tmp) / "stub")
        session.run(*install, "--no-deps", "--no-build-isolation", str(stub))
    # The setup cells pip-install the course into this environment, as in Colab: start clean.
    session.run(py, "-m", "pip", "uninstall", "--quiet", "--yes", "c1-graders", silent=True)
    notebooks = session.posargs or COLAB_NOTEBOOKS
    session.run(py, str(ROOT / "tests" / "colab" / "run.py"), str(ROOT), course.clone_url(),
                *notebooks)
