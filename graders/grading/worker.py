"""The process that runs a submission's graded cells: `python -m graders.grading.worker FD`.

It reads its job and a secret token from standard input, confines itself (see isolation),
imports and seeds what grading needs and snapshots it (see tamper), then executes the graded
cells in one namespace (as a notebook kernel would, IPython magics included) and observes
every exercise (a trained model is handed over as data, its config and weights, for the
grader's verifier to measure: see graders.grading.verify). Each step is sent at once to
the grader over the pipe FD (see channel), so a crash later on loses nothing already
observed. It never judges: verdicts are computed by
the grader's own process. Everything it uses after learner code starts is bound before.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from graders.checks.run import DEFINED_ELSEWHERE, describe_error, observe_exercise, remember_source
from graders.grading import channel, isolation, tamper
from graders.grading.wire import Job, Kind, Plan
from graders.i18n import _


def run_cells(
    cells: list[dict[str, str]], namespace: dict[str, Any], shell: Any
) -> list[dict[str, str]]:
    """Execute each cell's code in namespace; returns the errors, one per failing cell."""
    errors = []
    # TRANSLATORS: what raised, in "`the cell` raised NameError: ..."
    what = _("the cell")  # translated before any learner code runs
    for cell in cells:
        try:
            source, filename = shell.transform_cell(cell["source"]), f"<cell {cell['id']}>"
            remember_source(filename, source)  # so that feedback can read the failing line
            code = compile(source, filename, "exec")
            exec(code, namespace)
        except BaseException as error:  # learner code may raise anything, SystemExit included
            errors.append({"cell": cell["id"], "message": describe_error(what, error)})
    return errors


def weights_sender(send: Any, encode: Any) -> Any:
    """A function that sends a model's weights (its variables, in order) piece by piece, as
    "weights" messages, and returns the number the handed-over model refers to them by."""
    counter, kind = iter(range(2**31)), Kind.WEIGHTS

    def stream(variables: Any) -> int:
        number = next(counter)
        for index, variable in enumerate(variables):
            for piece in encode(variable.numpy()):
                send({"kind": kind, "model": number, "array": index, **piece})
        return number

    return stream


def main(fd: int) -> int:
    """Run the job read from standard input, sending each step over the pipe fd."""
    request = json.loads(sys.stdin.buffer.read())
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    send = channel.sender(fd, request.pop("token"))
    job: Job = request["job"]
    plan: Plan = request["plan"]
    DEFINED_ELSEWHERE.update(job.get("defined_elsewhere", {}))  # names for NameError feedback
    try:
        applied = isolation.confine(plan)
    except (isolation.ConfinementError, OSError) as error:
        problem = _("the sandbox could not be set up ({error})").format(error=error)
        send({"kind": Kind.REFUSED, "message": problem})
        return 1
    from IPython.core.interactiveshell import InteractiveShell

    from graders.assignments import get_assignment
    from graders.determinism import seed_everything

    assignment = get_assignment(job["assignment"])
    seeded = any(exercise.seeded for exercise in assignment.exercises)
    seed_everything(job["seed"], tensorflow=seeded)  # a quiz: no TensorFlow start-up
    if seeded:
        from graders.checks import fits, verification

        fits.install()  # every fit recorded by the grader's callback, before learner code
        verification.MEASURE_IN_PROCESS = False  # the verifier measures the trained models
        verification.STREAM = weights_sender(send, verification.encode_array)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    shell = InteractiveShell.instance(user_ns=namespace)
    changes, taken, observe, seed = tamper.changes, tamper.snapshot(), observe_exercise, job["seed"]
    tampered, cells, observed, done = Kind.TAMPERED, Kind.CELLS, Kind.OBSERVATION, Kind.DONE
    send({"kind": Kind.START, "isolation": applied})
    errors = run_cells(job["cells"], namespace, shell)
    changed = changes(taken)
    if changed:
        send({"kind": tampered, "exercise": None, "what": changed})
        return 0
    send({"kind": cells, "errors": errors})
    for exercise in assignment.exercises:
        observation = observe(exercise, namespace, seed)
        changed = changes(taken)
        if changed:
            send({"kind": tampered, "exercise": exercise.name, "what": changed})
            return 0
        send({"kind": observed, "exercise": exercise.name, "observation": observation})
    send({"kind": done})
    return 0


if __name__ == "__main__":
    # Learner code may replace sys.exit or os._exit; keep our own references.
    _exit, _flush = os._exit, (sys.stdout.flush, sys.stderr.flush)
    status = main(int(sys.argv[1]))
    for flush in _flush:
        try:
            flush()
        except BaseException:  # learner code may have closed or replaced the streams
            pass
    _exit(status)
