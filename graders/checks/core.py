"""The data model of checks: assignments made of exercises made of scored checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from graders.i18n import N_, Text, _, translate

Observation = dict[str, Any]
T = TypeVar("T")


class NotImplementedYet(Exception):
    """Raised by an observer when the learner's code is still the template's placeholder."""

    #: How the learner's feedback begins (a quiz's unanswered question says so instead);
    #: translated when shown.
    lead = N_("Not implemented yet")


class InvalidValue(Exception):
    """Raised by an observer when the learner's value has a form no check can read."""


def returned(value: T, name: str) -> T:
    """value, what the learner's function called name returned; NotImplementedYet when it
    is None, what the template's placeholder returns."""
    if value is None:
        raise NotImplementedYet(_("{name}() returned None.").format(name=name))
    return value


def call_learner(namespace: Mapping[str, Any], name: str, *args: Any) -> Any:
    """Call the learner's function called name in namespace with args and return its value;
    NotImplementedYet when it returns None (see returned)."""
    return returned(namespace[name](*args), name)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: passed or not, and what was expected and found."""

    passed: bool
    feedback: str


def ok(feedback: str = "") -> Verdict:
    """A passing verdict."""
    return Verdict(True, feedback)


def fail(what: str, want: Any, got: Any) -> Verdict:
    """A failing verdict that says what was checked, what was expected and what was found."""
    return Verdict(False, translate(FAIL_TEMPLATE).format(what=what, want=want, got=got))


#: How a failing verdict reads; graders.selfcheck splits it into its parts again.
FAIL_TEMPLATE = N_("{what}: expected {want}, but got {got}.")


@dataclass(frozen=True)
class Check:
    """One scored check of an exercise. ``hidden`` checks run only in the grader.

    ``label`` says what is checked, in English or as a Text translated when shown; ``name``
    is the label in the current language.
    """

    label: str | Text
    points: int
    judge: Callable[[Observation], Verdict]
    hidden: bool = False

    @property
    def name(self) -> str:
        """What is checked, in the current language."""
        return str(self.label)


@dataclass(frozen=True)
class Exercise:
    """Something the learner writes (a function, class or variable) and its checks.

    ``observe`` receives the namespace the learner's cells ran in and returns plain data;
    it raises NotImplementedYet while the template's placeholder is still there.
    """

    name: str
    observe: Callable[[Mapping[str, Any]], Observation]
    checks: tuple[Check, ...]
    #: Whether observing needs seeds and op determinism (anything that trains or samples).
    seeded: bool = True

    @property
    def max_points(self) -> int:
        """The points this exercise is worth."""
        return sum(check.points for check in self.checks)


@dataclass(frozen=True)
class Assignment:
    """A graded notebook: its id (as in the notebook's metadata) and its exercises."""

    id: str
    label: str | Text
    notebook: str
    exercises: tuple[Exercise, ...]
    #: Default wall-clock limit for grading one submission, in seconds.
    timeout_s: int = 600

    @property
    def title(self) -> str:
        """The assignment's title in the current language."""
        return str(self.label)

    @property
    def max_score(self) -> int:
        """The total points of the assignment (100 for every course notebook)."""
        return sum(exercise.max_points for exercise in self.exercises)

    def exercise(self, name: str) -> Exercise:
        """The exercise called name (KeyError with the valid names otherwise)."""
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        valid = ", ".join(e.name for e in self.exercises)
        raise KeyError(
            _("{assignment} has no exercise {name!r}; its exercises are: {valid}").format(
                assignment=self.id, name=name, valid=valid
            )
        )
