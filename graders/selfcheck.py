"""The notebooks' "test your code" cells: run an exercise's checks where the learner works.

The checks and their verdicts are the grader's own (graders.checks.run); only the
presentation differs. Checks marked hidden (quiz answers, for example) run only when the
notebook is graded.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from graders.checks.run import OK, judge_exercise, observe_exercise
from graders.determinism import SEED


def check_exercise(
    assignment: str, exercise: str | None = None, namespace: Mapping[str, Any] | None = None
) -> None:
    """Check one exercise (or every exercise) of an assignment and print the verdicts.

    The learner's definitions are looked up in ``namespace``, by default the globals of
    the notebook that calls this function.
    """
    from graders.assignments import get_assignment

    spec = get_assignment(assignment)
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    chosen = spec.exercises if exercise is None else (spec.exercise(exercise),)
    passed = failed = recorded = 0
    for item in chosen:
        observation = observe_exercise(item, namespace, SEED)
        if observation["status"] != OK:
            failed += 1
            print(f"\u274c {item.name}\n   {observation['message']}")
            continue
        visible = [r for r in judge_exercise(item, observation) if not r.hidden]
        if not visible:
            recorded += 1
            print(f"\u2705 {item.name}: recorded (checked when the notebook is graded)")
        for result in visible:
            if result.passed:
                passed += 1
                print(f"\u2705 {result.name}")
            else:
                failed += 1
                print(f"\u274c {result.name}\n   {result.feedback}")
    done = [f"{passed} passed"] if passed else []
    done += [f"{recorded} recorded for grading"] if recorded else []
    if failed:
        print(f"\n{failed} failed, {', '.join(done) or 'none passed'}.")
    else:
        print(f"\nAll {' and '.join(done)}!")
