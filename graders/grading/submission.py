"""Reading a submitted notebook and telling which assignment it is, without running it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from graders.assignments import ASSIGNMENTS, assignment_for_notebook
from graders.checks.core import Assignment
from graders.notebook.cells import graded_cells, notebook_info


class SubmissionError(Exception):
    """The file cannot be graded at all (not a notebook, unknown assignment...)."""


@dataclass(frozen=True)
class GradedCell:
    """A graded code cell: its id and its source."""

    id: str
    source: str


@dataclass(frozen=True)
class Submission:
    """A readable notebook, the assignment it belongs to, and the cells to execute."""

    path: Path
    assignment: Assignment
    cells: tuple[GradedCell, ...]


def load_submission(path: Path) -> Submission:
    """Read and identify a submission; SubmissionError with a clear message otherwise."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SubmissionError(f"cannot read the file: {error.strerror}") from error
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SubmissionError(f"not a notebook: the file is not valid JSON ({error})") from error
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        raise SubmissionError("not a notebook: the JSON has no 'cells' or 'nbformat'")
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as error:  # nbformat raises several kinds for broken files
        raise SubmissionError(f"not a readable Jupyter notebook ({error})") from error
    assignment = identify(nb, path.name)
    cells = tuple(
        GradedCell(str(cell.get("id", f"#{n}")), str(cell.get("source", "")))
        for n, cell in enumerate(graded_cells(nb))
    )
    return Submission(path=path, assignment=assignment, cells=cells)


def identify(nb: nbformat.NotebookNode, filename: str) -> Assignment:
    """The assignment named in the notebook's metadata, else the one its file name matches."""
    named = notebook_info(nb).get("assignment")
    if isinstance(named, str) and named in ASSIGNMENTS:
        return ASSIGNMENTS[named]
    by_name = assignment_for_notebook(filename)
    if by_name is not None:
        return by_name
    known = ", ".join(sorted(ASSIGNMENTS))
    if named:
        raise SubmissionError(
            f"the notebook names an unknown assignment {named!r} (known: {known})"
        )
    raise SubmissionError(
        "cannot tell which assignment this is: the notebook's metadata names none and its "
        f"file name matches no assignment notebook (known assignments: {known})"
    )
