"""Release: write the student notebooks in notebooks/ from the reference ones in solutions/.

Each student notebook is its solution with the code between the START/END markers
replaced by the learner's scaffold, outputs and execution counts cleared, cells tagged
``solution-only`` dropped and the header pointing at the student copy. Cell ids are
kept, so a cell keeps its identity across releases. The two generated header cells of a
solution (badge, setup) are rewritten in place when they differ from the template. ``check``
mode writes nothing and reports every file that is out of date.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from graders import course
from graders.notebook.cells import (
    SOLUTION_ONLY_TAG,
    files_under,
    has_markers,
    notebook_info,
    tags,
)
from graders.notebook.header import header_problems, with_header
from graders.notebook.scaffold import ScaffoldError, student_source


@dataclass(frozen=True)
class Finding:
    """Something release did or found, about one file."""

    path: str
    message: str
    problem: bool = True

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def student_notebook(solution: NotebookNode, relative_path: str) -> NotebookNode:
    """The learner's notebook made from a reference solution (which is left untouched)."""
    nb = copy.deepcopy(solution)
    nb.cells = [cell for cell in nb.cells if SOLUTION_ONLY_TAG not in tags(cell)]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if has_markers(cell.source):
            try:
                cell.source = student_source(cell.source)
            except ScaffoldError as error:
                raise ScaffoldError(f"cell {cell.get('id')}: {error}") from error
    return with_header(nb, relative_path)


def render(nb: NotebookNode) -> str:
    """The notebook as the exact text committed to the repository."""
    return nbformat.writes(nb, version=4) + "\n"


def solution_problems(nb: NotebookNode, relative_path: str) -> list[str]:
    """What keeps a reference notebook from being released as is."""
    problems = []
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        problems.append(f"invalid notebook: {error.message}")
    ids = [cell.get("id") for cell in nb.cells]
    if None in ids or len(set(ids)) != len(ids):
        problems.append("every cell needs a unique id")
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            problems.append(f"cell {cell.get('id')} has outputs or an execution count")
    if "kind" not in notebook_info(nb):
        problems.append("notebook metadata lacks graders.kind")
    problems += header_problems(nb, relative_path)
    return problems


def release(check: bool = False, root: Path = course.ROOT) -> list[Finding]:
    """Write (or, with check, compare) every student notebook; returns what was found."""
    solutions, notebooks = root / "solutions", root / "notebooks"
    findings: list[Finding] = []
    expected: set[Path] = set()
    for source in files_under(solutions):
        rel = source.relative_to(solutions).as_posix()
        nb = nbformat.read(source, as_version=4)
        if not check and header_problems(nb, f"solutions/{rel}"):
            nb = with_header(nb, f"solutions/{rel}")
            source.write_text(render(nb), encoding="utf-8")
            findings.append(Finding(f"solutions/{rel}", "header regenerated", problem=False))
        for problem in solution_problems(nb, f"solutions/{rel}"):
            findings.append(Finding(f"solutions/{rel}", problem))
        target = notebooks / rel
        expected.add(target)
        try:
            text = render(student_notebook(nb, f"notebooks/{rel}"))
        except ScaffoldError as error:
            findings.append(Finding(f"solutions/{rel}", str(error)))
            continue
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if check:
            state = "is missing" if current is None else "is out of date"
            findings.append(
                Finding(f"notebooks/{rel}", f"{state} (run `python -m graders release`)")
            )
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            findings.append(Finding(f"notebooks/{rel}", "written", problem=False))
    for stray in files_under(notebooks):
        if stray not in expected:
            rel = stray.relative_to(root).as_posix()
            findings.append(Finding(rel, "has no reference notebook in solutions/"))
    return findings
