"""Grade one notebook: identify it, run its graded cells apart, judge what they defined."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from graders.assignments import assignment_for_notebook
from graders.checks.run import MISSING, judge_exercise, not_graded
from graders.determinism import SEED
from graders.grading.result import ERROR, GRADED, GradeResult
from graders.grading.submission import Submission, SubmissionError, load_submission

#: How much of the worker's own output is kept for the report when it fails.
LOG_TAIL = 2000


def grade_notebook(path: Path, timeout_s: float | None = None, seed: int = SEED) -> GradeResult:
    """Grade the notebook at path; never raises for anything the notebook contains."""
    started = time.monotonic()
    try:
        submission = load_submission(path)
    except SubmissionError as error:
        return _unreadable(path, str(error), time.monotonic() - started)
    limit = timeout_s if timeout_s is not None else submission.assignment.timeout_s
    report, failure = _execute(submission, limit, seed)
    result = _judge(submission, report, failure)
    result.duration_s = time.monotonic() - started
    return result


def _unreadable(path: Path, reason: str, duration_s: float) -> GradeResult:
    """The result for a file that cannot be graded: every test of its assignment (when its
    file name tells which) scores zero, so gradebooks keep their columns."""
    assignment = assignment_for_notebook(path.name)
    tests = []
    if assignment is not None:
        for exercise in assignment.exercises:
            tests += judge_exercise(exercise, not_graded(reason))
    return GradeResult(
        assignment=assignment.id if assignment else None,
        notebook=str(path),
        status=ERROR,
        tests=tests,
        max_score=assignment.max_score if assignment else 0,
        message=f"Cannot grade {path.name}: {reason}",
        duration_s=duration_s,
    )


def _execute(
    submission: Submission, timeout_s: float, seed: int
) -> tuple[dict[str, Any], str | None]:
    """Run the worker on the submission; returns its report and why it failed, if it did."""
    with tempfile.TemporaryDirectory(prefix="graders-") as workdir:
        folder = Path(workdir)
        job, out, log = folder / "job.json", folder / "observations.json", folder / "output.log"
        job.write_text(
            json.dumps(
                {
                    "assignment": submission.assignment.id,
                    "seed": seed,
                    "cells": [{"id": c.id, "source": c.source} for c in submission.cells],
                }
            ),
            encoding="utf-8",
        )
        env = dict(os.environ, PYTHONHASHSEED=str(seed), MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2")
        failure = None
        with log.open("wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "graders.grading.worker", str(job), str(out)],
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                code = process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                code = None
                failure = f"stopped after the time limit of {timeout_s:g} s"
        report = _read_report(out)
        if failure is None and (code != 0 or not report.get("finished")):
            failure = _describe_exit(code, _tail(log))
        return report, failure


def _read_report(out: Path) -> dict[str, Any]:
    try:
        report = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return report if isinstance(report, dict) else {}


def _tail(log: Path) -> str:
    try:
        text = log.read_bytes()[-LOG_TAIL:].decode("utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _describe_exit(code: int | None, last_line: str) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        how = f"was killed by {name}"
    else:
        how = f"ended early with exit code {code}"
    return f"the notebook's process {how}" + (f" (last output: {last_line})" if last_line else "")


def _judge(submission: Submission, report: dict[str, Any], failure: str | None) -> GradeResult:
    """Verdicts computed here, in the grader's process, from the worker's plain data."""
    observations = report.get("observations", {})
    cell_errors = report.get("cell_errors", [])
    tests = []
    for exercise in submission.assignment.exercises:
        observation = observations.get(exercise.name)
        if not isinstance(observation, dict):
            observation = not_graded(failure or "the exercise was not observed")
        elif observation.get("status") == MISSING and cell_errors:
            first = cell_errors[0]
            observation = dict(
                observation,
                message=f"{observation.get('message')} A graded cell failed: "
                f"cell {first['cell']}: {first['message']}",
            )
        tests += judge_exercise(exercise, observation)
    return GradeResult(
        assignment=submission.assignment.id,
        notebook=str(submission.path),
        status=ERROR if failure else GRADED,
        tests=tests,
        max_score=submission.assignment.max_score,
        message=f"Grading was cut short: {failure}." if failure else None,
    )
