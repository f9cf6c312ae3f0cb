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

**Verification (issue 13), measured again 2026-12-03 13:42 UTC (five pairs each).** The
verifier (a second confined process that rebuilds each trained model from its config and
weights and measures it) runs in every graded run above. All four assignments now meet the
goal of 1.15 by both estimators: C1W1 0.985 fastest / 1.013 medians, C1W2 0.985 / 1.012,
C1W3 1.093 / 0.979, C1W4 1.077 / 1.113.

C1W4 had failed it at 10:22 the same day (1.249 fastest, 1.145 medians). Two things changed,
and the larger one is not ours. The machine was two to three times faster at 13:42 (C1W4
plain, median: 10.9 s against 21.3 s) and far steadier: its five plain runs took 10.8-11.2 s,
against 18.5-23.9 s, and the graded runs 11.6-13.6 s. The cut that is ours: the models now
reach the verifier as one JSON line and their weights' raw bytes (verify.frame and
verify.read_models) instead of one JSON document of base64, 50 MB for C1W4's 9.5 million
weights, that the grader wrote and the verifier parsed and decoded once the worker was done.
Timed alone on the faster machine (one run each), that took the verifier's share of a C1W4
grade from 1.16 s to 0.98 s; in the benchmark `verify_s` is 0.86 s (medians).

Where C1W4's extra 1.2 s go now (medians, graded minus plain): sandbox and snapshot +0.68 s at
start-up, the verifier's measuring after the worker ends 0.86 s, the learner's training
+0.24 s, the grader's own process 0.22 s, less the 1.0 s of TensorFlow teardown the worker
skips. Of the verifier's 0.86 s, rebuilding the model from its config takes about 0.16 s and
the first call of the rebuilt model 0.5 s (TensorFlow preparing its kernels for the model's
shapes; a second call takes 0.1 s). Warming those kernels up with the reference's
architecture while the worker trains saved about 0.2 s of it but spent 0.4-0.6 CPU seconds
beside the training, so it was left out.

The verifier's own start-up still costs a TensorFlow start-up per submission: grading takes
5.3 CPU seconds more than the plain run in C1W4 (19.7 against 14.3, medians), 5.0 in C1W1,
7.2 in C1W2 and 11.9 in C1W3. It runs beside the worker's own start-up and, in C1W4, beside
a training that fills both cores, which is why the margin depends on the machine: on the slow
machine of 10:22 the same cost came to 2.5 s of wall time and broke the goal. A verifier that
starts TensorFlow once for a whole batch would remove it; it would have to be kept from
carrying one submission's model data into the next, and is not built.

Cut in this round: the supervisor's watch reads every process's `/proc` status ten times a
second, for the worker and the verifier alike; it decoded each file as text, 2.6 ms a scan
with 68 processes and 7 ms with 140 (3-7% of a core). It now reads the raw bytes in one
system call and skips a process outside the group before reading it: 1.4-1.6 ms.
"""
