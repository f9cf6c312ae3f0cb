"""Batch scaling: submissions graded per minute by `graders grade DIR --out OUT` with 1 and 2
workers on the same 10-submission batch (a Week 1 mix and a Week 2 mix), and by a Dask local
cluster of 2 single-threaded worker processes (`--scheduler`). Goal: 2 workers at least 1.8x
one worker."""

from __future__ import annotations

import json
import os
import tempfile
import time
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


def _grade(folder: Path, out: Path, *options: str) -> tuple[Any, list, float]:
    """The timed batch, its (notebook, score) pairs and the seconds spent grading each
    submission (its result's duration_s), added up."""
    timed = run_timed([PY, "-m", "graders", "grade", str(folder), "--out", str(out), *options])
    rows = json.loads((out / "gradebook.json").read_text())["rows"]
    graded_s = sum(json.loads(path.read_text())["duration_s"]
                   for path in (out / "results").glob("*.json"))
    return timed, sorted((Path(r["notebook"]).name, r["score"]) for r in rows), round(graded_s, 1)


def machine_cpu_s() -> float:
    """CPU seconds every process on the machine has used so far (/proc/stat's busy time):
    the Dask workers are not this process's children, so getrusage does not see them."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def task_stream_summary(stream: list[dict[str, Any]], started: float) -> dict[str, Any]:
    """Per Dask worker: its tasks, the seconds they computed, when its first began and its
    last ended (seconds after started); and how long one worker sat idle at the end."""
    tasks: dict[str, list[list[tuple[float, float]]]] = {}  # worker: each task's spans
    for task in stream:
        spans = [(s["start"], s["stop"]) for s in task.get("startstops", ())
                 if s.get("action") == "compute"]
        if spans:
            tasks.setdefault(str(task.get("worker")), []).append(spans)
    rows = []
    for computed in tasks.values():
        spans = [span for task_spans in computed for span in task_spans]
        rows.append({
            "tasks": len(computed),
            "busy_s": round(sum(stop - start for start, stop in spans), 1),
            "first_s": round(min(start for start, _ in spans) - started, 1),
            "last_s": round(max(stop for _, stop in spans) - started, 1),
        })
    rows.sort(key=lambda row: -row["busy_s"])
    lasts = [row["last_s"] for row in rows]
    return {"workers": rows, "tail_idle_s": round(max(lasts) - min(lasts), 1) if lasts else 0.0}


def _grade_on_dask(folder: Path, out: Path, scheduler: str) -> tuple[Any, list, float, dict]:
    """Grade on the cluster; also what the scheduler saw of each task, and the CPU seconds
    of every process on the machine while it ran."""
    from distributed import Client

    with Client(scheduler) as client:
        client.get_task_stream()  # installs the scheduler's task stream: tasks from now on
        started, cpu_before = time.time(), machine_cpu_s()
        timed, scores, graded_s = _grade(folder, out, "--scheduler", scheduler)
        cpu_s = machine_cpu_s() - cpu_before
        stream = client.get_task_stream(start=started)
    seen = task_stream_summary(list(stream), started)
    return timed, scores, graded_s, {"cores_busy": round(cpu_s / timed.wall_s, 2), **seen}


def measure_mix(mix: str, folder: Path, scheduler: str) -> dict[str, Any]:
    """Grade the mix with 1 worker, 2 workers and the Dask cluster; check they agree."""
    submissions = folder / mix
    count = write_mix(mix, submissions)
    one, scores, one_graded_s = _grade(submissions, folder / f"{mix}-1", "--workers", "1")
    two, scores_two, two_graded_s = _grade(submissions, folder / f"{mix}-2", "--workers", "2")
    dask, scores_dask, dask_graded_s, seen = _grade_on_dask(
        submissions, folder / f"{mix}-dask", scheduler)
    if not scores == scores_two == scores_dask:
        raise RuntimeError(f"{mix}: scores differ: {scores}, {scores_two}, {scores_dask}")

    def per_minute(timed: Any) -> float:
        return round(count / timed.wall_s * 60, 2)

    return {
        "mix": mix,
        "submissions": count,
        "scores": [score for _, score in scores],
        "one_worker": {"wall_s": round(one.wall_s, 1), "per_min": per_minute(one),
                       "cores_busy": round(one.cpu_s / one.wall_s, 2),
                       "graded_s": one_graded_s},
        "two_workers": {"wall_s": round(two.wall_s, 1), "per_min": per_minute(two),
                        "cores_busy": round(two.cpu_s / two.wall_s, 2),
                        "graded_s": two_graded_s},
        "dask": {"wall_s": round(dask.wall_s, 1), "per_min": per_minute(dask),
                 "graded_s": dask_graded_s, **seen},
        "speedup_two": ratio(one.wall_s, two.wall_s),
        "speedup_dask": ratio(one.wall_s, dask.wall_s),
    }


def run(command: str) -> Path:
    """Grade both mixes three ways and save the figures."""
    from distributed import LocalCluster

    rows, load_before = [], os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as folder, LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        for mix in MIXES:
            rows.append(measure_mix(mix, Path(folder), cluster.scheduler_address))
    load = {"before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in os.getloadavg()]}
    return save(NAME, {"goal": GOAL, "rows": rows, "load_average": load}, command)


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
    load = record.get("load_average")
    if load:
        lines += [
            f"Load average (1, 5, 15 min) before: {', '.join(map(str, load['before']))}; "
            f"after: {', '.join(map(str, load['after']))}. Above the cores' count, other work "
            "shared the machine and the ratios say little.",
            "",
        ]
    else:
        lines += ["(This run predates the CPU budget and did not record the load average.)", ""]
    for row in record["rows"]:
        one, two = row["one_worker"]["cores_busy"], row["two_workers"]["cores_busy"]
        lines.append(
            f"- {row['mix']}: {row['speedup_two']:.2f}x with 2 workers; the cores were busy "
            f"{one:.2f} of {record['machine']['cores']} with one worker and {two:.2f} with two."
        )
    lines += [line for row in record["rows"] if (line := _dask_line(row))]
    return lines


def _dask_line(row: dict[str, Any]) -> str | None:
    """What the scheduler saw of a mix's Dask run (runs from before 2026-12-02 lack it)."""
    dask, two = row["dask"], row["two_workers"]
    if "workers" not in dask:
        return None
    workers = "; ".join(
        f"{w['tasks']} tasks computing {w['busy_s']:.1f} s (first began at {w['first_s']:.1f} s,"
        f" last ended at {w['last_s']:.1f} s)" for w in dask["workers"]
    )
    return (
        f"- {row['mix']} on Dask ({dask['wall_s']:.1f} s against {two['wall_s']:.1f} s for two "
        f"local workers): grading the submissions took {dask['graded_s']:.1f} s in all "
        f"(two local workers: {two['graded_s']:.1f} s; one: {row['one_worker']['graded_s']:.1f}"
        f" s); machine-wide, {dask['cores_busy']:.2f} cores busy. Its workers: {workers}; "
        f"one sat idle {dask['tail_idle_s']:.1f} s at the end."
    )


FINDINGS = """
**Why 2 workers fell short of 1.8x before, and what changed.** Before the CPU budget
(2026-11-27: W1 1.46x, W2 1.73x, Dask 1.55x/1.60x), each worker's TensorFlow sized its
thread pools for the whole
machine (two intra-op and two inter-op threads per process), and two such processes fought
over two cores. Trying it (by the session that filed issue 14: 4 W2 references, letting
`TF_NUM_INTRAOP_THREADS`, `TF_NUM_INTEROP_THREADS` and `OMP_NUM_THREADS` through): one
worker took 79 s with one thread and 79 s with the default pools, two workers 38.5 s with
one thread each (2.05x) and 65 s with the default pools, with the same scores. So every
graded process now gets its share of the cores (`graders/grading/budget.py`: the cores of
`os.sched_getaffinity` divided by `--workers`, at least one thread), recorded in the
result's `isolation.cpu`; `tests/test_budget.py` checks that 1 and 2 workers give the same
points on the W1 reference and quiz (the thread count may change the order of floating-point
sums, but the scores compare against thresholds with margins).

**Where the goal stands, from the latest run (the table above, 2026-12-02 18:59 UTC, the
machine otherwise idle): not met, W1 1.29x and W2 1.51x, and the measured cause is the
baseline.** One worker alone already keeps more than one core busy: 1.27 cores for W1 and
1.32 for W2 (CPU seconds of every process / wall seconds: the verifier process of issue 13
starts and loads TensorFlow beside the worker, the worker's TensorFlow has both cores' threads
when it grades alone, tf.data runs its own threads, the grader judges and writes). Two cores
can then hold at most 2 / 1.27 = **1.57x** (W1) and 2 / 1.32 = **1.52x** (W2) of that
baseline; W2 reaches 1.515x, all of its ceiling, and W1 82% of it. The run's summed grading
seconds say the same from the other side: a W2 submission took 13.9 s graded alone and 17.7 s
beside another, a W1 submission 10.0 s and 15.0 s, because each now gets one core where alone
it had 1.3. The CPU spent per submission did not grow (W2 18.4 CPU-s alone, 16.5 beside
another; W1 12.8 both), so nothing is wasted: to reach 1.8x the one-worker baseline would
have to use no more than 1.11 cores, which would make one worker slower, not two faster. W1
falls short of even its ceiling because its 500 short epochs wait rather than compute (below).

The figures of the one-worker baseline move between runs far more than those of two
workers: the run of 2026-12-02 05:37 UTC on the same machine measured W2 one worker 176.8 s
(1.29 cores busy, 22.8 CPU-s per submission) against 139.4 s now, and two workers 95.7 s
against 92.0 s, so its ratio read 1.85x (W1: 130.7 s and 101.8 s, 1.28x). That 1.85x came from
a slow baseline, not from faster batches: this machine has sporadic slow spells, and one
10-submission run per figure cannot outvote them. Starting the verifier only once a model is
handed over would not cut its CPU (every W1 submission hands one over); it would only stop
the one-worker baseline from using the second core, lowering that baseline rather than
raising two workers' throughput. `nox -s notebooks` gives each notebook kernel the same
share (one thread each on two cores); section 3 measures the course under it.

**What bounds W1 (500 tiny epochs): Keras's per-epoch input pipeline, not the model.** Its
`train_model` fits a one-weight model on six numbers for 500 epochs. Under cProfile (200
epochs, one thread), the training steps themselves took 1.3 s of 26 s; `make_iterator`,
called twice per epoch as Keras builds a fresh `tf.data` iterator over the NumPy arrays,
took 17 s. The same fit fed a `tf.data.Dataset` whose autotuning is off costs 5.4 ms of CPU
per epoch against 51 ms for the NumPy arrays (24 ms against 335 ms of wall time), and
creating one such iterator alone costs 0.7 ms against 14 to 17 ms with autotuning on (of
which only 1.8 ms is CPU: the rest is waiting, most likely on tf.data's background threads
as they start and stop; not traced further). These were measured on the loaded machine
(load average 9 to 13), so only the ratios mean something. They make a W1 grading run a
long chain of small set-ups and hand-offs rather than computation, whose latency grows as
soon as the other core is busy: that would explain why thread counts did not change W1 and
why two W1 workers stayed near 1.5x (a hypothesis the quiet re-measurement can confirm).
The grader cannot change it
without changing what the learner wrote (`model.fit(xs, ys, epochs=500)` is the course's
own code); a W1 submission costs about 15 s either way.

**The Dask path costs nothing over the local pool.** The cluster (two single-threaded
worker processes, each starting the same sandboxed worker, each given the host's cores
divided by its Dask worker threads) graded W2 in 92.1 s against 92.0 s for two local
workers, and W1 in 73.1 s against 77.9 s. The scheduler's own task stream shows why: both
Dask workers began computing 0.5 s after the batch was submitted and computed until the end
(W2: 90.8 and 90.6 s of computing, the first to finish idle for 0.1 s; W1: 71.4 and 67.1 s,
idle for 4.3 s while the other graded the last submission), and
their computing seconds add up to the run's summed grading seconds (181.4 s for W2), so no
time goes to scheduling, shipping results or waiting for work. The gap the runs of
2026-11-27 and 2026-12-02 05:37 UTC showed (W2 on Dask 109.1 s against 95.7 s local) did not
come back in this run, which records what the scheduler saw; those runs recorded only the
wall time, so what slowed them cannot be told now, and the same slow spells that moved the
one-worker baseline are the likeliest cause.
"""
