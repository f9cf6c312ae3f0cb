"""The CPU budget: each graded process gets its share of the cores, recorded in the result,
and scores do not depend on how many submissions are graded at once."""

from __future__ import annotations

import importlib.util
import json
import shutil

import pytest
from conftest import ROOT, SOLUTIONS, run_cli

from graders.grading.budget import CpuBudget, available_cores, cpu_budget

#: Graded with 1 and 2 workers; their scores must agree. Add a corpus by extending the list
#: (the learner corpus of tests/learners/ when it exists): each entry is a notebook path.
SUBMISSIONS = [
    SOLUTIONS / "W1" / "C1W1_Assignment.ipynb",
    SOLUTIONS / "W1" / "C1_W1_Quiz.ipynb",
]


@pytest.mark.parametrize(("cores", "concurrent", "threads"),
                         [(2, 1, 2), (2, 2, 1), (16, 3, 5), (1, 4, 1), (8, 8, 1)])
def test_each_process_gets_its_share_of_the_cores_and_at_least_one_thread(
    cores, concurrent, threads
):
    budget = CpuBudget(cores, concurrent)
    assert budget.threads == threads
    assert budget.environment() == {
        "TF_NUM_INTRAOP_THREADS": str(threads),
        "TF_NUM_INTEROP_THREADS": str(threads),
        "OMP_NUM_THREADS": str(threads),
    }


def test_the_cores_are_those_this_process_may_run_on():
    import os

    assert available_cores() == len(os.sched_getaffinity(0))
    assert cpu_budget(0).concurrent == 1


def test_notebooks_under_nbval_get_the_same_budget():
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    noxfile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(noxfile)

    workers = noxfile.notebook_workers()
    command = noxfile.nbval_command([SUBMISSIONS[1]])
    assert command[command.index("-n") + 1] == str(workers)
    threads = str(max(1, available_cores() // workers))
    env = noxfile.notebook_env()
    assert env["TF_NUM_INTRAOP_THREADS"] == env["TF_NUM_INTEROP_THREADS"] == threads
    assert env["OMP_NUM_THREADS"] == threads
    assert env["MPLBACKEND"] == "Agg"


def _batch(folder, out, workers):
    done = run_cli("grade", str(folder), "--out", str(out), "--workers", str(workers))
    assert done.returncode == 0, done.stderr
    records = [json.loads(p.read_text()) for p in (out / "results").glob("*.json")]
    return {r["notebook"].rsplit("/", 1)[-1]: r for r in records}


def test_scores_do_not_depend_on_how_many_submissions_run_at_once(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    for n, path in enumerate(SUBMISSIONS):
        shutil.copy(path, folder / f"{n:03d}-{path.name}")
    one = _batch(folder, tmp_path / "one", 1)
    two = _batch(folder, tmp_path / "two", 2)
    assert sorted(one) == sorted(two) and len(one) == len(SUBMISSIONS)
    cores = available_cores()
    for name, result in one.items():
        assert result["status"] == "graded", result["message"]
        assert [(t["name"], t["points"]) for t in result["tests"]] == [
            (t["name"], t["points"]) for t in two[name]["tests"]
        ], name
        assert result["isolation"]["cpu"].endswith(f"({cores} cores, 1 submission at once)")
        assert two[name]["isolation"]["cpu"].endswith(f"({cores} cores, 2 submissions at once)")
    assert sum(r["score"] for r in one.values()) == sum(r["max_score"] for r in one.values())
