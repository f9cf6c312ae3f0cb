"""`graders gradescope run` (what run_autograder starts) and `graders gradescope setup`.

run grades the one notebook of /autograder/submission exactly as `graders grade` does
(the same sandbox and limits), then writes results/results.json in the format of
Gradescope's autograder specification: total score, execution time, output, visibility,
and one entry per test (name, score, max_score, status, output). The file is written by
the grader, after the submission's processes are gone, atomically, over anything there.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from graders.checks.run import judge_exercise, not_graded
from graders.gradescope import CONFIG, autograder_root
from graders.gradescope.build import Settings
from graders.grading.gradebook import write_atomically
from graders.grading.report import render_text
from graders.grading.result import ERROR, GradeResult
from graders.grading.runner import grade_notebook
from graders.i18n import _

_SKIPPED = {".ipynb_checkpoints", "__MACOSX"}


def load_settings(root: Path) -> Settings:
    """The settings the zip was built with (source/graders-autograder.json)."""
    data = json.loads((root / "source" / CONFIG).read_text(encoding="utf-8"))
    data["datasets"] = tuple(data.get("datasets", ()))
    return Settings(**data)


def find_notebook(folder: Path, expected_name: str) -> tuple[Path | None, str]:
    """The submitted notebook, or None and why; second: a note on files left out."""
    found = sorted(
        path for path in folder.rglob("*.ipynb")
        if path.is_file() and not any(
            part in _SKIPPED or part.startswith(".")
            for part in path.relative_to(folder).parts
        )
    ) if folder.is_dir() else []
    names = [path.relative_to(folder).as_posix() for path in found]
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, _("No notebook (.ipynb file) was found in your submission: upload your "
                       "{notebook}.").format(notebook=expected_name)
    named = [path for path in found if path.name == expected_name]
    if len(named) == 1:
        others = ", ".join(n for n, p in zip(names, found, strict=True) if p != named[0])
        return named[0], _("Graded {notebook}; also found, and not graded: {others}.").format(
            notebook=expected_name, others=others
        )
    return None, _("Your submission holds {count} notebooks ({names}): upload only your "
                   "{notebook}.").format(count=len(found), names=", ".join(names),
                                         notebook=expected_name)


def _refused(settings: Settings, reason: str) -> GradeResult:
    """Zero on every check of the assignment, each saying why, for a submission not graded."""
    from graders.assignments import ASSIGNMENTS

    spec = ASSIGNMENTS[settings.assignment]
    checks = []
    for exercise in spec.exercises:
        checks += judge_exercise(exercise, not_graded(reason))
    return GradeResult(spec.id, "", ERROR, checks, spec.max_score, message=reason)


def to_results(result: GradeResult, settings: Settings, seconds: float, note: str) -> dict:
    """The result in Gradescope's results.json format."""
    lines = [_("Score: {score} / {max_score}").format(
        score=result.score, max_score=result.max_score
    )]
    lines += [line for line in (note, result.message) if line]
    lines += [_("Note: {note}").format(note=n) for n in result.notes]
    return {
        "score": result.score,
        "execution_time": round(seconds),
        "output": "\n".join(lines),
        "visibility": settings.visibility,
        "stdout_visibility": "hidden",
        "tests": [  # Gradescope's word for a scored check
            {
                "name": check.name,
                "score": check.points,
                "max_score": check.max_points,
                "status": "passed" if check.passed else "failed",
                "output": check.feedback or (_("Passed.") if check.passed else _("Failed.")),
                "visibility": settings.visibility,
            }
            for check in result.checks
        ],
        "extra_data": {
            "assignment": result.assignment,
            "notebook": Path(result.notebook).name,
            "status": result.status,
            "isolation": result.isolation,
        },
    }


def run(root: Path | None = None) -> dict[str, Any]:
    """Grade root/submission's notebook into root/results/results.json; returns its data."""
    from graders.assignments import ASSIGNMENTS

    started = time.monotonic()
    root = root or autograder_root()
    settings = load_settings(root)
    expected_name = Path(ASSIGNMENTS[settings.assignment].notebook).name
    path, note = find_notebook(root / "submission", expected_name)
    if path is None:
        result = _refused(settings, note)
        note = ""
    else:
        result = grade_notebook(path, settings.timeout_s, memory_mb=settings.memory_mb,
                                expected=settings.assignment)
    print(render_text(result.to_json()), flush=True)  # results/stdout: for the instructor
    data = to_results(result, settings, time.monotonic() - started, note)
    (root / "results").mkdir(parents=True, exist_ok=True)
    write_atomically(root / "results" / "results.json", json.dumps(data, indent=2) + "\n")
    return data


def setup(root: Path | None = None) -> int:
    """The end of setup.sh: fetch the assignment's datasets, grade the released template
    once; 0 when the template grades (status graded, score 0), 1 otherwise."""
    from graders import course
    from graders.assignments import ASSIGNMENTS
    from graders.datasets.errors import DatasetError
    from graders.datasets.fetch import fetch

    settings = load_settings(root or autograder_root())
    if settings.datasets:
        try:
            fetch(list(settings.datasets), progress=False)
        except DatasetError as error:
            print(_("graders gradescope setup: {problem}").format(problem=error), flush=True)
            return 1
    template = course.ROOT / "notebooks" / ASSIGNMENTS[settings.assignment].notebook
    result = grade_notebook(template, settings.timeout_s, memory_mb=settings.memory_mb,
                            expected=settings.assignment)
    print(render_text(result.to_json()), flush=True)
    return 0 if result.status == "graded" and result.score == 0 else 1
