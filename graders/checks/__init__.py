"""Check definitions shared by the notebooks' "test your code" cells and the CLI grader.

An exercise is checked in two steps that may run in different processes:

1. ``observe(namespace)`` runs next to the learner's code and reduces what it defined to
   plain, JSON-ready data (shapes, layer configs, parameter counts, History dicts...);
2. each check's ``judge(observation)`` turns that data into a verdict with want/got
   feedback. Judges never see learner objects, only the observation.
"""

from graders.checks.core import (
    Assignment,
    Check,
    Exercise,
    InvalidValue,
    NotImplementedYet,
    Verdict,
    fail,
    ok,
)

__all__ = [
    "Assignment",
    "Check",
    "Exercise",
    "InvalidValue",
    "NotImplementedYet",
    "Verdict",
    "fail",
    "ok",
]
