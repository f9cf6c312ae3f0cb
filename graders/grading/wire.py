"""What crosses the process boundary between the grader and the processes it starts (the
worker and the verifier): their request (job and plan) and the kinds of message they send
back (see channel).

On the wire every record is a JSON object; the TypedDicts below write down its keys, so
that the grader, supervise, isolation, the worker and the verifier read the same ones.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NotRequired, TypedDict


class Kind(StrEnum):
    """What a message from the worker or the verifier is: its "kind" (the value is what the
    wire carries); the other keys each kind has follow it."""

    #: Confined and about to run the cells: "isolation" (what applied: isolation.confine).
    START = "start"
    #: The graded cells ran: "errors", one {"cell", "message"} per cell that failed.
    CELLS = "cells"
    #: One exercise observed: "exercise" and its "observation" (checks.run.observe_exercise).
    OBSERVATION = "observation"
    #: A piece of a handed-over model's weights: "model", "array", "dtype", "shape", "data".
    WEIGHTS = "weights"
    #: The grader's code was replaced: "what" (tamper.changes) and "exercise" (None: while
    #: the graded cells ran).
    TAMPERED = "tampered"
    #: The sandbox could not be set up: "message".
    REFUSED = "refused"
    #: The verifier's measurement of one exercise: "exercise" and "result".
    MEASURED = "measured"
    #: Everything was sent.
    DONE = "done"


class CpuPlan(TypedDict):
    """The worker's CPU budget (budget.CpuBudget), as plain data."""

    threads: int
    #: The variables that set TensorFlow's and OpenMP's thread counts.
    environment: dict[str, str]
    #: The budget in words, for the result's isolation.
    describe: str


class Plan(TypedDict):
    """How one worker or verifier is confined (see isolation), as the grader chose it."""

    #: One of isolation's sandboxes (isolation.NAMESPACES ... isolation.NONE).
    sandbox: str
    #: Its own user id (None where the sandbox gives none).
    uid: int | None
    #: The grader's process id (the worker ends when it is gone).
    parent: int
    #: The folders it must read however closed they are to other users.
    reveal: list[str]
    #: Its working folder, where the sandbox has no file system view of its own.
    workdir: str
    memory_mb: int
    #: The size of each writable tmpfs and of any file it writes.
    disk_mb: int
    #: Its CPU time limit (RLIMIT_CPU).
    cpu_s: int
    cpu: CpuPlan
    #: The dataset caches it reads (datasets.paths.worker_caches).
    caches: dict[str, str | None]


class Job(TypedDict):
    """What the worker grades (the verifier gets only the assignment and the seed)."""

    assignment: str
    seed: int
    #: The graded cells, each {"id", "source"}.
    cells: NotRequired[list[dict[str, str]]]
    #: Names the notebook's other code cells define -> the cell defining each.
    defined_elsewhere: NotRequired[dict[str, str]]


class Request(TypedDict):
    """The first thing the worker or the verifier reads (supervise adds the token); the
    verifier then reads the trained models, framed by verify.frame."""

    job: Job
    plan: Plan
