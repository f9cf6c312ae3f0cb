"""Batch scaling: submissions graded per minute by `graders grade DIR --out OUT` with 1 and 2
workers on the same 10-submission batch (a Week 1 mix and a Week 2 mix), and by a Dask local
cluster of 2 single-threaded worker processes (`--scheduler`). Goal: 2 workers at least 1.8x
one worker."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import nbformat

from bench.measure import PY, ROOT, ratio, run_timed, save

NAME = "scaling"
TITLE = "2. Batch scaling"
GOAL = 1.8
#: Each mix: (notebook, copies); "broken" copies have their last graded cell raise.
MIXES = {
    "W1": [
        ("solutions/W1/C1W1_Assignment.ipynb", 4),
        ("notebooks/W1/C1W1_Assignment.ipynb", 2),
        ("solutions/W1/C1_W1_Quiz.ipynb", 3),
        ("broken:solutions/W1/C1W1_Assignment.ipynb", 1),
    ],
    "W2": [
        ("solutions/W2/C1W2_Assignment.ipynb", 4),
        ("notebooks/W2/C1W2_Assignment.ipynb", 2),
        ("solutions/W2/C1_W2_Quiz.ipynb", 3),
        ("broken:solutions/W2/C1W2_Assignment.ipynb", 1),
    ],
}


def write_mix(mix: str, folder: Path) -> int:
    """Write the mix's submissions into folder; returns how many."""
    from graders.notebook.cells import graded_cells

    folder.mkdir(parents=True)
    count = 0
    for source, copies in MIXES[mix]:
        broken = source.startswith("broken:")
        path = ROOT / source.removeprefix("broken:")
        nb = nbformat.read(path, as_version=4)
        if broken:
            graded_cells(nb)[-1].source = 'raise RuntimeError("a bug in the last exercise")'
        for _ in range(copies):
            count += 1
            nbformat.write(nb, folder / f"s{count:02d}-{path.name}")
    return count


def _grade(folder: Path, out: Path, *options: str) -> tuple[Any, list]:
    timed = run_timed([PY, "-m", "graders", "grade", str(folder), "--out", str(out), *options])
    rows = json.loads((out / "gradebook.json").read_text())["rows"]
    return timed, sorted((Path(r["notebook"]).name, r["score"]) for r in rows)


def measure_mix(mix: str, folder: Path, scheduler: str) -> dict[str, Any]:
    """Grade the mix with 1 worker, 2 workers and the Dask cluster; check they agree."""
    submissions = folder / mix
    count = write_mix(mix, submissions)
    one, scores = _grade(submissions, folder / f"{mix}-1", "--workers", "1")
    two, scores_two = _grade(submissions, folder / f"{mix}-2", "--workers", "2")
    dask, scores_dask = _grade(submissions, folder / f"{mix}-dask", "--scheduler", scheduler)
    if not scores == scores_two == scores_dask:
        raise RuntimeError(f"{mix}: scores differ: {scores}, {scores_two}, {scores_dask}")

    def per_minute(timed: Any) -> float:
        return round(count / timed.wall_s * 60, 2)

    return {
        "mix": mix,
        "submissions": count,
        "scores": [score for _, score in scores],
        "one_worker": {"wall_s": round(one.wall_s, 1), "per_min": per_minute(one),
                       "cores_busy": round(one.cpu_s / one.wall_s, 2)},
        "two_workers": {"wall_s": round(two.wall_s, 1), "per_min": per_minute(two),
                        "cores_busy": round(two.cpu_s / two.wall_s, 2)},
        "dask": {"wall_s": round(dask.wall_s, 1), "per_min": per_minute(dask)},
        "speedup_two": ratio(one.wall_s, two.wall_s),
        "speedup_dask": ratio(one.wall_s, dask.wall_s),
    }


def run(command: str) -> Path:
    """Grade both mixes three ways and save the figures."""
    from distributed import LocalCluster

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as folder, LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        for mix in MIXES:
            rows.append(measure_mix(mix, Path(folder), cluster.scheduler_address))
    return save(NAME, {"goal": GOAL, "rows": rows}, command)


def render(record: dict[str, Any]) -> list[str]:
    """The RESULTS.md section of this benchmark."""
    lines = [
        "`python -m graders grade DIR --out OUT --workers N` on 10 submissions per mix (4",
        "reference solutions, 2 untouched templates, 3 quiz solutions, 1 whose last exercise",
        "raises), then the same batch on a Dask `LocalCluster` of 2 single-threaded worker",
        "processes (`--scheduler`, cluster start-up not counted). All three give the same scores.",
        "\"Cores busy\" is CPU seconds (every process) per wall-clock second. Goal: 2 workers at",
        f"least {record['goal']}x one worker.",
        "",
        "| mix | 1 worker: /min (cores busy) | 2 workers: /min (cores busy) | 2 workers vs 1 | "
        "Dask, 2 workers: /min | Dask vs 1 | goal met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in record["rows"]:
        one, two, dask = row["one_worker"], row["two_workers"], row["dask"]
        met = "yes" if row["speedup_two"] >= record["goal"] else "**no**"
        lines.append(
            f"| {row['mix']} | {one['per_min']:.1f} ({one['cores_busy']:.2f}) | "
            f"{two['per_min']:.1f} ({two['cores_busy']:.2f}) | {row['speedup_two']:.2f}x | "
            f"{dask['per_min']:.1f} | {row['speedup_dask']:.2f}x | {met} |"
        )
    lines.append("")
    for row in record["rows"]:
        one, two = row["one_worker"]["cores_busy"], row["two_workers"]["cores_busy"]
        lines.append(
            f"- {row['mix']}: {row['speedup_two']:.2f}x with 2 workers; the cores were busy "
            f"{one:.2f} of {record['machine']['cores']} with one worker and {two:.2f} with two."
        )
    return lines


FINDINGS = """
**Why 2 workers fall short of 1.8x here.** Not for lack of cores: one W1 worker keeps about
one core busy, and two plain Python processes spinning side by side run at 0.9x to 1.0x their
speed alone on this machine (measured while writing this), so the two cores are independent.
With two grading workers the cores are not even fully busy (the "cores busy" column), yet each
training runs markedly slower than alone. The likeliest cause, not yet proven: each worker's
TensorFlow sizes its thread pools for the whole machine (two intra-op and two inter-op threads
per process), and two such processes hand work back and forth between four pools on two
cores. Giving each worker one intra-op thread would test it, but it changes the order of
floating-point sums, so results would depend on the worker count unless every grading run
used one thread; that trade-off is left open, not slipped in. The Dask cluster (two
single-threaded worker processes, each starting the same sandboxed worker) scales the same
way as the local pool, as expected: the cost is in the graded processes, not in what
schedules them.
"""
