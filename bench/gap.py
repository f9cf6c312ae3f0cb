"""The gap between a History's last-epoch accuracy and the trained model measured afterwards.

`python -m bench.gap ASSIGNMENT [SEED...]` runs the assignment's reference training (its graded
cells, executed plainly, then the training function on the grader's data) once per seed and
prints, per seed, the History's last-epoch accuracy, the accuracy of the final model on the
same training data (what the grader's verifier measures) and their difference. Keras' epoch
accuracy is a running average over the epoch's batches while the weights change, so the
final model usually measures a little higher. The largest claim-over-measurement gap sets
the tolerance (``TOLERANCE`` in graders/assignments/c1w2.py, c1w3.py, c1w4.py).

`python -m bench.gap ASSIGNMENT --corpus [VARIANT...] [--seeds SEED...]` does the same for the
learner corpus (tests/learners/, README there): each correct solution whose cells change what
is trained, its cells in place of the reference's (default seeds 42 and 0).

As a benchmark (`python -m bench gap`) it runs both for every assignment and saves the rows
to bench/results/gap.json; RESULTS.md shows the largest gap beside each TOLERANCE.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import time
from pathlib import Path
from typing import Any

from bench.measure import PY, run_timed, save
from bench.plain import execute_cells
from graders.course import ROOT

NAME = "gap"
TITLE = "7. History against the measured model"

TRAINING = {
    "C1W2": "train_mnist",
    "C1W3": "train_convolutional_model",
    "C1W4": "train_happy_sad_model",
}
LEARNERS = ROOT / "tests" / "learners"
#: The graded cells that decide what the training exercise trains: the model and the
#: training function, and in C1W4 the dataset (train_happy_sad_model reads it itself; C1W3's
#: reshape_and_normalize is not among them: the grader prepares the training images). A
#: correct callback stops on the epoch the reference's does, so a callback variant trains
#: exactly the reference.
SHAPES_TRAINING = {
    "C1W2": {"ex1-create-and-compile-model", "ex3-train-mnist"},
    "C1W3": {"ex3-convolutional-model", "ex4-train-convolutional-model"},
    "C1W4": {"ex1-training-dataset", "ex2-create-and-compile-model", "ex4-train"},
}


def corpus(assignment_id: str) -> dict[str, dict[str, str]]:
    """Variant name -> its CELLS, for each corpus solution of the assignment that is correct
    (every exercise its EXPECT names is "pass": the training exercise must pass too) and
    changes a cell in SHAPES_TRAINING."""
    chosen = {}
    for path in sorted((LEARNERS / assignment_id.lower()).glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"learner_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        correct = all(want == "pass" for want in module.EXPECT.values())
        if correct and set(module.CELLS) & SHAPES_TRAINING[assignment_id]:
            chosen[path.stem] = dict(module.CELLS)
    return chosen


def train_once(
    assignment_id: str, seed: int, cells: dict[str, str] | None = None
) -> dict[str, Any]:
    """Train once with seed (the reference, or with cells in place of its graded cells of
    the same ids); returns claim, measurement and gap."""

    from graders.assignments import get_assignment
    from graders.determinism import seed_everything
    from graders.grading.submission import load_submission

    assignment = get_assignment(assignment_id)
    submission = load_submission(ROOT / "solutions" / assignment.notebook)
    namespace: dict = {"__name__": "__main__"}
    replaced = cells or {}
    execute_cells(
        [{"id": c.id, "source": replaced.get(c.id, c.source)} for c in submission.cells],
        namespace,
    )
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
        "load": round(os.getloadavg()[0], 1),
    }


#: What each list of rows in gap.json holds, for RESULTS.md.
CAPTIONS = {
    "rows": "References, measured as the verifier measures",
    "corpus_rows": "Learner corpus (tests/learners/), measured as the verifier measures",
}


def _rows(args: list[str]) -> list[dict[str, Any]]:
    """The JSON rows `python -m bench.gap ARGS` prints (Keras' progress lines are skipped)."""
    done = run_timed([PY, "-m", "bench.gap", *args], timeout_s=2 * 3600)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def run(command: str) -> Path:
    """Measure the gap for every training exercise: references (seeds 42, 0, 1) and corpus
    (seeds 42, 0); save the rows."""
    rows, corpus_rows = [], []
    for assignment_id in TRAINING:
        rows += _rows([assignment_id, "42", "0", "1"])
        corpus_rows += _rows([assignment_id, "--corpus"])
    figures = {"captions": CAPTIONS, "rows": rows, "corpus_rows": corpus_rows}
    return save(NAME, figures, command)


def _tolerances() -> dict[str, float]:
    from graders.assignments import c1w2, c1w3, c1w4

    return {"C1W2": c1w2.TOLERANCE, "C1W3": c1w3.TOLERANCE, "C1W4": c1w4.TOLERANCE}


def render(record: dict[str, Any]) -> list[str]:
    """The RESULTS.md section of this benchmark."""
    lines = [
        "Each training exercise run as the grader runs it (op determinism, the grader's data),",
        "once per seed: `History` is the last epoch's accuracy in the History (Keras' running",
        "average over the epoch's batches while the weights change), `measured` the final",
        "model's accuracy on the training data as the grader's verifier measures it, `gap` their",
        "difference (History minus measured; positive: the History claims more than the model",
        "bears out). Goal: the largest gap well inside the assignment's `TOLERANCE`",
        "(graders/assignments/), which the verifier allows between the two. `load`: the load",
        "average when the row ended (the gap does not depend on speed, only the seconds do).",
        "",
    ]
    if record.get("conditions"):
        lines += [f"Conditions: {record['conditions']}.", ""]
    captions = record.get("captions") or CAPTIONS
    for key, caption in captions.items():
        if not record.get(key):
            continue
        variant = any("variant" in row for row in record[key])
        lines += [
            f"{caption}:",
            "",
            "| assignment |" + (" variant |" if variant else "")
            + " seed | epochs | History | measured | gap | s | load |",
            "|---|" + ("---|" if variant else "") + "---|---|---|---|---|---|---|",
        ]
        for row in record[key]:
            lines.append(
                f"| {row['assignment']} |" + (f" {row.get('variant', '')} |" if variant else "")
                + f" {row['seed']} | {row['epochs']} | {row['history_last']} |"
                f" {row['measured']} | {row['gap']} | {row.get('seconds', '')} |"
                f" {row.get('load', '')} |"
            )
        lines.append("")
    lines += [
        "| assignment | largest gap, references | largest gap, corpus | TOLERANCE |"
        " TOLERANCE / largest |",
        "|---|---|---|---|---|",
    ]
    for assignment_id, tolerance in _tolerances().items():
        refs = [r["gap"] for k in captions if k != "corpus_rows" for r in record.get(k, [])
                if r["assignment"] == assignment_id]
        corpus_gaps = [r["gap"] for r in record.get("corpus_rows", [])
                       if r["assignment"] == assignment_id]
        largest = max(refs + corpus_gaps, default=None)
        margin = f"{tolerance / largest:.1f}" if largest and largest > 0 else "-"
        lines.append(
            f"| {assignment_id} | {max(refs, default='-')} | {max(corpus_gaps, default='-')} |"
            f" {tolerance} | {margin} |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    """Print one JSON row per training run."""
    parser = argparse.ArgumentParser(prog="python -m bench.gap", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", choices=sorted(TRAINING))
    parser.add_argument("seeds", nargs="*", type=int, help="reference seeds (default 42 0 1)")
    parser.add_argument("--corpus", nargs="*", metavar="VARIANT",
                        help="measure the learner corpus instead (default: every variant "
                             "that changes what is trained)")
    parser.add_argument("--seeds", dest="corpus_seeds", nargs="+", type=int, default=[42, 0],
                        help="the corpus runs' seeds (default 42 0)")
    args = parser.parse_args(argv)
    if args.corpus is None:
        for seed in args.seeds or [42, 0, 1]:
            print(json.dumps({"assignment": args.assignment, **train_once(args.assignment, seed)}),
                  flush=True)
        return
    variants = corpus(args.assignment)
    unknown = set(args.corpus) - set(variants)
    if unknown:
        parser.error(f"not among {args.assignment}'s training variants: {', '.join(unknown)} "
                     f"(choose from {', '.join(variants)})")
    for name in args.corpus or variants:
        for seed in args.corpus_seeds:
            row = train_once(args.assignment, seed, variants[name])
            print(json.dumps({"assignment": args.assignment, "variant": name, **row}),
                  flush=True)


if __name__ == "__main__":
    main()
