"""Release: write the student notebooks in notebooks/ from the reference ones in solutions/.

Each student notebook is its solution with the code between the START/END markers
replaced by the learner's scaffold, outputs and execution counts cleared, cells tagged
``solution-only`` dropped and the header pointing at the student copy. Cell ids are
kept, so a cell keeps its identity across releases. The two generated header cells of a
solution (badge, setup) are rewritten in place when they differ from the template. ``check``
mode writes nothing and reports every file that is out of date. Either mode reports where an
assignment's notebook, its registration (``Assignment.notebook``) and its ``check_exercise``
cells disagree.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from graders.checks.core import Assignment


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


def assignment_problems(nb: NotebookNode, rel: str) -> list[str]:
    """Where a reference notebook (at rel in solutions/) and the assignment registry disagree.

    The notebook's metadata ``graders.assignment`` must be the assignment whose ``notebook``
    is rel, and its ``check_exercise`` cells must name that assignment and its exercises,
    each exercise at least once unless a cell checks them all (``check_exercise(ID)``).
    """
    from graders.assignments import ASSIGNMENTS

    declared = notebook_info(nb).get("assignment")
    spec = ASSIGNMENTS.get(declared) if isinstance(declared, str) else None
    names = "no assignment" if declared is None else repr(declared)
    problems = []
    if declared is not None and spec is None:
        problems.append(
            f"metadata graders.assignment {declared!r} is not an assignment"
            f" (known: {', '.join(ASSIGNMENTS)})"
        )
    elif spec is not None and spec.notebook != rel:
        problems.append(
            f"metadata graders.assignment is {spec.id}, whose Assignment.notebook is"
            f" {spec.notebook}"
        )
    for other in ASSIGNMENTS.values():
        if other.notebook == rel and other is not spec:
            problems.append(f"is {other.id}'s Assignment.notebook, but its metadata names {names}")
    checked: set[str | None] = set()
    for cell_id, call in _check_calls(nb):
        if call is None:
            problems.append(f"cell {cell_id}: its check_exercise call is not check_exercise"
                            "(ASSIGNMENT, EXERCISE) with literal strings")
            continue
        assignment, exercise = call
        if assignment != declared:
            problems.append(f"cell {cell_id}: check_exercise({assignment!r}) in a notebook"
                            f" whose metadata names {names}")
        elif spec is not None and exercise is not None and exercise not in _names(spec):
            problems.append(f"cell {cell_id}: {spec.id} has no exercise {exercise!r}"
                            f" (its exercises: {', '.join(_names(spec))})")
        else:
            checked.add(exercise)
    if spec is not None and spec.notebook == rel and None not in checked:
        for name in _names(spec):
            if name not in checked:
                problems.append(f"no check_exercise cell checks exercise {name} of {spec.id}")
    return problems


def _names(spec: Assignment) -> list[str]:
    return [exercise.name for exercise in spec.exercises]


def _check_calls(
    nb: NotebookNode,
) -> list[tuple[str, tuple[str, str | None] | None]]:
    """(cell id, (assignment, exercise or None)) of each check_exercise call in a code cell;
    None instead of the pair for a call whose arguments are not literal strings."""
    found: list[tuple[str, tuple[str, str | None] | None]] = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "check_exercise" not in cell.source:
            continue
        lines = cell.source.splitlines()  # IPython's magics and shell lines are not Python
        code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines)
        try:
            tree = ast.parse(code)
        except SyntaxError:
            found.append((str(cell.get("id")), None))
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) == "check_exercise":
                found.append((str(cell.get("id")), _literal_arguments(node)))
    return found


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _literal_arguments(call: ast.Call) -> tuple[str, str | None] | None:
    given = dict(zip(("assignment", "exercise"), call.args, strict=False))
    given |= {str(k.arg): k.value for k in call.keywords if k.arg in ("assignment", "exercise")}
    values = {
        name: node.value for name, node in given.items()
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    if len(call.args) > 3 or values.keys() != given.keys() or "assignment" not in values:
        return None
    return values["assignment"], values.get("exercise")


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
        for problem in solution_problems(nb, f"solutions/{rel}") + assignment_problems(nb, rel):
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
    from graders.assignments import ASSIGNMENTS

    for spec in ASSIGNMENTS.values():
        if notebooks / spec.notebook not in expected:
            findings.append(Finding(
                f"solutions/{spec.notebook}", f"is missing: it is {spec.id}'s Assignment.notebook"
            ))
    for stray in files_under(notebooks):
        if stray not in expected:
            rel = stray.relative_to(root).as_posix()
            findings.append(Finding(rel, "has no reference notebook in solutions/"))
    return findings
