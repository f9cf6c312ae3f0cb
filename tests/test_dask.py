"""The batch on a Dask cluster (`--scheduler`): a LocalCluster started here grades a mix of
submissions with the same outcomes as the local pool."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli
from hostile.corpus import CASES

PICK = ["good", "wrong_answers", "os_exit_in_a_cell", "patches_graders", "malformed_json"]


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local.scheduler_address


def test_a_dask_cluster_grades_the_batch(cluster, tmp_path):
    folder, out = tmp_path / "submissions", tmp_path / "out"
    folder.mkdir()
    cases = [c for c in CASES if c.name in PICK]
    for case in cases:
        case.write(folder)
    done = run_cli("grade", str(folder), "--out", str(out), "--scheduler", cluster)
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "gradebook.json").read_text())["rows"]
    assert [r["notebook"].rsplit("/", 1)[-1] for r in rows] == sorted(f"{n}.ipynb" for n in PICK)
    for row in rows:
        case = next(c for c in cases if row["notebook"].endswith(f"/{c.name}.ipynb"))
        assert (row["status"], row["score"]) == (case.status, sum(case.points))
        assert list(row["tests"].values()) == case.points
        assert (out / row["result"]).exists()
    # Each of the cluster's 2 single-threaded workers (one host) grades one at a time.
    good = next(row for row in rows if row["notebook"].endswith("/good.ipynb"))
    cpu = json.loads((out / good["result"]).read_text())["isolation"]["cpu"]
    assert "2 submissions at once" in cpu, cpu
