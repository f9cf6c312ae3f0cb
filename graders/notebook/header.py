"""The two cells every notebook opens with: an "Open in Colab" badge and a setup cell.

In Google Colab the setup cell clones this repository (or pulls an existing clone),
installs its ``graders`` package (without touching Colab's TensorFlow, with Colab's own
setuptools) and fetches the datasets the notebook reads, so the rest of the notebook is
identical everywhere. In a notebook that uses TensorFlow it also, everywhere, keeps
TensorFlow's C++ log lines out of the cells: it sets ``TF_CPP_MIN_LOG_LEVEL`` and imports
TensorFlow once with its first lines (written before it reads that variable) discarded.
"""

from __future__ import annotations

import re

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell

from graders import course
from graders.notebook.cells import notebook_info

BADGE_ID = "colab-badge"
SETUP_ID = "colab-setup"
_LOCKED = {"editable": False, "deletable": False}


#: How a learner gets the test cells' results in Spanish (graders/i18n.py), in both languages.
LANGUAGE_NOTE = (
    "Test results in Spanish: run `%env GRADERS_LANG=es` in a cell. "
    "\u00b7 Resultados de las pruebas en espa\u00f1ol: ejecuta `%env GRADERS_LANG=es` en una celda."
)


def badge_cell(relative_path: str) -> NotebookNode:
    """The markdown cell with the 'Open in Colab' badge for the notebook at relative_path,
    and how to have the test cells speak Spanish."""
    url = course.colab_url(relative_path)
    source = (
        f'<a href="{url}" target="_parent">'
        '<img src="https://colab.research.google.com/assets/colab-badge.svg" '
        'alt="Open In Colab"/></a>\n\n'
        f"{LANGUAGE_NOTE}"
    )
    return new_markdown_cell(source, id=BADGE_ID, metadata=dict(_LOCKED))


_USES_TENSORFLOW = re.compile(r"^\s*(import|from)\s+tensorflow\b", re.MULTILINE)


def uses_tensorflow(nb: NotebookNode) -> bool:
    """Whether any code cell of the notebook imports TensorFlow."""
    return any(
        cell.get("cell_type") == "code" and _USES_TENSORFLOW.search(cell.get("source", ""))
        for cell in nb.get("cells", [])
    )


def setup_source(datasets: list[str], tensorflow: bool = True) -> str:
    """The code of the setup cell for a notebook that reads the given datasets.

    With ``tensorflow`` (the notebook imports it), the cell also sets what TensorFlow reads
    when it is imported, so that its start-up log lines stay out of the notebook's cells.
    """
    lines = [
        "# Setup. In Google Colab it installs this course's `graders` package, which the",
        '# "test your code" cells use, and downloads the data this notebook reads; anywhere',
        "# else (JupyterLab, a terminal, CI) that part does nothing.",
        "import os",
        "import sys",
        "",
    ]
    if tensorflow:
        lines += [
            "# TensorFlow reads this when it is imported: its C++ log stays out of the cells.",
            "# Once op determinism is on (the test cells turn it on, as the grader does), every",
            '# training or prediction would log a harmless error, "NodeDef mentions attribute',
            "# use_unbounded_threadpool\" (tf.data's determinism rewrite keeps an attribute the",
            "# sequential map it makes does not have). Real errors still raise in Python.",
            'os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")',
            "",
        ]
    lines += [
        'if "google.colab" in sys.modules:',
        "    import subprocess",
        "",
        f'    repository = "{course.clone_url()}"',
        f'    checkout = "{course.COLAB_CHECKOUT}"',
        "    if os.path.isdir(checkout):",
        '        command = ["git", "-C", checkout, "pull", "--quiet", "--ff-only"]',
        "    else:",
        '        command = ["git", "clone", "--quiet", "--depth", "1", repository, checkout]',
        "    git = subprocess.run(command, capture_output=True, text=True)",
        "    if git.returncode != 0 and not os.path.isdir(checkout):",
        "        raise RuntimeError(",
        '            f"Could not download the course from {repository}:\\n{git.stderr.strip()}\\n"',
        '            "Check this runtime\'s internet connection, then run this cell again."',
        "        )",
        "    if git.returncode != 0:",
        '        print(f"Could not update {checkout}, using it as it is: {git.stderr.strip()}")',
        '    pip_install = [sys.executable, "-m", "pip", "install", "--quiet"]',
        '    options = ["--disable-pip-version-check", "--root-user-action=ignore", "--no-deps"]',
        '    options += ["--no-build-isolation"]  # with Colab\'s own setuptools',
        '    subprocess.run([*pip_install, *options, "-e", checkout], check=True)',
        "    if checkout not in sys.path:",
        "        sys.path.insert(0, checkout)",
    ]
    if datasets:
        names = ", ".join(f'"{name}"' for name in datasets)
        lines += [
            "",
            "    from graders.datasets import fetch",
            "",
            f"    fetch([{names}])",
        ]
    if tensorflow:
        lines += [
            "",
            "# TensorFlow 2.21 writes its first lines (oneDNN, CUDA drivers) before it reads",
            "# TF_CPP_MIN_LOG_LEVEL: importing it once here with those lines discarded keeps them",
            "# out of the cells below. A failed import still raises its error.",
            "saved_stderr, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)",
            "os.dup2(devnull, 2)",
            "try:",
            "    import tensorflow  # noqa: F401 (imported here for its start-up only)",
            "finally:",
            "    os.dup2(saved_stderr, 2)",
            "    os.close(saved_stderr)",
            "    os.close(devnull)",
        ]
    return "\n".join(lines)


def setup_cell(datasets: list[str], tensorflow: bool = True) -> NotebookNode:
    """The setup code cell for a notebook that reads the given datasets."""
    return new_code_cell(setup_source(datasets, tensorflow), id=SETUP_ID, metadata=dict(_LOCKED))


def expected_header(nb: NotebookNode, relative_path: str) -> list[NotebookNode]:
    """The two header cells the notebook at relative_path must start with."""
    datasets = list(notebook_info(nb).get("datasets", []))
    return [badge_cell(relative_path), setup_cell(datasets, uses_tensorflow(nb))]


def with_header(nb: NotebookNode, relative_path: str) -> NotebookNode:
    """A copy of nb whose first two cells are the expected header (replacing old ones)."""
    body = [c for c in nb.cells if c.get("id") not in (BADGE_ID, SETUP_ID)]
    out = NotebookNode(dict(nb))
    out.cells = expected_header(nb, relative_path) + body
    return out


def header_problems(nb: NotebookNode, relative_path: str) -> list[str]:
    """What is wrong with the notebook's header cells (an empty list when nothing is)."""
    cells = nb.get("cells", [])
    problems = []
    for position, want in enumerate(expected_header(nb, relative_path)):
        got = cells[position] if position < len(cells) else None
        if got is None or got.get("id") != want.id:
            problems.append(f"cell {position} should be the '{want.id}' cell")
        elif got.get("source") != want.source or got.get("cell_type") != want.cell_type:
            problems.append(f"the '{want.id}' cell differs from the template")
    return problems
