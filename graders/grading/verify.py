"""The verifier: a confined process that measures the trained models and runs no learner code.

``python -m graders.grading.verify FD`` is started by the grader beside each submission's
worker, under the same confinement (see isolation) with a user id of its own. It reads a
first line (its job, plan and token), confines itself, imports Keras and loads what the
assignment's models are measured on (``MEASURES`` of the assignment's module) while the
worker trains; then it reads the models the worker handed over (config and weights, as
plain data), rebuilds each with Keras' safe mode and reports its measurements over the
pipe FD (see channel); handed no model, it ends at once. The grader's side is ``start`` and
``finish``.

The models come as one JSON line (each model's config, and each weight array's dtype, shape
and byte count) followed by the arrays' raw bytes in that order (``frame`` and
``read_models``): no base64 and no 50 MB JSON document to write and parse once the worker
is done, since that time is the verifier's only cost to a grade.

Why a process of its own rather than the grader's: rebuilding a model deserializes data
the learner's process wrote, and Keras' safe mode has had bypasses; here it runs without
network, without write access to anything of the grader's, under a memory limit, and no
learner cell has run in it. Starting it beside the worker hides its TensorFlow start-up
and data loading behind the learner's training, so it adds only the measurement itself.
"""

from __future__ import annotations

import binascii
import importlib
import json
import os
import queue
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from graders.checks.values import error_line
from graders.checks.verification import MESSAGE_LIMIT, decode_chunks
from graders.grading import channel, isolation, supervise
from graders.grading.wire import Job, Kind, Plan, Request
from graders.i18n import _

#: Seconds the verifier may take after the worker is done (its start-up runs beside it).
MEASURE_S = 120


def measures_of(assignment_id: str) -> dict[str, Any]:
    """The assignment's MEASURES (exercise name -> verification.Measure); {} when none."""
    try:
        module = importlib.import_module(f"graders.assignments.{assignment_id.lower()}")
    except ImportError:
        return {}
    return dict(getattr(module, "MEASURES", {}))


# ------------------------------------------------------------------ the verifier process


def main(fd: int) -> int:
    """Measure the models read from standard input, sending each result over the pipe fd."""
    request = json.loads(sys.stdin.buffer.readline())
    send = channel.sender(fd, request.pop("token"))
    job: Job = request["job"]
    plan: Plan = request["plan"]
    try:
        isolation.confine(plan)
    except (isolation.ConfinementError, OSError) as error:
        problem = _("the sandbox could not be set up ({error})").format(error=error)
        send({"kind": Kind.REFUSED, "message": problem})
        return 1
    data: dict[str, Any] = {}
    broken: dict[str, str] = {}
    loader = threading.Thread(target=_load, args=(job, data, broken), daemon=True)
    loader.start()  # TensorFlow and the data load while the worker trains
    models = read_models(sys.stdin.buffer)
    if models:  # none (a template, a failed cell): nothing to wait for
        loader.join()
    from graders.checks.verification import measure_export

    for name, export in models.items():
        if name in broken:
            result = {"error": broken[name]}
        elif name in data:
            measure, loaded = data[name]
            result = measure_export(measure, export, loaded)
        else:
            continue
        send({"kind": Kind.MEASURED, "exercise": name, "result": result})
    send({"kind": Kind.DONE})
    return 0


def _load(job: Job, data: dict[str, Any], broken: dict[str, str]) -> None:
    """Seed, import Keras and load every measure's data into data (or why not into broken)."""
    from graders.determinism import seed_everything

    measures = measures_of(job["assignment"])
    try:
        seed_everything(job["seed"])
    except Exception as error:  # pragma: no cover - TensorFlow failed to start
        why = _("TensorFlow did not start ({error})").format(error=error)
        broken.update({name: why for name in measures})
        return
    for name, measure in measures.items():
        try:
            data[name] = (measure, measure.data())
        except Exception as error:  # the grader's own data is missing or unreadable
            broken[name] = _("the grader could not load its data ({kind}: {error})").format(
                kind=type(error).__name__, error=error
            )


def read_models(stream: Any) -> dict[str, Any]:
    """The models framed by ``frame``: each array's raw bytes put in as its "data"."""
    models = json.loads(stream.readline() or b"{}")
    for export in models.values():
        arrays = export.get("arrays") if isinstance(export, dict) else None
        for item in arrays or ():
            item["data"] = stream.read(item.pop("bytes"))
    return models


# ------------------------------------------------------------------ the grader's side


def frame(models: dict[str, Any]) -> list[bytes]:
    """The models (exercise -> export, weights as base64 chunks) as the verifier reads them:
    a JSON line, then each array's bytes. A model whose weights do not decode is sent as
    refused, saying so."""
    header: dict[str, Any] = {}
    weights: list[bytes] = []
    for name, export in models.items():
        arrays = export.get("arrays") if isinstance(export, dict) else None
        if not isinstance(arrays, list) or "refused" in export:  # no weights to send
            header[name] = (
                {key: value for key, value in export.items() if key != "arrays"}
                if isinstance(export, dict) else export
            )
            continue
        try:
            raw = [decode_chunks(item["chunks"]) for item in arrays]
        except (binascii.Error, KeyError, TypeError, ValueError) as error:
            header[name] = {"refused": _("its weights are unreadable ({error})").format(
                error=error_line(error, MESSAGE_LIMIT))}
            continue
        header[name] = {
            "config": export.get("config"),
            "arrays": [{"dtype": item.get("dtype"), "shape": item.get("shape"),
                        "bytes": len(data)} for item, data in zip(arrays, raw, strict=True)],
        }
        weights += raw
    return [json.dumps(header).encode() + b"\n", *weights]


@dataclass
class Verifier:
    """One verifier run, started beside a worker; ``finish`` hands it the models."""

    thread: threading.Thread
    models: queue.Queue[list[bytes]] = field(default_factory=queue.Queue)
    outcome: supervise.Outcome | None = None


def start(
    assignment_id: str,
    seed: int,
    plan: Plan,
    env: dict[str, str],
    timeout_s: float,
    stop: threading.Event | None = None,
) -> Verifier | None:
    """Start the verifier for the assignment (None when it has nothing to measure); setting
    stop stops it."""
    if not measures_of(assignment_id):
        return None
    request: Request = {"job": {"assignment": assignment_id, "seed": seed}, "plan": plan}
    verifier = Verifier(thread=threading.Thread(daemon=True))

    def run() -> None:
        verifier.outcome = supervise.run_worker(
            request, env, timeout_s + MEASURE_S, module=__name__, later=verifier.models.get,
            stop=stop,
        )

    verifier.thread = threading.Thread(target=run, daemon=True)
    verifier.thread.start()
    return verifier


def finish(
    verifier: Verifier | None, models: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Hand the models (exercise name -> export) over; returns each exercise's measurement
    and, when the verifier failed, why."""
    if verifier is None:
        return {}, None
    verifier.models.put(frame(models))
    verifier.thread.join()
    outcome = verifier.outcome
    if outcome is None:
        return {}, _("the grader's verifier did not run")
    results: dict[str, dict[str, Any]] = {}
    problem, finished = None, False
    for message in outcome.messages:
        kind = message.get("kind")
        if kind == Kind.MEASURED and isinstance(message.get("result"), dict):
            results[str(message.get("exercise"))] = message["result"]
        elif kind == Kind.REFUSED:
            problem = str(message.get("message"))
        elif kind == Kind.DONE:
            finished = True
    if not finished and problem is None:
        problem = outcome.channel_problem or outcome.stopped or (
            _("the grader's verifier ended early (exit status {code})").format(code=outcome.code)
        )
    return results, problem


if __name__ == "__main__":
    _exit = os._exit
    status = main(int(sys.argv[1]))
    sys.stdout.flush()
    _exit(status)
