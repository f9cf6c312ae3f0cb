"""The process that runs a submission's graded cells: `python -m graders.grading.worker JOB OUT`.

It executes the graded cells in one namespace (as a notebook kernel would, IPython magics
included), then observes every exercise and writes the observations, plain JSON data, to
OUT after each one, atomically, so a crash later on loses nothing already observed. It
never judges: verdicts are computed by the grader's own process.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from graders.checks.run import describe_error, observe_exercise


def run_cells(cells: list[dict[str, str]], namespace: dict[str, Any]) -> list[dict[str, str]]:
    """Execute each cell's code in namespace; returns the errors, one per failing cell."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(user_ns=namespace)
    errors = []
    for cell in cells:
        try:
            code = compile(shell.transform_cell(cell["source"]), f"<cell {cell['id']}>", "exec")
            exec(code, namespace)
        except BaseException as error:  # learner code may raise anything, SystemExit included
            if isinstance(error, KeyboardInterrupt):
                raise
            errors.append({"cell": cell["id"], "message": describe_error("the cell", error)})
    return errors


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """Replace path with data as JSON so that readers never see a half-written file."""
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(data, default=str), encoding="utf-8")
    os.replace(partial, path)


def main(argv: list[str]) -> int:
    """Run the job described in argv[0] and write observations to argv[1]."""
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    out = Path(argv[1])
    from graders.assignments import get_assignment
    from graders.determinism import seed_everything

    assignment = get_assignment(job["assignment"])
    seed_everything(job["seed"])
    report: dict[str, Any] = {"cell_errors": [], "observations": {}, "finished": False}
    write_atomically(out, report)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    report["cell_errors"] = run_cells(job["cells"], namespace)
    write_atomically(out, report)
    for exercise in assignment.exercises:
        report["observations"][exercise.name] = observe_exercise(exercise, namespace, job["seed"])
        write_atomically(out, report)
    report["finished"] = True
    write_atomically(out, report)
    return 0


if __name__ == "__main__":
    # Learner code may replace sys.exit or os._exit; keep our own references.
    _exit = os._exit
    status = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    _exit(status)
