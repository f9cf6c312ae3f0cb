"""The benchmark tooling's own logic (the benchmarks themselves run with `nox -s bench`)."""

from __future__ import annotations

import json

from conftest import ROOT

from bench import course, margins, measure, overhead, report, scaling
from bench.__main__ import BENCHMARKS


def test_nbval_junit_is_summed_per_notebook(tmp_path):
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite>'
        '<testcase classname="solutions.W1.C1_W1_Quiz.ipynb" name="Cell 0" time="0.5"/>'
        '<testcase classname="solutions.W4.C1W4_Assignment.ipynb" name="Cell 0" time="1.0"/>'
        '<testcase classname="solutions.W1.C1_W1_Quiz.ipynb" name="Cell 1" time="2.25"/>'
        '</testsuite></testsuites>'
    )
    assert course._per_notebook(junit) == {
        "solutions/W1/C1_W1_Quiz.ipynb": {
            "seconds": 2.8, "slowest_cell": "Cell 1", "slowest_cell_s": 2.2,
        },
        "solutions/W4/C1W4_Assignment.ipynb": {
            "seconds": 1.0, "slowest_cell": "Cell 0", "slowest_cell_s": 1.0,
        },
    }


def test_nbval_cell_numbers_name_code_cells():
    nb = json.loads((ROOT / "solutions/W1/C1_W1_Quiz.ipynb").read_text())
    code = [c["id"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert course.cell_id("solutions/W1/C1_W1_Quiz.ipynb", "Cell 1") == f"`{code[1]}`"
    assert course.cell_id("solutions/W1/C1_W1_Quiz.ipynb", "Cell 999") == "Cell 999"


def test_results_render_every_benchmark_and_say_which_are_not_measured(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    text = report.render(BENCHMARKS)
    for module in BENCHMARKS.values():
        assert f"## {module.TITLE}" in text
        assert f"`nox -s bench -- {module.NAME}`" in text
    assert "## 8. On a GPU" in text


def test_repeats_only_what_takes_under_a_minute():
    class Quick:
        wall_s = 1.0

    class Slow:
        wall_s = measure.REPEAT_BELOW_S + 1

    assert len(measure.repeated(Quick)) == measure.REPEATS
    assert len(measure.repeated(Slow)) == 1
    assert len(measure.repeated(lambda: (Quick(), Slow()))) == 1


def _graded(assignment_id, data):
    """A result as the CLI prints it, the training exercise judged by its real checks."""
    from graders.assignments import get_assignment
    from graders.checks.run import judge_exercise

    assignment = get_assignment(assignment_id)
    exercise = assignment.exercise(margins.TRAINING[assignment_id])
    tests = [t.to_json() for t in judge_exercise(exercise, {"status": "ok", "data": data})]
    return {"assignment": assignment_id, "status": "graded", "tests": tests,
            "score": sum(t["points"] for t in tests), "max_score": assignment.max_score,
            "isolation": {"cpu": "1 thread for ... (2 cores, 2 submissions at once)"}}


def test_margins_read_the_figures_from_the_checks_own_feedback(monkeypatch):
    monkeypatch.setenv("GRADERS_LANG", "en")
    observed = {"epochs_run": 3, "epochs_asked": 10, "stopped_early": True,
                "metrics": {"accuracy": [0.9, 0.97, 0.9851]}}
    data = {"is_history": True, "epochs_run": 3, "observed": observed, "forged": None,
            "measured": {"figures": {"accuracy": 0.9846, "examples": 10000}}}
    row = margins.figures(_graded("C1W2", data))
    assert (row["epochs"], row["history_last"], row["measured"]) == (3, 0.9851, 0.9846)
    assert margins.margins("C1W2", row) == {
        "epochs": 7, "history": 0.0051, "measured": 0.0146, "gap": 0.0095,
    }
    trained = {"model": {"is_model": True}, "fits": 1, "epochs": 500, "forged": None,
               "measured": {"figures": {"prediction": [4.1]}}}
    row = margins.figures(_graded("C1W1", trained))
    assert (row["epochs"], row["prediction"]) == (500, 4.1)
    assert margins.margins("C1W1", row) == {"prediction": 0.15}


def test_margins_save_null_for_a_figure_the_feedback_does_not_give(monkeypatch):
    monkeypatch.setenv("GRADERS_LANG", "en")
    row = margins.figures(_graded("C1W3", {"is_history": False, "type": "NoneType"}))
    assert row["score"] == 0 and row["epochs"] is None and row["measured"] is None
    assert set(margins.margins("C1W3", row).values()) == {None}


def test_the_gap_is_measured_on_the_corpus_variants_that_change_what_is_trained():
    from bench import gap

    chosen = {name: set(gap.corpus(name)) for name in gap.TRAINING}
    assert {"dense_1024_trains", "two_hidden_layers", "renamed_parameters_trains"} <= chosen["C1W2"]
    assert "two_convolutions_trains" in chosen["C1W3"]
    assert {"small_model_trains", "map_divide"} <= chosen["C1W4"]
    # a callback trains the reference; a wrong model or dataset is not expected to train
    assert not {"own_init_threshold", "logits_output", "far_too_big"} & chosen["C1W2"]
    assert not {"reshape_minus_one", "no_pooling"} & chosen["C1W3"]
    assert not {"default_image_size", "own_init"} & chosen["C1W4"]


def test_the_gap_section_sets_the_largest_gap_beside_the_tolerance():
    from bench import gap

    def row(assignment, gap_, **extra):
        return {"assignment": assignment, "seed": 42, "epochs": 3, "history_last": 0.99,
                "measured": round(0.99 - gap_, 5), "gap": gap_, **extra}

    text = "\n".join(gap.render({
        "rows": [row("C1W2", 0.001), row("C1W2", -0.003)],
        "corpus_rows": [row("C1W2", 0.004, variant="dropout"), row("C1W4", 0.025, variant="x")],
    }))
    tolerances = gap._tolerances()
    assert f"| C1W2 | 0.001 | 0.004 | {tolerances['C1W2']} |" in text
    assert f"| C1W4 | - | 0.025 | {tolerances['C1W4']} |" in text
    assert "| C1W2 | dropout | 42 | 3 | 0.99 | 0.986 | 0.004 |" in text


def test_dask_task_stream_is_summed_per_worker():
    started = 100.0
    stream = [
        {"worker": "tcp://a", "startstops": [{"action": "compute", "start": 101.0, "stop": 121.0}]},
        {"worker": "tcp://b", "startstops": [{"action": "transfer", "start": 101.0, "stop": 102.0},
                                             {"action": "compute", "start": 102.0, "stop": 105.5}]},
        {"worker": "tcp://a", "startstops": [{"action": "compute", "start": 121.0, "stop": 130.0}]},
        {"worker": "tcp://b", "startstops": []},  # never computed: not counted
    ]
    assert scaling.task_stream_summary(stream, started) == {
        "workers": [
            {"tasks": 2, "busy_s": 29.0, "first_s": 1.0, "last_s": 30.0},
            {"tasks": 1, "busy_s": 3.5, "first_s": 2.0, "last_s": 5.5},
        ],
        "tail_idle_s": 24.5,
    }


def test_dask_line_says_what_the_scheduler_saw_and_skips_older_runs():
    row = {
        "mix": "W2",
        "one_worker": {"wall_s": 176.8, "graded_s": 170.0},
        "two_workers": {"wall_s": 95.7, "graded_s": 180.2},
        "dask": {"wall_s": 109.1, "graded_s": 181.0, "cores_busy": 1.7, "tail_idle_s": 12.5,
                 "workers": [{"tasks": 5, "busy_s": 95.0, "first_s": 3.0, "last_s": 105.0}]},
    }
    line = scaling._dask_line(row)
    assert "181.0 s in all (two local workers: 180.2 s; one: 170.0 s)" in line
    assert "5 tasks computing 95.0 s" in line and "idle 12.5 s at the end" in line
    del row["dask"]["workers"]
    assert scaling._dask_line(row) is None


def test_overhead_goal_is_met_only_where_the_fastest_runs_and_the_medians_meet_it():
    pair = {"plain_s": 10.0, "graded_s": 11.0, "plain_cpu_s": 15.0, "graded_cpu_s": 18.0,
            "plain_training_s": 8.0, "graded_training_s": 8.5}
    row = {"assignment": "C1W9", "runs": 1, "plain_s": 10.0, "graded_s": 12.0, "ratio": 1.2,
           "plain_min_s": 10.0, "graded_min_s": 11.0, "min_ratio": 1.1, "pairs": [pair],
           "plain_steps": {"train_s": 8.0}, "graded_steps": {"train_s": 8.5, "verify_s": 1.0}}
    lines = overhead.render({"goal": 1.15, "rows": [row]})
    table_row = next(line for line in lines if line.startswith("| C1W9 |"))
    assert table_row.split(" | ")[4:7] == ["1.100", "**fastest only**", "10.0"]
    assert table_row.rstrip(" |").endswith("1.200")
    assert "- C1W9: 10.0 (8.0, 15.0) / 11.0 (8.5, 18.0)" in lines
    both = overhead.render({"goal": 1.25, "rows": [row]})
    assert "| 1.100 | yes |" in next(line for line in both if line.startswith("| C1W9 |"))
    neither = overhead.render({"goal": 1.05, "rows": [row]})
    assert "| 1.100 | **no** |" in next(line for line in neither if line.startswith("| C1W9 |"))
