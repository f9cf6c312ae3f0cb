"""Grade one notebook: check its structure, run its graded cells apart, judge what they defined."""

from __future__ import annotations

import functools
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, TypedDict

from graders import course
from graders.checks.run import MISSING, judge_exercise, not_graded
from graders.determinism import SEED
from graders.grading import isolation, supervise, verify
from graders.grading.budget import cpu_budget
from graders.grading.limits import DEFAULT_MEMORY_MB, Limits
from graders.grading.result import ERROR, GRADED, GradeResult
from graders.grading.submission import Submission, SubmissionError, load_submission
from graders.grading.wire import Job, Kind, Plan
from graders.i18n import N_, _, translate

#: Size of each writable tmpfs and of any one file the submission writes (MiB).
DISK_MB = 512
#: What each signal the worker may die of means, in words ({disk}: DISK_MB).
_SIGNALS = {
    # TRANSLATORS: why the notebook's process was killed by a signal
    signal.SIGSEGV: N_("a segmentation fault"),
    signal.SIGABRT: N_("an abort"),
    signal.SIGXCPU: N_("its CPU time running out"),
    signal.SIGXFSZ: N_("writing a file larger than {disk} MiB"),
}


class WorkerReport(TypedDict):
    """What one worker run said and how it ended, read from its messages in one pass
    (_report), with the verifier's measurements put into the observations."""

    #: Exercise name -> its observation (plain data: checks.run.observe_exercise).
    observations: dict[str, Any]
    #: One {"cell", "message"} per graded cell that failed.
    cell_errors: list[dict[str, Any]]
    #: What confinement applied (isolation.confine), for the result.
    isolation: dict[str, str]
    #: Seconds of each step of the worker, from when its messages reached the grader:
    #: start_up_s (interpreter, sandbox, imports, seeding, snapshot), cells_s (the graded
    #: cells), one <exercise>_s per exercise observed.
    timings: dict[str, float]
    #: Seconds of the worker's whole run, and of the verifier's measuring after the worker
    #: ended (its start-up ran beside the worker; None: no verifier).
    worker_s: float
    verify_s: float | None
    #: Why grading was cut short (None: it was not), and notes for the learner.
    failure: str | None
    notes: list[str]


def grade_notebook(
    path: Path,
    timeout_s: float | None = None,
    seed: int = SEED,
    memory_mb: int = DEFAULT_MEMORY_MB,
    expected: str | None = None,
    concurrent: int = 1,
) -> GradeResult:
    """Grade the notebook at path under Limits(timeout_s, memory_mb, concurrent): see grade."""
    return grade(path, Limits(timeout_s, memory_mb, concurrent), expected, seed)


def grade(
    path: Path,
    limits: Limits,
    expected: str | None = None,
    seed: int = SEED,
    stop: threading.Event | None = None,
) -> GradeResult:
    """Grade the notebook at path within limits; never raises for anything the notebook
    contains.

    expected, when given, is the assignment id the notebook must be; limits.concurrent is
    how many submissions this machine grades at once (for the CPU budget); setting stop
    (an interrupted batch) stops the notebook's processes.
    """
    started = time.monotonic()
    try:
        submission = load_submission(path, expected)
    except SubmissionError as error:
        return _unreadable(path, error, time.monotonic() - started)
    limit = limits.timeout_s if limits.timeout_s is not None else submission.assignment.timeout_s
    report = _execute(submission, limit, limits.memory_mb, seed, limits.concurrent, stop)
    result = _judge(submission, report)
    result.duration_s = time.monotonic() - started
    result.timings = _timings(report, result.duration_s)
    return result


def _timings(report: WorkerReport, duration_s: float) -> dict[str, float]:
    """The result's timings, rounded: the worker's steps, verify_s when a verifier ran,
    and grader_s, the rest of duration_s (the grader's own work)."""
    timings, verify_s = dict(report["timings"]), report["verify_s"]
    if verify_s is not None:
        timings["verify_s"] = verify_s
    timings["grader_s"] = duration_s - report["worker_s"] - (verify_s or 0)
    return {key: round(value, 2) for key, value in timings.items()}


def _unreadable(path: Path, error: SubmissionError, duration_s: float) -> GradeResult:
    """The result for a file that cannot be graded: every test of its assignment (when its
    file name, or the expected assignment, tells which) scores zero, so gradebooks keep
    their columns."""
    assignment, reason = error.assignment, str(error)
    checks = []
    if assignment is not None:
        for exercise in assignment.exercises:
            checks += judge_exercise(exercise, not_graded(reason))
    return GradeResult(
        assignment=assignment.id if assignment else None,
        notebook=str(path),
        status=ERROR,
        checks=checks,
        max_score=assignment.max_score if assignment else 0,
        message=_("Cannot grade {name}: {reason}").format(name=path.name, reason=reason),
        duration_s=duration_s,
    )


def _needed() -> list[str]:
    """What the worker must read: the interpreter, the virtual environment, the course."""
    return sorted({sys.prefix, sys.base_prefix, str(course.ROOT)})


@functools.cache
def sandbox() -> str:
    """The sandbox every worker of this process gets (isolation.choose_sandbox)."""
    from graders.datasets.paths import worker_caches

    caches = [source for source in worker_caches()[0].values() if source is not None]
    return isolation.choose_sandbox(supervise.new_uid(), _needed() + caches)


def _plan(workdir: str, timeout_s: float, memory_mb: int, concurrent: int) -> Plan:
    """How a worker (or verifier) working in workdir is confined (see isolation)."""
    from graders.datasets.paths import worker_caches

    chosen = sandbox()
    cpu = cpu_budget(concurrent)
    return {
        "sandbox": chosen,
        "uid": supervise.new_uid() if chosen in isolation.OWN_USER else None,
        "parent": os.getpid(),
        "reveal": _needed(),
        "workdir": workdir,
        "memory_mb": memory_mb,
        "disk_mb": DISK_MB,
        "cpu_s": int(timeout_s * cpu.cores + 30),
        "cpu": {"threads": cpu.threads, "environment": cpu.environment(),
                "describe": cpu.describe()},
        "caches": worker_caches()[0],
    }


def _execute(
    submission: Submission,
    timeout_s: float,
    memory_mb: int,
    seed: int,
    concurrent: int = 1,
    stop: threading.Event | None = None,
) -> WorkerReport:
    """Run the worker on the submission; returns what it reported and why it failed, if it did."""
    assignment = submission.assignment.id
    with tempfile.TemporaryDirectory(prefix="graders-") as workdir, \
            tempfile.TemporaryDirectory(prefix="graders-verify-") as verify_dir:
        plan = _plan(workdir, timeout_s, memory_mb, concurrent)
        job: Job = {
            "assignment": assignment,
            "seed": seed,
            "cells": [{"id": c.id, "source": c.source} for c in submission.cells],
            "defined_elsewhere": _defined_elsewhere(submission),
        }
        env = isolation.environment(plan, seed)
        verify_plan = _plan(verify_dir, timeout_s + verify.MEASURE_S, memory_mb, concurrent)
        verifier = verify.start(
            assignment, seed, verify_plan, isolation.environment(verify_plan, seed), timeout_s,
            stop,
        )
        models: dict[str, Any] = {}
        try:
            outcome = supervise.run_worker({"job": job, "plan": plan}, env, timeout_s, stop=stop)
            models = _handed_over(outcome)
        finally:
            measured, problem = verify.finish(verifier, models)
    verify_s = None if verifier is None else time.monotonic() - outcome.ended
    report = _report(outcome, verify_s)
    if verifier is not None:
        _add_measurements(report, verify.measures_of(assignment), measured, problem)
    return report


def _handed_over(outcome: supervise.Outcome) -> dict[str, Any]:
    """The trained models the worker handed over (exercise -> config and weight arrays),
    taken out of its observations so that only the verifier's measurements are judged."""
    streams: dict[Any, dict[Any, dict[str, Any]]] = {}
    models = {}
    for message in outcome.messages:
        if message.get("kind") == Kind.WEIGHTS:
            arrays = streams.setdefault(message.get("model"), {})
            array = arrays.setdefault(
                message.get("array"),
                {"dtype": message.get("dtype"), "shape": message.get("shape"), "chunks": []},
            )
            array["chunks"].append(message.get("data"))
            message.clear()  # the chunks are kept once, here
            continue
        observation = message.get("observation")
        data = observation.get("data") if isinstance(observation, dict) else None
        if message.get("kind") == Kind.OBSERVATION and isinstance(data, dict):
            data.pop("measured", None)  # only the verifier measures
            export = data.pop("verify", None)
            if isinstance(export, dict) and "stream" in export:
                arrays = streams.get(export.pop("stream"), {})
                export["arrays"] = [arrays[i] for i in range(len(arrays)) if i in arrays]
            if export is not None:
                models[str(message.get("exercise"))] = export
    return models


def _add_measurements(
    report: WorkerReport,
    measures: dict[str, Any],
    measured: dict[str, dict[str, Any]],
    problem: str | None,
) -> None:
    """Put the verifier's measurement into each measured exercise's observation."""
    for name in measures:
        data = (report["observations"].get(name) or {}).get("data")
        if isinstance(data, dict) and name in measured:
            data["measured"] = measured[name]
        elif isinstance(data, dict) and problem:
            data["measured"] = {
                "error": _("the grader's verifier failed ({problem})").format(problem=problem)
            }


def _defined_elsewhere(submission: Submission) -> dict[str, str]:
    """Names the notebook's other code cells (which the grader does not run) define -> the
    cell defining each, so that a NameError in a graded cell can say where the name lives."""
    import json

    from graders.checks.run import defining_cells

    graded = {cell.id for cell in submission.cells}
    try:
        cells = json.loads(submission.path.read_bytes())["cells"]
        others = [
            (str(cell.get("id")), "".join(cell.get("source", "")))
            for cell in cells
            if cell.get("cell_type") == "code" and cell.get("id") not in graded
        ]
    except Exception:  # the notebook was readable a moment ago; this is only for feedback
        return {}
    return {name: cell for name, cell in defining_cells(others).items() if name.isidentifier()}


def _report(outcome: supervise.Outcome, verify_s: float | None = None) -> WorkerReport:
    """Read the worker's messages (in one pass) and how it ended into its report."""
    report: WorkerReport = {
        "observations": {}, "cell_errors": [], "isolation": {}, "timings": {},
        "worker_s": outcome.ended - outcome.started, "verify_s": verify_s,
        "failure": None, "notes": [],
    }
    timings, previous, arrivals = report["timings"], outcome.started, iter(outcome.arrivals)
    failure, finished = None, False
    for message in outcome.messages:
        arrived, kind, step = next(arrivals, None), message.get("kind"), None
        if kind in (None, Kind.WEIGHTS):  # a piece of a model's weights, sent while observed
            continue
        if kind == Kind.START:
            report["isolation"], step = message.get("isolation", {}), "start_up_s"
        elif kind == Kind.CELLS:
            report["cell_errors"], step = message.get("errors", []), "cells_s"
        elif kind == Kind.OBSERVATION:
            exercise = str(message.get("exercise"))
            report["observations"][exercise], step = message.get("observation"), f"{exercise}_s"
        elif kind == Kind.REFUSED:
            failure = str(message.get("message"))
        elif kind == Kind.TAMPERED:
            failure = _tampered(message)
        elif kind == Kind.DONE:
            finished = True
        if arrived is not None:  # one arrival per message (see supervise.Outcome)
            if step is not None:
                timings[step] = arrived - previous
            previous = arrived
    if outcome.channel_problem:
        failure = _("{problem}, so nothing after it was accepted").format(
            problem=outcome.channel_problem
        )
    elif outcome.stopped:
        failure = outcome.stopped
    elif failure is None and not finished:
        failure = _describe_exit(outcome.code)
    report["failure"] = failure
    if outcome.output_bytes > 2 * supervise.KEEP:
        report["notes"].append(
            _("The notebook printed {size:.1f} MiB of output; the grader kept only its first "
              "and last {kept} KiB.").format(
                size=outcome.output_bytes / 2**20, kept=supervise.KEEP // 1024
            )
        )
    last = _last_line(outcome.output_tail)
    if failure and last:  # kept out of the message: output may vary from run to run
        report["notes"].append(
            _("The last line the notebook's process printed: {line}").format(line=last)
        )
    return report


def _last_line(tail: bytes) -> str:
    text = tail.decode("utf-8", errors="replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _tampered(message: dict[str, Any]) -> str:
    """Why grading stopped when the worker found the grader's code replaced."""
    what = ", ".join(map(str, message.get("what", [])))
    exercise = message.get("exercise")
    if exercise is None:
        return _(
            "the notebook's code replaced the grader's own code ({what}) while running the "
            "graded cells, so grading stopped there"
        ).format(what=what)
    return _(
        "the notebook's code replaced the grader's own code ({what}) while running "
        "`{exercise}`, so grading stopped there"
    ).format(what=what, exercise=exercise)


def _describe_exit(code: int | None) -> str:
    if code is None or code >= 0:
        return _("the notebook's process ended early with exit code {code}").format(code=code)
    try:
        sig = signal.Signals(-code)
    except ValueError:
        return _("the notebook's process was killed by signal {number}").format(number=-code)
    if sig not in _SIGNALS:
        return _("the notebook's process was killed by {signal}").format(signal=sig.name)
    return _("the notebook's process was killed by {signal} ({reason})").format(
        signal=sig.name, reason=translate(_SIGNALS[sig]).format(disk=DISK_MB)
    )


def _judge(submission: Submission, report: WorkerReport) -> GradeResult:
    """Verdicts computed here, in the grader's process, from the worker's plain data."""
    observations, failure = report["observations"], report["failure"]
    cell_errors = report["cell_errors"]
    checks = []
    for exercise in submission.assignment.exercises:
        observation = observations.get(exercise.name)
        if not isinstance(observation, dict):
            observation = not_graded(failure or _("the exercise was not observed"))
        elif observation.get("status") == MISSING and cell_errors:
            first = cell_errors[0]
            failed = _("A graded cell failed: cell {cell}: {error}").format(
                cell=first.get("cell"), error=first.get("message")
            )
            observation = dict(observation, message=f"{observation.get('message')} {failed}")
        checks += judge_exercise(exercise, observation)
    return GradeResult(
        assignment=submission.assignment.id,
        notebook=str(submission.path),
        status=ERROR if failure else GRADED,
        checks=checks,
        max_score=submission.assignment.max_score,
        message=_("Grading was cut short: {reason}.").format(reason=failure) if failure else None,
        notes=[*submission.notes, *report["notes"]],
        isolation=report["isolation"],
    )
