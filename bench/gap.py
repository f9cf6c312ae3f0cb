"""The gap between a History's last-epoch accuracy and the trained model measured afterwards.

`python -m bench.gap ASSIGNMENT [SEED...]` runs the assignment's reference training (its graded
cells, executed plainly, then the training function on the grader's data) once per seed and
prints, per seed, the History's last-epoch accuracy, the accuracy of the final model on the
same training data (what the grader's verifier measures) and their difference. Keras' epoch
accuracy is a running average over the epoch's batches while the weights change, so the
final model usually measures a little higher. The largest claim-over-measurement gap sets
the tolerance in graders/checks/verification.py.
"""

from __future__ import annotations

import json
import sys
import time

from bench.plain import execute_cells
from graders.course import ROOT

TRAINING = {
    "C1W2": "train_mnist",
    "C1W3": "train_convolutional_model",
    "C1W4": "train_happy_sad_model",
}


def run(assignment_id: str, seed: int) -> dict[str, float]:
    """Train the reference once with seed; returns claim, measurement and gap."""

    from graders.assignments import get_assignment
    from graders.determinism import seed_everything
    from graders.grading.submission import load_submission

    assignment = get_assignment(assignment_id)
    submission = load_submission(ROOT / "solutions" / assignment.notebook)
    namespace: dict = {"__name__": "__main__"}
    execute_cells([{"id": c.id, "source": c.source} for c in submission.cells], namespace)
    seed_everything(seed)
    started = time.monotonic()
    exercise = assignment.exercise(TRAINING[assignment_id])
    observation = exercise.observe(namespace)
    measured = observation["measured"]["figures"]["accuracy"]
    claimed = observation["observed"]["metrics"]["accuracy"][-1]
    return {
        "seed": seed, "epochs": observation["observed"]["epochs_run"],
        "history_last": round(claimed, 5), "measured": round(measured, 5),
        "gap": round(claimed - measured, 5), "seconds": round(time.monotonic() - started, 1),
    }


if __name__ == "__main__":
    name, seeds = sys.argv[1], [int(s) for s in sys.argv[2:]] or [42, 0, 1]
    for seed in seeds:
        print(json.dumps({"assignment": name, **run(name, seed)}), flush=True)
