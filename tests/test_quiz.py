"""Quiz answers: the forms a learner may write them in and how they are scored."""

import pytest

from graders.checks.core import InvalidValue, NotImplementedYet
from graders.checks.quiz import Question, quiz_exercises, read_answer, split_points
from graders.checks.run import judge_exercise, observe_exercise

SINGLE = Question("topic", 4, frozenset("b"))
MULTIPLE = Question("topic", 4, frozenset("acd"))


@pytest.mark.parametrize("value", ["b", "B", " b ", ["b"], {"b"}, ("b",)])
def test_single_choice_forms(value):
    assert read_answer(value, "answer_1", SINGLE) == {"b"}


@pytest.mark.parametrize("value", [{"a", "c", "d"}, ["d", "a", "c"], "a, c, d", "A C D"])
def test_multiple_choice_forms(value):
    assert read_answer(value, "answer_6", MULTIPLE) == {"a", "c", "d"}


def test_none_is_not_implemented():
    with pytest.raises(NotImplementedYet, match='one letter, e.g. "b"'):
        read_answer(None, "answer_1", SINGLE)


@pytest.mark.parametrize(
    "value, message",
    [
        ("z", "choose among a, b, c, d"),
        (2, "not a int"),
        ({"a", "b"}, "pick one letter"),
        ("a, c", "pick one letter"),
        ([1], "must be"),
        ("", "names no valid option"),
    ],
)
def test_malformed_answers_are_invalid(value, message):
    with pytest.raises(InvalidValue, match=message):
        read_answer(value, "answer_1", SINGLE)


def test_points_split_to_the_total():
    assert split_points(100, 7) == [15, 15, 14, 14, 14, 14, 14]
    assert sum(split_points(100, 6)) == 100


def test_scoring_and_feedback():
    single, multiple = quiz_exercises([SINGLE, MULTIPLE])
    right = judge_exercise(single, observe_exercise(single, {"answer_1": "b"}))
    assert [(r.passed, r.points) for r in right] == [(True, 50)]
    wrong = judge_exercise(single, observe_exercise(single, {"answer_1": "c"}))
    assert not wrong[0].passed and "'c', which is not it" in wrong[0].feedback
    partial = judge_exercise(multiple, observe_exercise(multiple, {"answer_2": {"a", "b"}}))
    assert partial[0].points == 0
    assert "1 correct, 1 incorrect" in partial[0].feedback
    missing = judge_exercise(multiple, observe_exercise(multiple, {}))
    assert "`answer_2` is not defined" in missing[0].feedback
    # Correctness is a grader-only check: the self-check never reveals it.
    assert all(r.hidden for r in right + wrong + partial)
