"""Running an exercise's observer and judging its observation.

Both the self-check cells and the grader go through these two functions, so a learner
sees in the notebook exactly the verdicts the grader will give.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from graders.checks.core import Exercise, InvalidValue, NotImplementedYet

OK = "ok"
NOT_IMPLEMENTED = "not_implemented"
INVALID = "invalid"
MISSING = "missing"
ERROR = "error"


@dataclass(frozen=True)
class TestResult:
    """The outcome of one check, as reported to the learner and in the grader's JSON."""

    name: str
    passed: bool
    points: int
    max_points: int
    feedback: str
    hidden: bool = False

    def to_json(self) -> dict[str, Any]:
        """The JSON form used in grading results (without the 'hidden' flag)."""
        data = asdict(self)
        del data["hidden"]
        return data


def observe_exercise(
    exercise: Exercise, namespace: Mapping[str, Any], seed: int | None = None
) -> dict[str, Any]:
    """Observe one exercise in the namespace its cells ran in; never raises.

    Returns ``{"status": "ok", "data": {...}}`` or ``{"status": <problem>, "message": ...}``
    where problem is one of not_implemented, invalid, missing, error.
    """
    if exercise.name not in namespace:
        return {
            "status": MISSING,
            "message": f"`{exercise.name}` is not defined: was its cell deleted, renamed "
            "or not run?",
        }
    try:
        if seed is not None and exercise.seeded:
            from graders.determinism import seed_everything

            seed_everything(seed)
        data = exercise.observe(namespace)
    except NotImplementedYet as reason:
        return {"status": NOT_IMPLEMENTED, "message": f"{reason.lead}: {reason}"}
    except InvalidValue as reason:
        return {"status": INVALID, "message": str(reason)}
    except BaseException as error:  # learner code may raise anything, SystemExit included
        if isinstance(error, KeyboardInterrupt):
            raise
        return {"status": ERROR, "message": describe_error(exercise.name, error)}
    return {"status": OK, "data": data}


def not_graded(reason: str) -> dict[str, Any]:
    """The observation of an exercise the grader could not observe, saying why."""
    return {"status": ERROR, "message": f"Not graded: {reason}."}


def judge_exercise(
    exercise: Exercise, observation: Mapping[str, Any], include_hidden: bool = True
) -> list[TestResult]:
    """Score every check of the exercise against its observation; never raises."""
    results = []
    for check in exercise.checks:
        if check.hidden and not include_hidden:
            continue
        if observation.get("status") != OK:
            passed, feedback = False, str(observation.get("message", "no observation"))
        else:
            try:
                verdict = check.judge(observation["data"])
                passed, feedback = bool(verdict.passed), str(verdict.feedback)
            except Exception as error:  # a malformed observation must not crash grading
                passed = False
                feedback = f"Could not check this: {type(error).__name__}: {error}"
        results.append(
            TestResult(
                name=f"{exercise.name}: {check.name}",
                passed=passed,
                points=check.points if passed else 0,
                max_points=check.points,
                feedback=feedback,
                hidden=check.hidden,
            )
        )
    return results


def describe_error(name: str, error: BaseException) -> str:
    """One line naming the exception and, when known, the learner's cell and line."""
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        filename = frame.filename
        if filename.startswith("<cell") or "ipykernel" in filename or "ipython-input" in filename:
            cell = filename.strip("<>").removeprefix("cell ")
            where = (
                f" (in cell {cell}, line {frame.lineno})"
                if filename.startswith("<cell")
                else f" (line {frame.lineno} of your cell)"
            )
            break
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    kind = type(error).__name__
    return f"`{name}` raised {kind}{': ' + message if message else ''}{where}."
