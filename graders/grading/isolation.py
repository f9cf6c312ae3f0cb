"""Confining the worker before any learner code runs: network, file system, user, limits.

As root (the usual case for a grading machine or CI), the worker moves into a network
namespace of its own (no interface but a down loopback) and a mount namespace where the
whole file system is read-only except fresh size-capped tmpfs folders on /tmp, /var/tmp
and /dev/shm; the shared dataset caches are bind-mounted read-only into it; then it sets
hard resource limits and becomes a user id of its own (no passwd entry, no groups, no new
privileges). Without root it keeps the same user and blocks sockets in-process.
``confine`` returns which of these applied, for the report.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from pathlib import Path
from typing import Any

CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT = 1, 2, 4, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SYS_MOUNT_SETATTR, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 442, 0x8000, 0x1

#: Inside the namespace: the learner's working folder and the read-only dataset caches.
WORKDIR = "/tmp/submission"
CACHE = "/tmp/cache"
#: Where a write can land, each a tmpfs of its own (the first is also the working folder's).
WRITABLE = ("/tmp", "/var/tmp", "/dev/shm")

_libc = ctypes.CDLL(None, use_errno=True)


class ConfinementError(Exception):
    """A confinement step failed (the worker then refuses to run the submission)."""


def _call(name: str, *args: Any) -> None:
    if getattr(_libc, name)(*args) != 0:
        errno = ctypes.get_errno()
        raise ConfinementError(f"{name} failed: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    _call(
        "mount",
        source.encode() if source else None,
        target.encode(),
        fstype.encode() if fstype else None,
        ctypes.c_ulong(flags),
        data.encode() if data else None,
    )


def _read_only_root() -> None:
    """Make every mount read-only in this namespace (one recursive call where supported)."""

    class MountAttr(ctypes.Structure):
        _fields_ = [("set", ctypes.c_uint64), ("clr", ctypes.c_uint64),
                    ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]

    attr = MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    done = _libc.syscall(SYS_MOUNT_SETATTR, -100, b"/", AT_RECURSIVE, ctypes.byref(attr),
                         ctypes.sizeof(attr))
    if done == 0:
        return
    for line in Path("/proc/self/mounts").read_text().splitlines():
        target = line.split()[1].replace("\\040", " ")
        try:
            _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY)
        except ConfinementError:
            pass  # some pseudo file systems refuse; the rest is what matters


def _blocker(path: str) -> str | None:
    """The topmost folder above path that other users cannot enter, if any."""
    parts = Path(path).resolve().parts
    for n in range(2, len(parts) + 1):
        folder = os.path.join(*parts[:n])
        if not os.stat(folder).st_mode & 0o001:
            return folder
    return None


def _reveal(paths: list[str]) -> None:
    """Hide each folder other users cannot enter (such as /root) under an empty tmpfs, then
    bind back, read-only, just the paths the worker needs from inside it."""
    hidden: dict[str, list[tuple[str, int]]] = {}
    for path in paths:
        blocker = _blocker(path)
        if blocker is not None:
            real = str(Path(path).resolve())
            hidden.setdefault(blocker, []).append((real, os.open(real, os.O_PATH)))
    for blocker, inside in hidden.items():
        _mount("tmpfs", blocker, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
        for real, fd in inside:
            _bind_read_only(fd, real)


def namespaces_work() -> bool:
    """Whether this process may make network and mount namespaces (tried in a child)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if _libc.unshare(CLONE_NEWNS | CLONE_NEWNET) == 0 else 1)
    return os.waitpid(pid, 0)[1] == 0


def _bind_read_only(fd: int, target: str) -> None:
    """Bind the folder open as fd at target, read-only (fd opened before it was hidden)."""
    os.makedirs(target, mode=0o755, exist_ok=True)
    _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
    _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.close(fd)


def _namespaces(plan: dict[str, Any]) -> None:
    _call("unshare", CLONE_NEWNS | CLONE_NEWNET)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _read_only_root()
    # Open what must stay visible before tmpfs folders hide it.
    caches = {
        name: os.open(source, os.O_PATH)
        for name, source in plan["caches"].items()
        if os.path.isdir(source)
    }
    under_tmp = {
        str(Path(path).resolve()): os.open(path, os.O_PATH)
        for path in plan["reveal"]
        if any(Path(path).resolve().is_relative_to(folder) for folder in WRITABLE)
    }
    _reveal(plan["reveal"])
    disk = f"size={plan['disk_mb']}m,mode=1777"
    for folder in WRITABLE:
        if os.path.isdir(folder):
            _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, disk)
    for path, fd in under_tmp.items():
        _bind_read_only(fd, path)
    uid = plan["uid"]
    for folder in (WORKDIR, f"{CACHE}/keras"):
        os.makedirs(folder, mode=0o700)
        os.chown(folder, uid, uid)
    for name, fd in caches.items():
        _bind_read_only(fd, f"{CACHE}/{name}")


def _limits(plan: dict[str, Any]) -> None:
    memory = plan["memory_mb"] * 2**20
    for limit, value in (
        (resource.RLIMIT_DATA, memory),
        (resource.RLIMIT_FSIZE, plan["disk_mb"] * 2**20),
        (resource.RLIMIT_CPU, plan["cpu_s"]),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(limit, (value, value))


def _drop_privileges(uid: int) -> None:
    resource.setrlimit(resource.RLIMIT_NPROC, (4096, 4096))
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def _block_sockets() -> None:
    """The in-process fallback: every new socket but a Unix one fails."""
    import socket

    class Blocked(OSError):
        pass

    original = socket.socket.__init__

    def refuse(self, family=socket.AF_INET, *args, **kwargs):  # noqa: ANN001
        if family != socket.AF_UNIX:
            raise Blocked(101, "Network is unreachable (blocked by the grader)")
        original(self, family, *args, **kwargs)

    socket.socket.__init__ = refuse  # type: ignore[method-assign]


def confine(plan: dict[str, Any]) -> dict[str, str]:
    """Apply the plan (from the grader's job) to this process; returns what applied."""
    root = os.geteuid() == 0 and plan.get("uid") is not None
    if root:
        _namespaces(plan)
        _limits(plan)
        os.chdir(WORKDIR)
        _drop_privileges(plan["uid"])
        applied = {
            "network": "network namespace (no interfaces)",
            "files": "a user id of its own; read-only file system but tmpfs /tmp, /var/tmp, "
            f"/dev/shm ({plan['disk_mb']} MiB each)",
        }
    else:
        _limits(plan)
        os.chdir(plan["workdir"])
        _block_sockets()
        applied = {
            "network": "blocked in-process (sockets refused; not enforced by the OS)",
            "files": "same user as the grader (write access not restricted)",
        }
    _call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != plan["parent"]:
        os._exit(1)  # the grader is already gone
    applied["memory"] = (
        f"{plan['memory_mb']} MiB: RLIMIT_DATA in the process, resident memory watched by "
        "the grader"
    )
    return applied


def environment(plan: dict[str, Any], seed: int) -> dict[str, str]:
    """The worker's whole environment: nothing of the grader's but PATH and locale."""
    keep = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    if plan.get("uid") is not None:
        home = WORKDIR
        env.update(TMPDIR="/tmp", KERAS_HOME=f"{CACHE}/keras", XDG_CACHE_HOME=CACHE)
    else:  # the shared caches are read in place
        home = plan["workdir"]
        caches = plan["caches"]
        env.update(
            TMPDIR=home,
            KERAS_HOME=str(Path(caches["keras/datasets"]).parent),
            XDG_CACHE_HOME=str(Path(caches["scipy-data"]).parent),
        )
    env.update(
        HOME=home,
        MPLCONFIGDIR=f"{home}/.matplotlib",
        MPLBACKEND="Agg",
        PYTHONHASHSEED=str(seed),
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env
