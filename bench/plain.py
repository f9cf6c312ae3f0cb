"""The baseline of the grading-overhead benchmark: `python -m bench.plain JOB.json`.

It does, in one plain Python process, the work that grading a notebook cannot avoid: seed
as the grader does, execute the graded cells, and observe each exercise (call the learner's
functions on the grader's data, as the notebook's test cells do), trained models written
down as data but not measured (the grader's verifier measures them: its cost is overhead).
No sandbox, no second process, no structure check, no tamper snapshot, no judging. It
prints the seconds of each step as JSON on its last line.
"""

from __future__ import annotations

import time

STARTED = time.monotonic()

import json  # noqa: E402
import sys  # noqa: E402


def _compile(source: str, name: str):
    try:
        return compile(source, name, "exec")
    except SyntaxError:  # IPython syntax (magics): transform it as a kernel would
        from IPython.core.inputtransformer2 import TransformerManager

        return compile(TransformerManager().transform_cell(source), name, "exec")


def execute_cells(cells: list[dict[str, str]], namespace: dict) -> None:
    """Execute each cell ({"id", "source"}) in namespace, as the worker does, without a shell."""
    for cell in cells:
        exec(_compile(cell["source"], f"<cell {cell['id']}>"), namespace)


def main(job_path: str) -> dict[str, float]:
    """Run the job (assignment, seed, cells) and return each step's seconds."""
    with open(job_path, encoding="utf-8") as opened:
        job = json.load(opened)
    from graders.assignments import get_assignment
    from graders.checks.run import OK, observe_exercise
    from graders.determinism import seed_everything

    assignment = get_assignment(job["assignment"])
    seed_everything(job["seed"])
    from graders.checks import verification

    verification.MEASURE_IN_PROCESS = False  # trained models handed over, not measured
    timings = {"start_up_s": time.monotonic() - STARTED}
    last = time.monotonic()
    namespace: dict = {"__name__": "__main__"}
    execute_cells(job["cells"], namespace)
    timings["cells_s"] = time.monotonic() - last
    for exercise in assignment.exercises:
        last = time.monotonic()
        observation = observe_exercise(exercise, namespace, job["seed"])
        if observation["status"] != OK:
            raise SystemExit(f"{exercise.name} was not observed: {observation}")
        timings[f"{exercise.name}_s"] = time.monotonic() - last
    return timings


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
