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
