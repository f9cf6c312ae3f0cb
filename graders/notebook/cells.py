"""The conventions that tie a notebook's cells and metadata to the grading tools.

* ``nb.metadata["graders"]`` names the notebook's assignment (``"assignment"``, absent for
  labs) and the datasets it reads (``"datasets"``), so a renamed file still grades.
* Cells the grader executes carry the ``graded`` tag.
* Learner code goes between ``### START CODE HERE ###`` and ``### END CODE HERE ###``.
* A ``# grade-up-to-here`` comment in any cell stops grading after that cell.
* Cells a learner must not change have ``editable: false`` / ``deletable: false``.
* Jupyter's ``.ipynb_checkpoints`` folders hold autosaved copies: no tool reads them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nbformat import NotebookNode

METADATA_KEY = "graders"
GRADED_TAG = "graded"
#: Cells only the reference solution has (dropped from the student notebook).
SOLUTION_ONLY_TAG = "solution-only"

START_MARKER = re.compile(r"^\s*#{2,}\s*START CODE HERE\s*#*\s*$")
END_MARKER = re.compile(r"^\s*#{2,}\s*END CODE HERE\s*#*\s*$")
GRADE_UP_TO_HERE = re.compile(r"^\s*#\s*grade-up-to-here\b", re.MULTILINE)
CHECKPOINTS = ".ipynb_checkpoints"


def notebook_info(nb: NotebookNode) -> dict[str, Any]:
    """The course metadata of a notebook (empty dict when it has none)."""
    info = nb.get("metadata", {}).get(METADATA_KEY, {})
    return dict(info) if isinstance(info, dict) else {}


def tags(cell: NotebookNode) -> list[str]:
    """The cell's tags, tolerating malformed metadata."""
    found = cell.get("metadata", {}).get("tags", [])
    return [t for t in found if isinstance(t, str)] if isinstance(found, list) else []


def is_graded(cell: NotebookNode) -> bool:
    """True for a code cell the grader executes."""
    return cell.get("cell_type") == "code" and GRADED_TAG in tags(cell)


def cell_id(cell: NotebookNode, position: int) -> str:
    """The cell's id; ``#<position>`` for a cell that has none (notebooks before nbformat 4.5)."""
    return str(cell.get("id", f"#{position}"))


def graded_positions(nb: NotebookNode, ids: Collection[str] = ()) -> list[int]:
    """The positions of the graded code cells, in order, up to the first ``# grade-up-to-here``.

    A code cell whose id (see cell_id) is in ``ids`` is graded without the tag too: the grader
    passes its template's graded cells, so a tag the learner removed changes nothing.
    """
    chosen = []
    for n, cell in enumerate(nb.get("cells", [])):
        code = cell.get("cell_type") == "code"
        if code and (is_graded(cell) or cell_id(cell, n) in ids):
            chosen.append(n)
        if code and GRADE_UP_TO_HERE.search(cell.get("source", "")):
            break
    return chosen


def graded_cells(nb: NotebookNode) -> list[NotebookNode]:
    """The graded code cells, in order, up to the first ``# grade-up-to-here`` comment."""
    cells = nb.get("cells", [])
    return [cells[n] for n in graded_positions(nb)]


def has_markers(source: str) -> bool:
    """True when the source holds a START CODE HERE marker."""
    return any(START_MARKER.match(line) for line in source.splitlines())


def files_under(folder: Path, pattern: str = "*.ipynb") -> list[Path]:
    """The paths under folder (recursively) that match pattern, sorted, less checkpoints.

    A path with a ``.ipynb_checkpoints`` folder anywhere in it is left out.
    """
    return sorted(p for p in folder.rglob(pattern) if CHECKPOINTS not in p.parts)
