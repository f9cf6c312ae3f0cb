"""Grading overhead: `graders grade` on each assignment's reference against doing the same
work plainly (bench.plain) in one process with the same seeds. Goal: at most 1.15 (issue 13:
measuring the trained model in the verifier may add 5% to the 1.10 of issue 6); the plain
run does not measure the trained models, so the ratio includes the verifier's cost.

Two estimators, both written down: the ratio of medians (what earlier runs reported) and the
ratio of the fastest runs, the estimator `timeit` recommends where noise only adds time
(two identical graded runs of C1W2 took 25.7 s and 21.2 s back to back, the same three
epochs). The goal is met where both meet it. Each pair's CPU seconds are kept too: they
move less with the machine's slow spells than wall time does.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import PY, REPEATS, ROOT, last_json, median, ratio, repeated, run_timed, save

NAME = "overhead"
TITLE = "1. Grading overhead"
GOAL = 1.15
ASSIGNMENTS = ("C1W1", "C1W2", "C1W3", "C1W4")


def _job(assignment_id: str, folder: Path) -> tuple[Path, Path]:
    """The reference notebook and a job file with its graded cells, as the grader runs them."""
    from graders.assignments import get_assignment
    from graders.determinism import SEED
    from graders.grading.submission import load_submission

    notebook = ROOT / "solutions" / get_assignment(assignment_id).notebook
    submission = load_submission(notebook, assignment_id)
    job = folder / f"{assignment_id}.json"
    job.write_text(json.dumps({
        "assignment": assignment_id,
        "seed": SEED,
        "cells": [{"id": cell.id, "source": cell.source} for cell in submission.cells],
    }))
    return notebook, job


@dataclass(frozen=True)
class Run:
    """One measured run: its wall-clock and CPU seconds (the whole process tree) and the
    seconds of each of its steps."""

    wall_s: float
    cpu_s: float
    steps: dict[str, float]


def _grade(notebook: Path) -> Run:
    timed = run_timed([PY, "-m", "graders", "grade", str(notebook), "--json"])
    result = json.loads(timed.stdout)
    if result["score"] != result["max_score"]:
        raise RuntimeError(f"the reference {notebook.name} scored {result['score']}")
    steps = dict(result["timings"])
    steps["grader_s"] += timed.wall_s - result["duration_s"]  # its own process start-up
    return Run(timed.wall_s, timed.cpu_s, steps)


def _plain(job: Path) -> Run:
    timed = run_timed([PY, "-m", "bench.plain", str(job)])
    steps = last_json(timed.stdout)
    steps["interpreter_s"] = timed.wall_s - sum(steps.values())
    return Run(timed.wall_s, timed.cpu_s, steps)


def _pair(plain: Run, graded: Run) -> dict[str, float]:
    """One alternating pair as written to the results: wall, CPU and training seconds."""
    def training(run: Run) -> float:
        return round(sum(v for k, v in run.steps.items() if k.startswith("train")), 3)

    return {"plain_s": round(plain.wall_s, 3), "graded_s": round(graded.wall_s, 3),
            "plain_cpu_s": round(plain.cpu_s, 3), "graded_cpu_s": round(graded.cpu_s, 3),
            "plain_training_s": training(plain), "graded_training_s": training(graded)}


def _medians(runs: list[Run]) -> tuple[float, dict[str, float]]:
    """The median wall time and the median of each step over runs."""
    steps = {key: median([run.steps.get(key, 0.0) for run in runs]) for key in runs[0].steps}
    return median([run.wall_s for run in runs]), steps


def measure_one(assignment_id: str, folder: Path) -> dict[str, Any]:
    """Alternate plain and graded runs of one assignment; medians, ratio and breakdown.

    Always REPEATS pairs, however long a run takes: a ratio of one pair cannot tell a slow
    spell of the machine from a cost of grading (C1W3's single pair read 1.363 on 2026-12-02)."""
    notebook, job = _job(assignment_id, folder)
    runs = repeated(lambda: (_plain(job), _grade(notebook)), minimum=REPEATS)
    plain_s, plain_steps = _medians([plain for plain, _ in runs])
    graded_s, graded_steps = _medians([graded for _, graded in runs])
    plain_min = round(min(plain.wall_s for plain, _ in runs), 3)
    graded_min = round(min(graded.wall_s for _, graded in runs), 3)
    return {
        "assignment": assignment_id,
        "runs": len(runs),
        "plain_s": plain_s,
        "graded_s": graded_s,
        "ratio": ratio(graded_s, plain_s),
        "plain_min_s": plain_min,
        "graded_min_s": graded_min,
        "min_ratio": ratio(graded_min, plain_min),
        "pairs": [_pair(plain, graded) for plain, graded in runs],
        "plain_steps": plain_steps,
        "graded_steps": graded_steps,
    }


def run(command: str) -> Path:
    """Measure every assignment and save the figures."""
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as folder:
        rows = [measure_one(a, Path(folder)) for a in ASSIGNMENTS]
    return save(NAME, {"goal": GOAL, "rows": rows}, command)


_STEP_NAMES = {
    "interpreter_s": "Python start-up and exit (TensorFlow teardown: the worker skips it)",
    "start_up_s": "imports, TensorFlow start-up, seeds (worker: + sandbox, snapshot)",
    "cells_s": "the graded cells",
    "verify_s": "the verifier measuring the trained model once the worker is done",
    "grader_s": "the grader's own process: CLI start-up, structure check, judging",
}


def _met(fastest: bool, medians: bool) -> str:
    """The goal column: met by both estimators, by neither, or by one (named)."""
    if fastest and medians:
        return "yes"
    if fastest or medians:
        return "**fastest only**" if fastest else "**medians only**"
    return "**no**"


def render(record: dict[str, Any]) -> list[str]:
    """The RESULTS.md section of this benchmark."""
    lines = [
        "Wall time of `python -m graders grade REFERENCE --json` divided by the wall time of",
        "`python -m bench.plain`, which does the work grading cannot avoid in one plain process:",
        "the same seeds, the same graded cells, each exercise observed once (the learner's",
        "functions called on the grader's data). Runs alternate plain/graded, "
        f"{record['rows'][0]['runs']} pairs however long a run takes. Goal: at most "
        f"{record['goal']:.2f}, met where both the fastest runs and the medians meet it.",
        "",
        "| assignment | runs | plain, fastest (s) | graded, fastest (s) | ratio | goal met "
        "| plain, median (s) | graded, median (s) | ratio of medians |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in record["rows"]:
        best = row["min_ratio"]
        met = _met(best <= record["goal"], row["ratio"] <= record["goal"])
        lines.append(
            f"| {row['assignment']} | {row['runs']} | {row['plain_min_s']:.1f} | "
            f"{row['graded_min_s']:.1f} | {best:.3f} | {met} | "
            f"{row['plain_s']:.1f} | {row['graded_s']:.1f} | {row['ratio']:.3f} |"
        )
    lines += ["", "Each pair in the order run, plain / graded: wall seconds (the training step's",
              "seconds, the CPU seconds of the whole process tree):", ""]
    for row in record["rows"]:
        pairs = "; ".join(
            f"{p['plain_s']:.1f} ({p['plain_training_s']:.1f}, {p['plain_cpu_s']:.1f}) / "
            f"{p['graded_s']:.1f} ({p['graded_training_s']:.1f}, {p['graded_cpu_s']:.1f})"
            for p in row["pairs"]
        )
        lines.append(f"- {row['assignment']}: {pairs}")
    lines += ["", "Where the seconds go (medians):", ""]
    for row in record["rows"]:
        lines += [f"**{row['assignment']}**", "", "| step | plain (s) | graded (s) | extra (s) |",
                  "|---|---|---|---|"]
        keys = list(dict.fromkeys([*row["plain_steps"], *row["graded_steps"]]))
        order = ["interpreter_s", "start_up_s", "cells_s"]
        keys = [k for k in order if k in keys] + [k for k in keys if k not in order]
        for key in keys:
            plain, graded = row["plain_steps"].get(key, 0.0), row["graded_steps"].get(key, 0.0)
            name = _STEP_NAMES.get(key, f"observe `{key.removesuffix('_s')}`")
            lines.append(f"| {name} | {plain:.2f} | {graded:.2f} | {graded - plain:+.2f} |")
        lines.append("")
    return lines


FINDINGS = """
**What was ours, and what was cut.** Two costs of the grader itself showed up in the
breakdown and are gone:

- Grading read every submission and its template with nbformat, whose import pulls in
  jsonschema: `python -X importtime` put it at 1.2 s of every grading run (of 2.5 s for a
  quiz). The grader now parses notebooks as JSON itself (`graders/notebook/reading.py`; a
  test keeps nbformat out of the grading path): its own process now costs about 0.2 s.
- The tamper check compared its 180,000 watched objects one key at a time, 0.15 s after the
  graded cells and after every exercise (five times for C1W4, whose reference trains for 6 s);
  it now walks them once with identity checks, 0.04 s each.

What remains is the price of grading safely: a second process that starts TensorFlow (the
plain run starts it once too, and pays about 1 s more at exit, which the worker skips), the
sandbox and the snapshot of the grader's functions (about half a second of start-up), and
the handover. The training steps themselves vary from run to run by more than all of that
(this machine has sporadic slow spells), which is why the runs alternate and the medians
are of five.

**Verification (issue 13), measured again 2026-12-03 (five pairs each).** The verifier (a
second confined process that rebuilds each trained model from its config and weights and
measures it) runs in every graded run above. On wall time C1W1 (1.021 fastest, 1.017
medians), C1W2 (1.066, 0.978) and C1W3 (0.914, 1.061) meet the goal of 1.15 by both
estimators. **C1W4 does not: 1.145 on the medians, 1.249 on the fastest runs.** The machine
was far slower than on 2026-12-02 (C1W4 plain, median: 21.3 s against 9.1 s; the training
step alone 14.8 s against 4.3 s), and noisy: one plain C1W4 run took 18.5 s, the other four
21.1-23.9 s, which is what parts the two estimators.

Where C1W4's extra seconds go (medians, graded minus plain): sandbox and snapshot +0.75 s at
start-up, the learner's training +1.64 s, the verifier's measuring after the worker ends
(`verify_s`) 1.32 s, the grader's own process 0.27 s, less the 1.1 s of TensorFlow teardown
the worker skips. The training is slower graded because the verifier starts beside it: it
imports TensorFlow and Keras (4.7 CPU seconds alone on this machine) and loads the images
it will measure on while the worker trains, to hide that behind the training; on two cores
that the C1W4 training fills, it cannot hide. The CPU seconds say so plainly: grading costs
7.5 CPU seconds more than the plain run in C1W4 (36.5 against 29.0, medians; the same in all
five pairs), 5.1 in C1W1, 5.5 in C1W2 and 11.7 in C1W3. C1W1's training leaves most of a
core idle (500 epochs of six examples are bound by Python, not arithmetic), so there the same
start-up costs no wall time; C1W3's 85-second training makes it small beside the whole.

So the verifier's cost is about one TensorFlow start-up per submission. On this 2-core
machine that is about 2.5 s of wall time wherever the training keeps both cores busy, which
is more than 5% of a 20-second grading. Making it cheaper means starting TensorFlow fewer
times, for example one verifier process kept for a whole batch (its isolation from the
previous submission's model data would then have to be argued anew), not trimming the
measurement, which is 0.1-1.3 s. Not done yet.

Cut in this round: the supervisor's watch reads every process's `/proc` status ten times a
second, for the worker and the verifier alike; it decoded each file as text, 2.6 ms a scan
with 68 processes and 7 ms with 140 (3-7% of a core). It now reads the raw bytes in one
system call and skips a process outside the group before reading it: 1.4-1.6 ms.
"""
