"""The notebooks' "test your code" cells report the grader's own verdicts."""

import numpy as np

from graders import check_exercise


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
