"""Structure checks, before anything runs: compare a submission with its released template.

Cells are matched by id, never by position. The cells to execute are the submission's
cells that the template tags ``graded`` (or that the submission tags so), in the
submission's order, up to ``# grade-up-to-here``. Of those:

* a cell id that appears more than once is executed once, the first time;
* a cell the template makes read-only (``editable: false``) that was changed, or deleted,
  is executed as released (the original is restored), and a note says so;
* a deleted exercise cell is noted (its exercise is then reported as not defined).

A notebook none of whose graded cells match its template but another assignment's is
refused, as is one that is not the assignment the grader was told to expect.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from graders import course
from graders.checks.core import Assignment
from graders.i18n import _
from graders.notebook.cells import cell_id, graded_positions, is_graded
from graders.notebook.reading import read_v4

if TYPE_CHECKING:
    from nbformat import NotebookNode


@dataclass(frozen=True)
class GradedCell:
    """A graded code cell: its id and its source."""

    id: str
    source: str


@dataclass
class Structure:
    """What to execute, notes for the learner, and why grading is refused (if it is)."""

    cells: list[GradedCell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: str | None = None


def checksum(source: str) -> str:
    """The SHA-256 of a cell's source."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


@cache
def template_cells(assignment: Assignment) -> tuple[tuple[str, str, bool], ...] | None:
    """(id, source, read-only) of each graded cell of the released notebook, if it exists."""
    path = Path(course.ROOT, "notebooks", assignment.notebook)
    if not path.exists():
        return None
    nb = read_v4(path)  # released by `graders release`: always v4
    return tuple(
        (str(c.get("id")), c.source, c.metadata.get("editable") is False)
        for c in nb.cells
        if is_graded(c)
    )


def _ids(nb: NotebookNode) -> set[str]:
    return {str(cell.get("id")) for cell in nb.get("cells", [])}


def _other_assignment(nb: NotebookNode, assignment: Assignment) -> str | None:
    from graders.assignments import ASSIGNMENTS

    ids = _ids(nb)
    for other in ASSIGNMENTS.values():
        cells = template_cells(other)
        if other is not assignment and cells and ids & {cid for cid, _, _ in cells}:
            return other.id
    return None


def check_structure(
    nb: NotebookNode, assignment: Assignment, expected: str | None = None
) -> Structure:
    """Decide what to execute for a submission identified as assignment."""
    if expected is not None and assignment.id != expected:
        return Structure(refused=_("this is a notebook of {assignment}, not {expected}").format(
            assignment=assignment.id, expected=expected))
    template = template_cells(assignment)
    if template is None:
        return Structure(cells=_submitted(nb, set()), notes=[])
    graded_ids = {cid for cid, _, _ in template}
    if not _ids(nb) & graded_ids:
        other = _other_assignment(nb, assignment)
        if other is not None:
            return Structure(
                refused=_("its cells are those of {other}'s notebook, not {assignment}'s").format(
                    other=other, assignment=assignment.id)
            )
    structure = Structure(cells=_submitted(nb, graded_ids))
    _dedupe(structure)
    _restore(structure, template)
    return structure


def _submitted(nb: NotebookNode, graded_ids: set[str]) -> list[GradedCell]:
    cells = nb.get("cells", [])
    return [
        GradedCell(cell_id(cells[n], n), str(cells[n].get("source", "")))
        for n in graded_positions(nb, graded_ids)
    ]


def _dedupe(structure: Structure) -> None:
    counts: dict[str, int] = {}
    kept = []
    for cell in structure.cells:
        counts[cell.id] = counts.get(cell.id, 0) + 1
        if counts[cell.id] == 1:
            kept.append(cell)
    structure.cells = kept
    for cid, count in counts.items():
        if count > 1:
            structure.notes.append(
                _("Graded cell {cell} appears {count} times; only its first copy was graded.")
                .format(cell=cid, count=count)
            )


def _restore(structure: Structure, template: tuple[tuple[str, str, bool], ...]) -> None:
    present = {cell.id: n for n, cell in enumerate(structure.cells)}
    for position, (cid, source, read_only) in enumerate(template):
        if cid in present:
            cell = structure.cells[present[cid]]
            if read_only and checksum(cell.source) != checksum(source):
                structure.cells[present[cid]] = GradedCell(cid, source)
                structure.notes.append(
                    _("Cell {cell} may not be edited, but it was: it was graded as released.")
                    .format(cell=cid)
                )
            continue
        if not read_only:
            structure.notes.append(
                _("Graded cell {cell} is missing from the notebook.").format(cell=cid)
            )
            continue
        before = [t[0] for t in template[:position]]
        at = max((present[b] + 1 for b in before if b in present), default=0)
        structure.cells.insert(at, GradedCell(cid, source))
        present = {cell.id: n for n, cell in enumerate(structure.cells)}
        structure.notes.append(
            _("Cell {cell} may not be deleted, but it was: it was graded as released.")
            .format(cell=cid)
        )
