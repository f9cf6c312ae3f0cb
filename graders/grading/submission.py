"""Reading a submitted notebook and telling which assignment it is, without running it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graders.assignments import ASSIGNMENTS, assignment_for_notebook
from graders.checks.core import Assignment
from graders.grading.structure import GradedCell, check_structure
from graders.i18n import _
from graders.notebook.cells import notebook_info
from graders.notebook.reading import from_v4

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["GradedCell", "Submission", "SubmissionError", "identify", "load_submission"]


class SubmissionError(Exception):
    """The file cannot be graded at all (not a notebook, unknown assignment...)."""

    def __init__(self, message: str, assignment: Assignment | None = None) -> None:
        super().__init__(message)
        #: The assignment whose tests score zero, when known.
        self.assignment = assignment


@dataclass(frozen=True)
class Submission:
    """A readable notebook, the assignment it belongs to, and the cells to execute."""

    path: Path
    assignment: Assignment
    cells: tuple[GradedCell, ...]
    notes: tuple[str, ...] = field(default=())


def load_submission(path: Path, expected: str | None = None) -> Submission:
    """Read, identify and check a submission; SubmissionError with a clear message otherwise.

    expected, when given, is the assignment id the notebook must be.
    """
    fallback = ASSIGNMENTS.get(expected) if expected else assignment_for_notebook(path.name)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SubmissionError(
            _("cannot read the file: {reason}").format(reason=error.strerror), fallback
        ) from error
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SubmissionError(
            _("not a notebook: the file is not valid JSON ({error})").format(error=error),
            fallback,
        ) from error
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        raise SubmissionError(
            _("not a notebook: the JSON has no 'cells' or 'nbformat'"), fallback
        )
    try:
        nb = _notebook(data)
        if not isinstance(nb.cells, list) or not all(isinstance(c, dict) for c in nb.cells):
            raise ValueError(_("its cells are not a list of cells"))
    except Exception as error:  # nbformat raises several kinds for broken files
        raise SubmissionError(
            _("not a readable Jupyter notebook ({error})").format(error=error), fallback
        ) from error
    assignment = identify(nb, path.name, fallback)
    structure = check_structure(nb, assignment, expected)
    if structure.refused:
        raise SubmissionError(
            _("not gradable: {reason}").format(reason=structure.refused), fallback or assignment
        )
    return Submission(path, assignment, tuple(structure.cells), tuple(structure.notes))


def _notebook(data: dict) -> Any:
    """The notebook as written: a v4 file is read without nbformat (see notebook.reading:
    its validation would silently rename duplicated cell ids, which structure checks must
    see); an older one is converted by nbformat."""
    if data.get("nbformat") == 4:
        return from_v4(data)
    import nbformat

    return nbformat.reads(json.dumps(data), as_version=4)


def identify(
    nb: NotebookNode, filename: str, fallback: Assignment | None = None
) -> Assignment:
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
            _("the notebook names an unknown assignment {name} (known: {known})").format(
                name=repr(named), known=known
            ),
            fallback,
        )
    raise SubmissionError(
        _("cannot tell which assignment this is: the notebook's metadata names none and its "
          "file name matches no assignment notebook (known assignments: {known})").format(
            known=known
        ),
        fallback,
    )
