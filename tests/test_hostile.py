"""The hostile corpus (tests/hostile/corpus.py) graded as one batch with 2 workers: every
submission gets its exact outcome, the gradebook matches row by row, and the same batch
killed halfway then resumed yields the identical gradebook."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, grade, run_cli
from hostile.corpus import CASES, EDITED_IMPORTS, FORGERIES, MEMORY, TIMEOUT

ALL = CASES + FORGERIES
BATCH = ["--workers", "2", "--timeout", str(TIMEOUT), "--memory", str(MEMORY)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for case in ALL:
        case.write(folder)
    return folder


@pytest.fixture(scope="module")
def batch(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    done = run_cli("grade", str(corpus), "--out", str(out), *BATCH)
    assert done.returncode == 0, done.stderr
    results = {}
    for path in (out / "results").glob("*.json"):
        record = json.loads(path.read_text())
        results[record["notebook"].rsplit("/", 1)[-1].removesuffix(".ipynb")] = record
    return out, results, done.stderr


def _check(result, case):
    assert result["status"] == case.status, result["message"]
    assert [t["points"] for t in result["tests"]] == case.points, result["tests"]
    assert result["score"] == sum(case.points)
    if case.message is None:
        assert result["message"] is None
    else:
        assert case.message in result["message"]
    if case.note:
        assert any(case.note in note for note in result["notes"]), result["notes"]
    for number, fragment in case.feedback.items():
        assert fragment in result["tests"][number - 1]["feedback"]


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.name)
def test_each_submission_gets_its_exact_outcome(batch, case):
    _check(batch[1][case.name], case)


def test_an_edited_read_only_cell_of_the_assignment_is_graded_as_released(tmp_path):
    # Graded on its own, under the assignment's own time limit: it trains for 500 epochs.
    (result,) = grade(EDITED_IMPORTS.write(tmp_path))
    _check(result, EDITED_IMPORTS)


def test_gradebook_has_one_row_per_submission_one_column_per_test(batch):
    out, results, _ = batch
    with open(out / "gradebook.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["notebook"].rsplit("/", 1)[-1] for row in rows] == sorted(
        f"{case.name}.ipynb" for case in ALL
    )
    header = list(rows[0])
    assert header[:5] == ["notebook", "assignment", "status", "score", "max_score"]
    assert header[-1] == "message"
    for row in rows:
        case = next(c for c in ALL if row["notebook"].endswith(f"/{c.name}.ipynb"))
        result = results[case.name]
        assert (row["status"], int(row["score"])) == (case.status, sum(case.points))
        prefix = f"{result['assignment']}: "
        for test, points in zip(result["tests"], case.points, strict=True):
            assert row[prefix + test["name"]] == str(points)
        others = [c for c in header[5:-1] if not c.startswith(prefix)]
        assert all(row[c] == "" for c in others)
    data = json.loads((out / "gradebook.json").read_text())
    assert [r["score"] for r in data["rows"]] == [int(r["score"]) for r in rows]


def test_each_submission_has_a_readable_report(batch):
    out, results, _ = batch
    record = results["wrong_answers"]
    report = (out / "reports" / f"{record['key']}.md").read_text()
    assert "**Score:** 85 / 100" in report
    assert "| \u2718 | 0/15 | answer_2: question 2 (labelling the data) | answer: expected the " \
        "one correct option, but got 'a', which is not it. |" in report
    assert "Isolation: network:" in report


def test_progress_is_printed_as_plain_lines_off_a_terminal(batch):
    lines = batch[2].splitlines()
    assert any(line.startswith(f"[{len(ALL)}/{len(ALL)}] ") for line in lines)
    assert f"graded {len(ALL)}/{len(ALL)}" in batch[2]


def test_killed_batch_resumes_to_the_identical_gradebook(batch, corpus, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "graders", "grade", str(corpus), "--out", str(out), *BATCH]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while len(list((out / "results").glob("*.json"))) < len(ALL) // 2:
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = {p.name: p.read_bytes() for p in (out / "results").glob("*.json")}
    assert len(ALL) // 2 <= len(kept) < len(ALL)
    done = run_cli("grade", str(corpus), "--out", str(out), "--resume", *BATCH)
    assert done.returncode == 0, done.stderr
    assert f"[{len(kept)}/{len(ALL)}] already graded, skipped (--resume)" in done.stderr
    for name, data in kept.items():  # nothing graded before the kill was graded again
        assert (out / "results" / name).read_bytes() == data
    for name in ("gradebook.csv", "gradebook.json"):
        assert (out / name).read_text() == (batch[0] / name).read_text()
