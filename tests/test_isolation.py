"""The sandbox, seen from inside a submission: no network, no writes outside its own
folders, the dataset cache readable in place, and another user than the grader's."""

from __future__ import annotations

import json
import os
import socket

from conftest import ROOT, run_cli
from hostile.corpus import QUIZ, Case

PROBE = """import os
written = []
for target in {targets!r}:
    try:
        with open(target, "a") as handle:
            handle.write("x")
        written.append(target)
    except OSError:
        pass
answer_1 = "a" if not written else "b"
"""
NETWORK = """import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=5)
    answer_2 = "a"
except OSError:
    try:
        socket.getaddrinfo("pypi.org", 443)
        answer_2 = "b"
    except OSError:
        answer_2 = "c"
"""
CACHE = """import os
with open(os.path.join(os.environ["KERAS_HOME"], "datasets", "probe.txt")) as handle:
    answer_3 = handle.read()
"""
USER = "import os\nanswer_4 = 'b' if os.getuid() != 0 else 'a'\n"


def test_a_submission_cannot_write_outside_its_folders_or_reach_the_network(tmp_path):
    keras_home = tmp_path / "keras"
    (keras_home / "datasets").mkdir(parents=True)
    (keras_home / "datasets" / "probe.txt").write_text("d")
    out, submissions = tmp_path / "out", tmp_path / "submissions"
    submissions.mkdir()
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0)
    targets = [
        str(ROOT / "graders" / "__init__.py"),
        str(ROOT / "README.md"),
        str(keras_home / "datasets" / "probe.txt"),
        str(out / "results" / "forged.json"),
        str(out / "gradebook.csv"),
        str(tmp_path / "elsewhere.txt"),
    ]
    probe = Case(
        "probe",
        "graded",
        [],
        sources={
            "answer-1": PROBE.format(targets=targets),
            "answer-2": NETWORK.format(port=server.getsockname()[1]),
            "answer-3": CACHE,
            "answer-4": USER,
        },
    ).write(submissions)
    Case("good", "graded", [], base=QUIZ).write(submissions)
    env = dict(os.environ, KERAS_HOME=str(keras_home))
    done = run_cli("grade", str(submissions), "--out", str(out), "--workers", "2", env=env)
    assert done.returncode == 0, done.stderr
    results = [json.loads(p.read_text()) for p in sorted((out / "results").glob("*.json"))]
    probe_result = next(r for r in results if r["notebook"] == str(probe))
    scores = [t["points"] for t in probe_result["tests"][:4]]
    try:
        server.accept()
        raise AssertionError("the submission reached a server on the loopback")
    except BlockingIOError:
        pass
    assert (keras_home / "datasets" / "probe.txt").read_text() == "d"
    assert not (tmp_path / "elsewhere.txt").exists()
    assert sorted(p.name for p in (out / "results").iterdir()) == sorted(
        f"{r['key']}.json" for r in results
    )
    isolation = probe_result["isolation"]
    if os.geteuid() == 0:  # root: the OS enforces all of it
        assert scores == [15, 15, 14, 14], probe_result["tests"]
        assert isolation["network"] == "network namespace (no interfaces)"
        assert isolation["files"].startswith("a user id of its own; read-only")
    else:  # the fallback: sockets refused in-process, files as writable as the grader's
        assert scores[1:3] == [15, 14], probe_result["tests"]
        assert isolation["network"].startswith("blocked in-process")
