"""Release: student notebooks are generated from the solutions, and drift is caught."""

import re
import shutil

import nbformat
import pytest
from conftest import NOTEBOOKS, ROOT, SOLUTIONS, run_cli

from graders.notebook.cells import END_MARKER, START_MARKER, has_markers
from graders.notebook.header import BADGE_ID, SETUP_ID
from graders.notebook.release import release

#: What a learner may find between the markers: comments, blanks and placeholders.
PLACEHOLDER = re.compile(r"^\s*(#.*|[\w.\[\]'\", ]+(: \w+)? = None(, None)*|return None|pass)?$")

PAIRS = sorted(p.relative_to(SOLUTIONS) for p in SOLUTIONS.rglob("*.ipynb"))


def marked_lines(source: str) -> list[str]:
    """The lines strictly between START and END markers."""
    inside, found = False, []
    for line in source.splitlines():
        if END_MARKER.match(line):
            inside = False
        if inside:
            found.append(line)
        if START_MARKER.match(line):
            inside = True
    return found


def test_every_solution_has_a_student_notebook():
    assert PAIRS, "no solutions found"
    students = sorted(p.relative_to(NOTEBOOKS) for p in NOTEBOOKS.rglob("*.ipynb"))
    assert students == PAIRS


def test_release_check_passes_on_the_repository():
    done = run_cli("release", "--check")
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout


@pytest.mark.parametrize("rel", PAIRS, ids=str)
def test_student_notebook_matches_its_solution(rel):
    solution = nbformat.read(SOLUTIONS / rel, as_version=4)
    student = nbformat.read(NOTEBOOKS / rel, as_version=4)
    assert [c.id for c in student.cells] == [c.id for c in solution.cells]
    assert student.metadata["graders"] == solution.metadata["graders"]
    for sol, stu in zip(solution.cells, student.cells, strict=True):
        assert stu.metadata == sol.metadata
        if stu.cell_type == "code":
            assert stu.outputs == [] and stu.execution_count is None
        if has_markers(sol.source):
            assert stu.source != sol.source, f"cell {sol.id}: the solution leaked"
            for line in marked_lines(stu.source):
                assert PLACEHOLDER.match(line), f"cell {sol.id}: {line!r} is not a placeholder"
        elif sol.id not in (BADGE_ID,):
            assert stu.source == sol.source
    badge = student.cells[0]
    assert badge.id == BADGE_ID and f"notebooks/{rel.as_posix()}" in badge.source
    assert "%env GRADERS_LANG=es" in badge.source  # how to get the results in Spanish
    assert student.cells[1].id == SETUP_ID


def test_check_names_the_file_that_drifted(tmp_path):
    shutil.copytree(SOLUTIONS, tmp_path / "solutions")
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    assert [f for f in release(check=True, root=tmp_path) if f.problem] == []
    target = tmp_path / "solutions" / PAIRS[0]
    nb = nbformat.read(target, as_version=4)
    nb.cells[-1].source += "\n\nOne more sentence."
    nbformat.write(nb, target)
    problems = [str(f) for f in release(check=True, root=tmp_path) if f.problem]
    assert problems == [
        f"notebooks/{PAIRS[0].as_posix()}: is out of date (run `python -m graders release`)"
    ]
    written = [str(f) for f in release(root=tmp_path)]
    assert written == [f"notebooks/{PAIRS[0].as_posix()}: written"]
    assert [f for f in release(check=True, root=tmp_path) if f.problem] == []


def test_check_reports_outputs_missing_ids_and_strays(tmp_path):
    shutil.copytree(SOLUTIONS, tmp_path / "solutions")
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    target = tmp_path / "solutions" / PAIRS[0]
    nb = nbformat.read(target, as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code" and c.id != "colab-setup")
    code.execution_count = 3
    nbformat.write(nb, target)
    (tmp_path / "notebooks" / "W9").mkdir()
    shutil.copy(NOTEBOOKS / PAIRS[0], tmp_path / "notebooks" / "W9" / "orphan.ipynb")
    problems = [str(f) for f in release(check=True, root=tmp_path) if f.problem]
    assert (
        f"solutions/{PAIRS[0].as_posix()}: cell {code.id} has outputs or an execution count"
        in problems
    )
    assert "notebooks/W9/orphan.ipynb: has no reference notebook in solutions/" in problems


def test_release_cli_fails_on_drift(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "solutions", repo / "solutions")
    assert release(check=True, root=repo)  # notebooks/ missing entirely
    assert all("is missing" in str(f) for f in release(check=True, root=repo))


def test_release_regenerates_an_outdated_solution_header(tmp_path):
    shutil.copytree(SOLUTIONS, tmp_path / "solutions")
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    target = tmp_path / "solutions" / PAIRS[0]
    nb = nbformat.read(target, as_version=4)
    setup = next(cell for cell in nb.cells if cell.get("id") == "colab-setup")
    setup.source = "# an old setup cell"
    nbformat.write(nb, target)
    problems = [str(f) for f in release(check=True, root=tmp_path) if f.problem]
    assert problems == [f"solutions/{PAIRS[0]}: the 'colab-setup' cell differs from the template"]
    findings = [str(f) for f in release(root=tmp_path)]
    assert f"solutions/{PAIRS[0]}: header regenerated" in findings
    assert [f for f in release(check=True, root=tmp_path) if f.problem] == []
    assert target.read_text(encoding="utf-8") == (SOLUTIONS / PAIRS[0]).read_text(encoding="utf-8")


# --- release --check: the metadata, the registry and the check cells agree ---------------

ASSIGNMENT = "W1/C1W1_Assignment.ipynb"
EXERCISES = "create_training_data, define_and_compile_model, train_model"


def _set_assignment(value):
    def change(nb):
        if value is None:
            del nb.metadata.graders["assignment"]
        else:
            nb.metadata.graders["assignment"] = value
    return change


def _edit_cell(cell_id, old, new):
    def change(nb):
        cell = next(c for c in nb.cells if c.id == cell_id)
        assert old in cell.source
        cell.source = cell.source.replace(old, new)
    return change


def _drop_cell(cell_id):
    def change(nb):
        nb.cells = [c for c in nb.cells if c.id != cell_id]
    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set_assignment("C1W2"), [
            "metadata graders.assignment is C1W2, whose Assignment.notebook is"
            " W2/C1W2_Assignment.ipynb",
            "is C1W1's Assignment.notebook, but its metadata names 'C1W2'",
            *(f"cell test-ex{n}: check_exercise('C1W1') in a notebook whose metadata names"
              " 'C1W2'" for n in (1, 2, 3)),
        ]),
        (_set_assignment("C1W9"), [
            "metadata graders.assignment 'C1W9' is not an assignment (known: C1W1, C1W1_Quiz,"
            " C1W2, C1W2_Quiz, C1W3, C1W3_Quiz, C1W4, C1W4_Quiz)",
            "is C1W1's Assignment.notebook, but its metadata names 'C1W9'",
            *(f"cell test-ex{n}: check_exercise('C1W1') in a notebook whose metadata names"
              " 'C1W9'" for n in (1, 2, 3)),
        ]),
        (_set_assignment(None), [
            "is C1W1's Assignment.notebook, but its metadata names no assignment",
            *(f"cell test-ex{n}: check_exercise('C1W1') in a notebook whose metadata names"
              " no assignment" for n in (1, 2, 3)),
        ]),
        (_edit_cell("test-ex2", '"C1W1", ', '"C1W2", '), [
            "cell test-ex2: check_exercise('C1W2') in a notebook whose metadata names 'C1W1'",
            "no check_exercise cell checks exercise define_and_compile_model of C1W1",
        ]),
        (_edit_cell("test-ex3", '"train_model"', '"train_modle"'), [
            f"cell test-ex3: C1W1 has no exercise 'train_modle' (its exercises: {EXERCISES})",
            "no check_exercise cell checks exercise train_model of C1W1",
        ]),
        (_drop_cell("test-ex1"), [
            "no check_exercise cell checks exercise create_training_data of C1W1",
        ]),
        (_edit_cell("test-ex1", '"create_training_data"', "NAME"), [
            "cell test-ex1: its check_exercise call is not check_exercise(ASSIGNMENT, EXERCISE)"
            " with literal strings",
            "no check_exercise cell checks exercise create_training_data of C1W1",
        ]),
    ],
    ids=["other-assignment", "unknown-assignment", "no-assignment", "cell-other-assignment",
         "cell-unknown-exercise", "exercise-unchecked", "cell-not-literal"],
)
def test_check_reports_where_metadata_registry_and_check_cells_disagree(
    tmp_path, change, expected
):
    shutil.copytree(SOLUTIONS, tmp_path / "solutions")
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    target = tmp_path / "solutions" / ASSIGNMENT
    nb = nbformat.read(target, as_version=4)
    change(nb)
    nbformat.write(nb, target)
    problems = [str(f) for f in release(check=True, root=tmp_path) if f.problem]
    disagreements = [p for p in problems if "is out of date" not in p]
    assert disagreements == [f"solutions/{ASSIGNMENT}: {message}" for message in expected]


def test_check_reports_a_notebook_away_from_its_assignment_notebook_path(tmp_path):
    shutil.copytree(SOLUTIONS, tmp_path / "solutions")
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    for folder in ("solutions", "notebooks"):
        (tmp_path / folder / ASSIGNMENT).rename(tmp_path / folder / "W1" / "Renamed.ipynb")
    problems = [str(f) for f in release(check=True, root=tmp_path) if f.problem]
    assert (
        "solutions/W1/Renamed.ipynb: metadata graders.assignment is C1W1, whose"
        f" Assignment.notebook is {ASSIGNMENT}" in problems
    )
    assert f"solutions/{ASSIGNMENT}: is missing: it is C1W1's Assignment.notebook" in problems
