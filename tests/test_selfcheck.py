"""The notebooks' "test your code" cells report the grader's own verdicts."""

import html
import re

import nbformat
import numpy as np
from IPython.core.formatters import DisplayFormatter
from nbclient import NotebookClient

from graders import check_exercise
from graders.checks.core import fail
from graders.selfcheck import self_check, split_feedback


def create_training_data():
    return np.arange(1.0, 7.0), np.arange(1.0, 7.0) / 2 + 0.5


def test_a_correct_exercise_passes_every_visible_check(capsys):
    check_exercise("C1W1", "create_training_data", {"create_training_data": create_training_data})
    out = capsys.readouterr().out
    assert out.count("\u2705") == 3 and "\u274c" not in out
    assert "All 3 passed!" in out


def test_the_callers_globals_are_the_default_namespace(capsys):
    check_exercise("C1W1", "create_training_data")  # finds create_training_data above
    assert "All 3 passed!" in capsys.readouterr().out


def test_wrong_and_unfinished_exercises_fail_with_feedback(capsys):
    def wrong():
        return np.arange(1, 7), np.arange(1.0, 7.0)

    check_exercise("C1W1", "create_training_data", {"create_training_data": wrong})
    out = capsys.readouterr().out
    assert "n_bedrooms dtype: expected a float dtype" in out
    assert "2 failed, 1 passed." in out
    check_exercise("C1W1", "define_and_compile_model", {"define_and_compile_model": lambda: None})
    out = capsys.readouterr().out
    assert "\u274c define_and_compile_model\n   Not implemented yet: define_and_compile_model() " \
        "returned None." in out
    assert "1 failed, none passed." in out


def test_quiz_answers_are_only_confirmed_as_recorded(capsys):
    answers = {f"answer_{n}": "a" for n in range(1, 8)}  # mostly wrong, all well-formed
    check_exercise("C1W1_Quiz", namespace=answers)
    out = capsys.readouterr().out
    assert "All 7 recorded for grading!" in out
    assert "not it" not in out  # correctness is not revealed
    check_exercise("C1W1_Quiz", "answer_3", {"answer_3": "z"})
    assert "names no valid option" in capsys.readouterr().out


# Rich results: an HTML table for JupyterLab and Colab, the same text everywhere else.


def rows(markup: str) -> list[tuple[str, str]]:
    """(class, text) of each body row of a report's table."""
    body = markup.split("<tbody>", 1)[1]
    return [
        (kind, re.sub(r"<[^>]+>", " ", cells))
        for kind, cells in re.findall(r'<tr class="graders-(\w+)"[^>]*>(.*?)</tr>', body)
    ]


def test_front_ends_get_html_and_the_same_text(capsys):
    namespace = {"create_training_data": create_training_data}
    data, _ = DisplayFormatter().format(self_check("C1W1", "create_training_data", namespace))
    check_exercise("C1W1", "create_training_data", namespace)
    assert data["text/plain"] + "\n" == capsys.readouterr().out  # what print shows today
    table = rows(data["text/html"])
    assert [kind for kind, _ in table] == ["passed"] * 3
    assert all("10 / 10" in text for _, text in table)
    assert "All 3 passed!" in data["text/html"]
    assert "<script" not in data["text/html"] and "<style" not in data["text/html"]


def test_a_failed_check_shows_points_want_and_got_in_their_columns():
    def wrong():
        return np.arange(1, 7), np.arange(1.0, 7.0)

    report = self_check("C1W1", "create_training_data", {"create_training_data": wrong})
    markup = report._repr_html_()
    failed = [text for kind, text in rows(markup) if kind == "failed"]
    assert len(failed) == 2
    assert any("0 / " in text and "a float dtype" in text and "int64" in text for text in failed)
    assert "2 failed, 1 passed." in markup


def test_feedback_from_fail_splits_into_what_want_and_got():
    verdict = fail("optimizer", "SGD, with momentum 0", "Adam, but got nothing else")
    assert split_feedback(verdict.feedback) == (
        "optimizer", "SGD, with momentum 0", "Adam, but got nothing else"
    )
    assert split_feedback("`model` raised ValueError: bad (line 3 of your cell).") is None


def test_learner_text_is_escaped_and_long_feedback_is_collapsed():
    hostile = "<img src=x onerror=alert(1)>" + "x" * 200
    markup = self_check("C1W1_Quiz", "answer_3", {"answer_3": hostile})._repr_html_()
    assert "<img" not in markup and html.escape("<img src=x") in markup
    assert "<details>" in markup and "<summary" in markup


def test_an_unanswered_question_says_not_answered_yet(capsys):
    check_exercise("C1W1_Quiz", "answer_2", {"answer_2": None})
    out = capsys.readouterr().out
    assert "Not answered yet: `answer_2` is still None" in out
    assert "Not implemented yet" not in out
    markup = self_check("C1W1_Quiz", None, {f"answer_{n}": "a" for n in range(1, 8)})._repr_html_()
    assert [kind for kind, _ in rows(markup)] == ["recorded"] * 7


def test_a_notebook_kernel_receives_both_html_and_text():
    nb = nbformat.v4.new_notebook()
    source = "from graders import check_exercise\nanswer_1 = None\n"
    nb.cells = [nbformat.v4.new_code_cell(source + 'check_exercise("C1W1_Quiz", "answer_1")')]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    (output,) = nb.cells[0].outputs
    assert output.output_type == "display_data"
    assert output.data["text/plain"].startswith("\u274c answer_1\n   Not answered yet:")
    assert [kind for kind, _ in rows(output.data["text/html"])] == ["failed"]
