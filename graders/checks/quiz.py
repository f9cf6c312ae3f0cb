"""Quizzes as data: each question's answer is a variable the learner sets in the notebook.

A single-choice answer is one letter (``answer_2 = "c"``); a multiple-choice answer is a
set of letters (``answer_6 = {"a", "c", "d"}``). The notebook's self-check only confirms
that an answer is recorded in a valid form; correctness is a hidden check the grader runs.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graders.checks.core import Check, Exercise, InvalidValue, NotImplementedYet, Verdict, fail, ok
from graders.i18n import N_, Text, _, lazy


class NotAnsweredYet(NotImplementedYet):
    """A question whose answer is still the template's None: not answered yet."""

    lead = N_("Not answered yet")


@dataclass(frozen=True)
class Question:
    """One quiz question: its topic (a str, or a Text translated when shown), how many
    options it shows and which are correct."""

    topic: str | Text
    options: int
    correct: frozenset[str]

    @property
    def multiple(self) -> bool:
        """True when more than one option is correct (the learner picks several)."""
        return len(self.correct) > 1

    @property
    def letters(self) -> str:
        """The option letters, e.g. 'abcd'."""
        return string.ascii_lowercase[: self.options]


def answer_variable(number: int) -> str:
    """The variable that holds the learner's answer to question number (1-based)."""
    return f"answer_{number}"


def split_points(total: int, count: int) -> list[int]:
    """Split total into count whole numbers that differ by at most one (larger first)."""
    base, extra = divmod(total, count)
    return [base + 1 if i < extra else base for i in range(count)]


def quiz_exercises(questions: list[Question], total: int = 100) -> tuple[Exercise, ...]:
    """One exercise per question, worth total points altogether."""
    exercises = []
    for number, (question, points) in enumerate(
        zip(questions, split_points(total, len(questions)), strict=True), start=1
    ):
        name = answer_variable(number)
        exercises.append(
            Exercise(
                name=name,
                observe=_observer(name, question),
                checks=(
                    Check(
                        lazy("question {number} ({topic})", number=number, topic=question.topic),
                        points,
                        _judge(question),
                        True,
                    ),
                ),
                seeded=False,
            )
        )
    return tuple(exercises)


def _observer(name: str, question: Question):
    def observe(namespace: Mapping[str, Any]) -> dict[str, Any]:
        return {"letters": sorted(read_answer(namespace[name], name, question))}

    return observe


def read_answer(value: Any, name: str, question: Question) -> set[str]:
    """The set of option letters a learner's answer names; InvalidValue when malformed."""
    if question.multiple:
        hint = _("a set of letters, e.g. {example}").format(example='{"a", "c"}')
    else:
        hint = _("one letter, e.g. {example}").format(example='"b"')
    if value is None:
        raise NotAnsweredYet(_("`{name}` is still None: set it to {hint}.").format(
            name=name, hint=hint))
    if isinstance(value, str):
        letters = {part.lower() for part in value.replace(",", " ").split()}
    elif isinstance(value, set | frozenset | list | tuple):
        if not all(isinstance(item, str) for item in value):
            raise InvalidValue(_("`{name}` must be {hint}; it holds {value!r}.").format(
                name=name, hint=hint, value=value))
        letters = {item.strip().lower() for item in value}
    else:
        raise InvalidValue(_("`{name}` must be {hint}, not a {type}.").format(
            name=name, hint=hint, type=type(value).__name__))
    unknown = sorted(letters - set(question.letters))
    if unknown or not letters:
        raise InvalidValue(
            _("`{name}` = {value!r} names no valid option: choose among {letters}.").format(
                name=name, value=value, letters=", ".join(question.letters))
        )
    if not question.multiple and len(letters) > 1:
        raise InvalidValue(
            _("`{name}` = {value!r}: this question has one answer, pick one letter.").format(
                name=name, value=value)
        )
    return letters


def _judge(question: Question):
    def judge(observation: dict[str, Any]) -> Verdict:
        got = set(observation["letters"])
        if got == question.correct:
            return ok(_("Correct."))
        if question.multiple:
            right = len(got & question.correct)
            return fail(
                _("answer"),
                _("all {count} correct options and no other").format(count=len(question.correct)),
                _("{letters}: {right} correct, {wrong} incorrect").format(
                    letters=sorted(got), right=right, wrong=len(got) - right),
            )
        return fail(_("answer"), _("the one correct option"),
                    _("{letter!r}, which is not it").format(letter=sorted(got)[0]))

    return judge
