"""Structure checks, before anything runs: cells matched to the released template by id."""

from __future__ import annotations

import json

from conftest import run_cli
from hostile.corpus import ASSIGNMENT, QUIZ, Case

from graders.grading.structure import template_cells
from graders.grading.submission import SubmissionError, load_submission

RELEASED_IMPORTS = next(src for cid, src, _ in template_cells(
    load_submission(ASSIGNMENT).assignment) if cid == "imports")


def _load(tmp_path, **case):
    return load_submission(Case("variant", "graded", [], **case).write(tmp_path))


def test_an_edited_read_only_cell_is_restored_with_a_note(tmp_path):
    submission = _load(tmp_path, base=ASSIGNMENT, sources={"imports": "import os\nos._exit(1)"})
    assert submission.cells[0].source == RELEASED_IMPORTS
    assert submission.notes == (
        "Cell imports may not be edited, but it was: it was graded as released.",
    )


def test_a_deleted_read_only_cell_is_restored_in_its_place(tmp_path):
    submission = _load(tmp_path, base=ASSIGNMENT, delete=("imports",))
    assert [c.id for c in submission.cells][:2] == ["imports", "ex1-create-training-data"]
    assert "may not be deleted" in submission.notes[0]


def test_cells_are_matched_by_id_not_position_nor_tag(tmp_path):
    nb = json.loads(QUIZ.read_text())
    moved = [c for c in nb["cells"] if c.get("id") == "answer-7"][0]
    nb["cells"].remove(moved)
    moved["metadata"]["tags"] = []  # untagged, still graded: the template grades it
    nb["cells"].insert(3, moved)
    path = tmp_path / "moved.ipynb"
    path.write_text(json.dumps(nb))
    submission = load_submission(path)
    assert [c.id for c in submission.cells][0] == "answer-7"
    assert len(submission.cells) == 7 and submission.notes == ()


def test_duplicated_and_missing_graded_cells_are_noted(tmp_path):
    submission = _load(tmp_path, duplicate={"answer-1": "answer_1 = 'b'"}, delete=("answer-5",))
    assert [c.id for c in submission.cells] == [f"answer-{n}" for n in (1, 2, 3, 4, 6, 7)]
    assert "answer_1 = 'b'" not in submission.cells[0].source  # the copy was dropped
    assert submission.notes == (
        "Graded cell answer-1 appears 2 times; only its first copy was graded.",
        "Graded cell answer-5 is missing from the notebook.",
    )


def test_another_assignments_notebook_is_refused(tmp_path):
    path = Case("x", "error", [], base=ASSIGNMENT,
                metadata={"kind": "quiz", "assignment": "C1W1_Quiz"}).write(tmp_path)
    try:
        load_submission(path)
    except SubmissionError as error:
        assert "its cells are those of C1W1's notebook, not C1W1_Quiz's" in str(error)
        assert error.assignment.id == "C1W1_Quiz"
    else:
        raise AssertionError("a notebook of another assignment was accepted")


def test_grading_with_an_expected_assignment_refuses_others():
    done = run_cli("grade", "--json", "--assignment", "C1W1", str(QUIZ))
    result = json.loads(done.stdout)
    assert (result["status"], result["assignment"], result["score"]) == ("error", "C1W1", 0)
    assert "this is a notebook of C1W1_Quiz, not C1W1" in result["message"]
    assert len(result["tests"]) == 7 and result["max_score"] == 100
    assert run_cli("grade", "--assignment", "C9", str(QUIZ)).returncode == 2
    assert run_cli("grade", "--workers", "2", str(QUIZ)).returncode == 2
