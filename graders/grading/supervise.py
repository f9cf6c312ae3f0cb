"""Running one worker and watching it from the grader: time, memory, output, handover.

The grader starts the worker, writes it the job and token, then reads the handover pipe
and the worker's output (keeping only its tail) in two threads, while the calling
thread enforces the wall-clock limit and the memory limit (the resident memory of every
process of the worker's user id, or, where it has none of its own, of its process group and
descendants, read from /proc). When the worker ends, or is stopped, every process left under
its user id is killed (under bubblewrap, its PID namespace ends with it).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graders.grading import channel, isolation
from graders.grading.wire import Request
from graders.i18n import _

#: How much of the worker's output is kept: its last KEEP bytes.
KEEP = 32 * 1024
#: How often the memory watchdog looks, in seconds.
POLL_S = 0.1
#: User ids given to workers: one per grading run, never a real account's.
UID_BASE = 1_000_000_000
_counter = itertools.count()
_lock = threading.Lock()


@dataclass
class Outcome:
    """What one worker run left: its messages, and how and why it ended."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    channel_problem: str | None = None
    code: int | None = None
    stopped: str | None = None
    output_tail: bytes = b""
    output_bytes: int = 0
    #: The grader's monotonic clock when the worker was started, when each message arrived
    #: (one per message) and when the worker had ended.
    started: float = 0.0
    arrivals: list[float] = field(default_factory=list)
    ended: float = 0.0


def new_uid() -> int:
    """A user id for one grading run: unique among the runs of live grading processes."""
    with _lock:
        return UID_BASE + (os.getpid() % 2**20) * 1024 + next(_counter) % 1024


def _read_output(stream: Any, outcome: Outcome) -> None:
    tail = bytearray()
    while chunk := stream.read1(65536):
        outcome.output_bytes += len(chunk)
        tail += chunk
        del tail[:-KEEP]
    outcome.output_tail = bytes(tail)


def _read_channel(stream: Any, token: str, outcome: Outcome) -> None:
    outcome.messages, outcome.channel_problem = channel.receive(stream, token, outcome.arrivals)
    while stream.read(65536):  # keep draining, so the worker never blocks on a full pipe
        pass


def _proc_file(pid: str, name: str) -> bytes | None:
    """The raw bytes of /proc/PID/NAME, or None once the process is gone. Read with one
    system call: the watch reads every process's status ten times a second, and text
    decoding made that a few percent of a core (bench/RESULTS.md, section 1)."""
    try:
        fd = os.open(f"/proc/{pid}/{name}", os.O_RDONLY)
    except OSError:
        return None
    try:
        return os.read(fd, 16384)
    except OSError:
        return None
    finally:
        os.close(fd)


def _pids() -> list[str]:
    """The process ids in /proc, as its entries name them."""
    return [name for name in os.listdir("/proc") if name.isdigit()]


def _parents() -> dict[int, int]:
    """Each process's parent, from /proc."""
    parents = {}
    for pid in _pids():
        stat = _proc_file(pid, "stat")
        if stat is None:
            continue
        try:
            parents[int(pid)] = int(stat.rsplit(b")", 1)[1].split()[1])
        except (ValueError, IndexError):
            continue
    return parents


def _descendants(pid: int) -> set[int]:
    """pid and every process below it."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        todo += children.get(current, [])
    return found


def _resident_kb(status: bytes) -> int:
    """The VmRSS of a /proc status, in kB (0 for a process without memory of its own)."""
    start = status.find(b"\nVmRSS:")
    if start < 0:
        return 0
    try:
        return int(status[start + 7:].split(None, 1)[0])
    except (ValueError, IndexError):
        return 0


def _processes(uid: int | None, pgid: int) -> list[tuple[int, int]]:
    """(pid, resident kB) of each process of the user id (or, without one, of the process
    group pgid and every descendant of its leader)."""
    found = []
    below = _descendants(pgid) if uid is None else set()
    key = f"\nUid:\t{uid}\t".encode()
    for name in _pids():
        pid = int(name)
        if uid is None:
            try:
                if pid not in below and os.getpgid(pid) != pgid:
                    continue
            except OSError:
                continue
        status = _proc_file(name, "status")
        if status is None or (uid is not None and key not in status):
            continue
        found.append((pid, _resident_kb(status)))
    return found


def _kill_all(process: subprocess.Popen, uid: int | None) -> None:
    below = [pid for pid, _rss in _processes(None, process.pid)] if uid is None else []
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for pid in below:  # what left the process group (without a user id of its own)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if uid is not None:
        for _ in range(50):
            left = _processes(uid, process.pid)
            if not left:
                break
            for pid, _rss in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)


def _exit_code(code: int, sandbox: str) -> int:
    """The worker's own exit code: bwrap reports a death by signal N as 128 + N."""
    if sandbox == isolation.BUBBLEWRAP and 128 < code < 128 + signal.NSIG:
        return -(code - 128)
    return code


def _feed(stdin: Any, data: bytes, later: Callable[[], list[bytes]] | None = None) -> None:
    try:
        stdin.write(data)
        stdin.flush()
        for piece in later() if later is not None else ():
            stdin.write(piece)
        stdin.close()
    except OSError:
        pass  # the worker died at once; its exit code says why


def run_worker(
    request: Request,
    env: dict[str, str],
    timeout_s: float,
    module: str = "graders.grading.worker",
    later: Callable[[], list[bytes]] | None = None,
    stop: threading.Event | None = None,
) -> Outcome:
    """Run the worker (python -m module) on request (job and plan); never raises for what
    the worker does. With later, the request is one line, and the pieces later() returns (it
    may block) are written after it, then standard input is closed. Setting stop (an
    interrupted batch) stops the worker."""
    plan, token = request["plan"], channel.new_token()
    read_fd, write_fd = os.pipe()
    outcome = Outcome(started=time.monotonic())
    argv = [sys.executable, "-m", module, str(write_fd)]
    process = subprocess.Popen(
        isolation.command(plan, argv),
        cwd="/",
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(write_fd,),
        start_new_session=True,
    )
    os.close(write_fd)
    readers = [
        threading.Thread(target=_read_output, args=(process.stdout, outcome), daemon=True),
        threading.Thread(
            target=_read_channel, args=(os.fdopen(read_fd, "rb"), token, outcome), daemon=True
        ),
    ]
    for reader in readers:
        reader.start()
    first = json.dumps({**request, "token": token}).encode()
    if later is None:
        _feed(process.stdin, first)
    else:
        threading.Thread(
            target=lambda: _feed(process.stdin, first + b"\n", later), daemon=True
        ).start()
    uid, limit_kb = plan["uid"], plan["memory_mb"] * 1024
    deadline = time.monotonic() + timeout_s
    while process.poll() is None:
        if stop is not None and stop.is_set():
            outcome.stopped = _("stopped: the batch was interrupted")
        elif time.monotonic() > deadline:
            outcome.stopped = _("stopped after the time limit of {seconds:g} s").format(
                seconds=timeout_s
            )
        elif sum(rss for _pid, rss in _processes(uid, process.pid)) > limit_kb:
            outcome.stopped = _("stopped for using more than {memory} MiB of memory").format(
                memory=plan["memory_mb"]
            )
        if outcome.stopped:
            break
        time.sleep(POLL_S)
    _kill_all(process, uid)
    outcome.code = _exit_code(process.wait(), plan["sandbox"])
    for reader in readers:
        reader.join(timeout=10)
    outcome.ended = time.monotonic()
    return outcome
