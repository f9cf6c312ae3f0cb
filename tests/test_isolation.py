"""The sandbox, seen from inside a submission, for each user the grader may run as (the
test's own, root in CI; root without CAP_SYS_ADMIN; an ordinary user): no network, no
writes outside its own folders, nothing it starts outlives it, the dataset cache readable,
another user than root, and the same scores for a subset of the hostile corpus."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import uuid

import pytest
from conftest import ROOT
from hostile.corpus import CASES, MEMORY, TIMEOUT, Case, check
from sandbox_users import (
    AS_IS,
    MODES,
    NO_SYS_ADMIN,
    ORDINARY,
    command,
    ordinary_user,
    require,
    shared_folder,
)

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
#: Writes into /tmp, and starts a process in a session of its own (out of the worker's
#: process group), which would sleep for ten minutes.
STRAY = """import subprocess
try:  # the sandbox's own /tmp, if it has one: the host's must not see it
    open({host_tmp!r}, "w").close()
except OSError:
    pass
subprocess.Popen(["sh", "-c", "sleep 600; : {marker}"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
answer_5 = "b"
"""
#: The hostile cases graded in every mode: those whose outcome the sandbox could change
#: (exit codes and signals, memory, files, the handover, output); the rest (hangs, structure
#: checks, monkeypatching) are graded alike whatever the sandbox, in test_hostile.
SUBSET = ("good", "template", "memory_malloc", "memory_shared_pages", "os_exit_in_a_cell",
          "sigkill_while_observed", "segfault", "output_flood", "big_file",
          "forges_the_handover", "malformed_json")
#: The sandbox each mode gets on a machine with unprivileged user namespaces (as CI's).
SANDBOX = {NO_SYS_ADMIN: "user namespace", ORDINARY: "bubblewrap"}


@pytest.fixture(scope="module", params=MODES)
def graded(request):
    """The probe and the subset graded in one batch (2 workers) as the mode's user."""
    mode = request.param
    require(mode)
    owner = ordinary_user() if mode == ORDINARY else None
    folder = shared_folder(owner)
    keras_home, out, submissions = folder / "keras", folder / "out", folder / "submissions"
    (keras_home / "datasets").mkdir(parents=True)
    (keras_home / "datasets" / "probe.txt").write_text("d")
    submissions.mkdir()
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0)
    host_tmp = f"/tmp/graders-probe-{uuid.uuid4().hex}"
    targets = [
        str(ROOT / "graders" / "__init__.py"),
        str(ROOT / "README.md"),
        str(keras_home / "datasets" / "probe.txt"),
        str(out / "results" / "forged.json"),
        str(out / "gradebook.csv"),
        str(folder / "elsewhere.txt"),
    ]
    marker = f"graders-stray-{uuid.uuid4().hex}"
    Case("probe", "graded", [], sources={
        "answer-1": PROBE.format(targets=targets),
        "answer-2": NETWORK.format(port=server.getsockname()[1]),
        "answer-3": CACHE,
        "answer-4": USER,
        "answer-5": STRAY.format(marker=marker, host_tmp=host_tmp),
    }).write(submissions)
    cases = [case for case in CASES if case.name in SUBSET]
    for case in cases:
        case.write(submissions)
    if owner is not None:
        for path in (folder, *folder.rglob("*")):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    argv = [sys.executable, "-m", "graders", "grade", str(submissions), "--out", str(out),
            "--workers", "2", "--timeout", str(TIMEOUT), "--memory", str(MEMORY)]
    env = dict(os.environ, KERAS_HOME=str(keras_home), HOME=str(folder))
    done = subprocess.run(command(mode, argv, [str(ROOT)], folder), cwd=ROOT, env=env,
                          capture_output=True, text=True)
    results = {}
    for path in (out / "results").glob("*.json"):
        record = json.loads(path.read_text())
        results[record["notebook"].rsplit("/", 1)[-1].removesuffix(".ipynb")] = record
    try:
        server.accept()
        reached = True
    except BlockingIOError:
        reached = False
    server.close()
    strays = _processes_with(marker)
    outcome = {
        "mode": mode, "done": done, "results": results, "cases": cases, "reached": reached,
        "strays": strays, "folder": folder, "out": out, "host_tmp": host_tmp,
        "keras_home": keras_home,
    }
    yield outcome
    shutil.rmtree(folder, ignore_errors=True)


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{entry.path}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_submission_cannot_write_outside_its_folders_or_reach_the_network(graded):
    assert graded["done"].returncode == 0, graded["done"].stderr
    probe = graded["results"]["probe"]
    scores = [t["points"] for t in probe["tests"][:5]]
    assert not graded["reached"], "the submission reached a server on the loopback"
    assert (graded["keras_home"] / "datasets" / "probe.txt").read_text() == "d"
    assert not (graded["folder"] / "elsewhere.txt").exists()
    assert not os.path.exists(graded["host_tmp"])
    assert sorted(p.name for p in (graded["out"] / "results").iterdir()) == sorted(
        f"{r['key']}.json" for r in graded["results"].values()
    )
    isolation = probe["isolation"]
    if graded["mode"] == AS_IS and os.geteuid() != 0:
        # The fallback: sockets refused in-process, files as writable as the grader's.
        assert scores[1:3] == [15, 14], probe["tests"]
        assert isolation["network"].startswith("blocked in-process")
        return
    assert scores == [15, 15, 14, 14, 14], probe["tests"]
    assert isolation["network"] == "network namespace (no interfaces)"
    assert isolation["sandbox"] == SANDBOX.get(graded["mode"], "namespaces")
    if graded["mode"] == ORDINARY:
        assert isolation["files"].startswith("the grader's user in a user namespace")
    else:
        assert isolation["files"].startswith("a user id of its own; read-only")


def test_nothing_a_submission_starts_outlives_it(graded):
    assert graded["results"]["probe"]["status"] == "graded"
    assert graded["strays"] == []


@pytest.mark.parametrize("name", SUBSET)
def test_hostile_submissions_get_the_same_outcome_in_every_sandbox(graded, name):
    case = next(c for c in graded["cases"] if c.name == name)
    check(graded["results"][name], case)


def test_the_result_records_the_cpu_budget_of_two_workers(graded):
    cores = len(os.sched_getaffinity(0))
    threads = max(1, cores // 2)
    assert graded["results"]["good"]["isolation"]["cpu"].startswith(
        f"{threads} thread{'s' if threads != 1 else ''} for TensorFlow's"
    )
    cpu = graded["results"]["good"]["isolation"]["cpu"]
    assert f"({cores} cores, 2 submissions at once)" in cpu


def test_the_strongest_sandbox_the_privileges_allow_is_chosen(monkeypatch):
    from graders.grading import isolation

    facts = {"root": False, "namespaces": False, "userns": False, "bwrap": False,
             "setuid": False}
    monkeypatch.setattr(isolation.os, "geteuid", lambda: 0 if facts["root"] else 1000)
    monkeypatch.setattr(isolation, "namespaces_work", lambda: facts["namespaces"])
    monkeypatch.setattr(isolation, "user_namespace_works", lambda uid: facts["userns"])
    monkeypatch.setattr(isolation, "bubblewrap_works", lambda: facts["bwrap"])
    monkeypatch.setattr(isolation, "_has_capabilities", lambda *bits: facts["setuid"])
    monkeypatch.setattr(isolation, "blocked", lambda paths: [])

    def chosen(**given):
        facts.update(given)
        return isolation.choose_sandbox(1_000_000_001, ["/usr"])

    assert chosen() == isolation.NONE
    assert chosen(setuid=True) == isolation.USER_ID
    assert chosen(bwrap=True) == isolation.BUBBLEWRAP
    assert chosen(userns=True) == isolation.USER_NAMESPACE
    assert chosen(namespaces=True) == isolation.USER_NAMESPACE  # not root
    assert chosen(root=True) == isolation.NAMESPACES
    monkeypatch.setattr(isolation, "blocked", lambda paths: paths)
    assert chosen(root=False, userns=False, bwrap=False) == isolation.NONE


def test_bubblewrap_reports_a_death_by_signal_as_that_signal():
    import signal

    from graders.grading import isolation, supervise

    assert supervise._exit_code(128 + signal.SIGSEGV, isolation.BUBBLEWRAP) == -signal.SIGSEGV
    assert supervise._exit_code(7, isolation.BUBBLEWRAP) == 7
    assert supervise._exit_code(139, isolation.NAMESPACES) == 139


def test_with_only_cap_setuid_the_worker_still_gets_a_user_id_of_its_own(tmp_path):
    """The `user id` sandbox (CAP_SETUID, no user namespaces), applied in a child process:
    another user, who may write its working folder but not the grader's files, and whose
    sockets are refused."""
    require(NO_SYS_ADMIN)  # needs root, as the sandbox does
    from graders.grading import isolation

    workdir, grader_file = tmp_path / "work", tmp_path / "grader.txt"
    workdir.mkdir()
    grader_file.write_text("g")
    os.chmod(tmp_path, 0o755)
    plan = {"sandbox": isolation.USER_ID, "uid": 1_000_000_999, "workdir": str(workdir),
            "memory_mb": 1024, "disk_mb": 16, "cpu_s": 60, "parent": os.getpid(),
            "cpu": {"describe": "1 thread"}}
    child = os.fork()
    if child == 0:
        failed = 0
        try:
            applied = isolation.confine(plan)
            failed |= (os.getuid() != plan["uid"]) << 0
            failed |= (applied["sandbox"] != isolation.USER_ID) << 1
            with open("mine.txt", "w") as handle:  # its working folder
                handle.write("x")
            try:
                with open(grader_file, "a") as handle:
                    handle.write("x")
                failed |= 1 << 2
            except PermissionError:
                pass
            try:
                socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                failed |= 1 << 3
            except OSError:
                pass
        except BaseException:
            failed |= 1 << 4
        os._exit(failed)
    status = os.waitpid(child, 0)[1]
    assert os.waitstatus_to_exitcode(status) == 0
    assert grader_file.read_text() == "g"
    assert (workdir / "mine.txt").read_text() == "x"
