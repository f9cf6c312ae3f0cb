"""The two cells every notebook opens with: an "Open in Colab" badge and a setup cell.

The setup cell does nothing outside Google Colab. In Colab it clones this repository,
installs its ``graders`` package (without touching Colab's TensorFlow) and fetches the
datasets the notebook reads, so the rest of the notebook is identical everywhere.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell

from graders import course
from graders.notebook.cells import notebook_info

BADGE_ID = "colab-badge"
SETUP_ID = "colab-setup"
_LOCKED = {"editable": False, "deletable": False}


def badge_cell(relative_path: str) -> NotebookNode:
    """The markdown cell with the 'Open in Colab' badge for the notebook at relative_path."""
    url = course.colab_url(relative_path)
    source = (
        f'<a href="{url}" target="_parent">'
        '<img src="https://colab.research.google.com/assets/colab-badge.svg" '
        'alt="Open In Colab"/></a>'
    )
    return new_markdown_cell(source, id=BADGE_ID, metadata=dict(_LOCKED))


def setup_source(datasets: list[str]) -> str:
    """The code of the setup cell for a notebook that reads the given datasets."""
    lines = [
        "# Setup for Google Colab. Anywhere else (JupyterLab, a terminal, CI) it does nothing.",
        "# In Colab it installs this course's `graders` package, which the \"test your code\"",
        "# cells use, and downloads the data this notebook reads.",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        "    import os",
        "    import subprocess",
        "",
        f'    repository = "{course.clone_url()}"',
        f'    checkout = "{course.COLAB_CHECKOUT}"',
        "    if not os.path.isdir(checkout):",
        "        subprocess.run(",
        '            ["git", "clone", "--quiet", "--depth", "1", repository, checkout],',
        "            check=True,",
        "        )",
        "    subprocess.run(",
        '        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "-e", checkout],',
        "        check=True,",
        "    )",
        "    sys.path.insert(0, checkout)",
    ]
    if datasets:
        names = ", ".join(f'"{name}"' for name in datasets)
        lines += [
            "",
            "    from graders.datasets import fetch",
            "",
            f"    fetch([{names}])",
        ]
    return "\n".join(lines)


def setup_cell(datasets: list[str]) -> NotebookNode:
    """The setup code cell for a notebook that reads the given datasets."""
    return new_code_cell(setup_source(datasets), id=SETUP_ID, metadata=dict(_LOCKED))


def expected_header(nb: NotebookNode, relative_path: str) -> list[NotebookNode]:
    """The two header cells the notebook at relative_path must start with."""
    datasets = list(notebook_info(nb).get("datasets", []))
    return [badge_cell(relative_path), setup_cell(datasets)]


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
