"""Confining the worker before any learner code runs: network, file system, user, limits.

``choose_sandbox`` picks the strongest sandbox the grader's privileges allow:

* ``namespaces`` (root with CAP_SYS_ADMIN, the usual grading machine or CI): the worker
  moves into a network namespace of its own (no interface but a down loopback) and a mount
  namespace where the whole file system is read-only except fresh size-capped tmpfs folders
  on /tmp, /var/tmp and /dev/shm; the shared dataset caches are bind-mounted read-only into
  it; then it sets hard resource limits and becomes a user id of its own (no passwd entry,
  no groups, no new privileges).
* ``user namespace`` (root without CAP_SYS_ADMIN, as in a default container): the same,
  inside a user namespace whose map (root and the worker's own user id) the worker's helper
  child writes with CAP_SETUID/CAP_SETGID.
* ``bubblewrap`` (an ordinary user, where the kernel allows unprivileged user namespaces):
  the grader starts the worker under ``bwrap`` (``command``): network, mount, PID and IPC
  namespaces of its own, the same read-only view with tmpfs folders.
* ``user id`` (CAP_SETUID but no user namespaces): only a user id of its own, and sockets
  blocked in-process.
* ``none``: the grader's own user, sockets blocked in-process.

``confine`` returns which of these applied, for the report.
"""

from __future__ import annotations

import ctypes
import functools
import os
import resource
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

from graders.grading.wire import Plan
from graders.i18n import _, language

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUSER = 0x00020000, 0x40000000, 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT = 1, 2, 4, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
SYS_MOUNT_SETATTR, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 442, 0x8000, 0x1

CAP_SETGID, CAP_SETUID = 6, 7

#: The sandboxes, strongest first (the plan's "sandbox").
NAMESPACES, USER_NAMESPACE, BUBBLEWRAP, USER_ID, NONE = (
    "namespaces", "user namespace", "bubblewrap", "user id", "none"
)
#: The sandboxes that give the worker its own file system view (WORKDIR, CACHE).
OWN_VIEW = (NAMESPACES, USER_NAMESPACE, BUBBLEWRAP)
#: The sandboxes that give the worker a user id of its own.
OWN_USER = (NAMESPACES, USER_NAMESPACE, USER_ID)

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
        raise ConfinementError(
            _("{call} failed: {reason}").format(call=name, reason=os.strerror(errno))
        )


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


def _probe(step: Any, *args: Any) -> bool:
    """Whether step(*args) succeeds in a child process (namespaces are never undone)."""
    pid = os.fork()
    if pid == 0:
        try:
            step(*args)
            os._exit(0)
        except BaseException:
            os._exit(1)
    return os.waitpid(pid, 0)[1] == 0


def namespaces_work() -> bool:
    """Whether this process may make network and mount namespaces (tried in a child)."""
    return _probe(_call, "unshare", CLONE_NEWNS | CLONE_NEWNET)


def _has_capabilities(*bits: int) -> bool:
    """Whether this process has every one of the capabilities (numbers) in effect."""
    status = Path("/proc/self/status").read_text()
    line = next(ln for ln in status.splitlines() if ln.startswith("CapEff:"))
    effective = int(line.split()[1], 16)
    return all(effective >> bit & 1 for bit in bits)


def _enter_user_namespace(uid: int) -> None:
    """Move into a new user namespace where root and uid are themselves: a child that stays
    outside (and keeps CAP_SETUID and CAP_SETGID there) writes the map."""
    ready_read, ready_write = os.pipe()
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        os.close(ready_write)
        os.read(ready_read, 1)
        try:  # plain system calls: this child may be forked from a threaded process
            for name in ("uid_map", "gid_map"):
                fd = os.open(f"/proc/{parent}/{name}", os.O_WRONLY)
                os.write(fd, f"0 0 1\n{uid} {uid} 1\n".encode())
                os.close(fd)
        except OSError:
            os._exit(1)
        os._exit(0)
    os.close(ready_read)
    try:
        _call("unshare", CLONE_NEWUSER)
    finally:
        os.write(ready_write, b"x")
        os.close(ready_write)
        written = os.waitpid(child, 0)[1] == 0
    if not written:
        raise ConfinementError(_("the user namespace's map could not be written"))


def _user_namespace_then_namespaces(uid: int) -> None:
    _enter_user_namespace(uid)
    _call("unshare", CLONE_NEWNS | CLONE_NEWNET)


def user_namespace_works(uid: int) -> bool:
    """Whether this process may make a user namespace that maps uid, and network and mount
    namespaces in it (tried in a child)."""
    return _has_capabilities(CAP_SETUID, CAP_SETGID) and _probe(
        _user_namespace_then_namespaces, uid
    )


@functools.cache
def _bwrap() -> tuple[str, ...] | None:
    """bwrap and its options common to every run, or None where it cannot sandbox here."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    base = [path, "--unshare-all", "--unshare-user", "--die-with-parent"]
    try:
        usage = subprocess.run([path, "--help"], capture_output=True, text=True).stdout
        if "--disable-userns" in usage:  # bubblewrap 0.8: no nested user namespaces
            base.append("--disable-userns")
        tried = subprocess.run([*base, "--ro-bind", "/", "/", "--proc", "/proc", "--dev",
                                "/dev", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return tuple(base) if tried.returncode == 0 else None


def bubblewrap_works() -> bool:
    """Whether bwrap is installed and may make its namespaces for this user."""
    return _bwrap() is not None


def blocked(paths: list[str]) -> list[str]:
    """The paths another user could not reach (a folder above them is closed to others)."""
    return [path for path in paths if os.path.exists(path) and _blocker(path) is not None]


def choose_sandbox(uid: int, needed: list[str]) -> str:
    """The strongest sandbox this process can give a worker (see the module's docstring);
    needed are the paths the worker reads (the interpreter, the course, the caches)."""
    if os.geteuid() == 0 and namespaces_work():
        return NAMESPACES
    if user_namespace_works(uid):
        return USER_NAMESPACE
    if bubblewrap_works():
        return BUBBLEWRAP
    if _has_capabilities(CAP_SETUID, CAP_SETGID) and not blocked(needed):
        return USER_ID
    return NONE


def command(plan: Plan, argv: list[str]) -> list[str]:
    """The command that starts argv in the plan's sandbox (bwrap's, for bubblewrap)."""
    if plan["sandbox"] != BUBBLEWRAP:
        return argv
    base = _bwrap() or ("bwrap",)  # cached: it worked when the sandbox was chosen
    size = str(plan["disk_mb"] * 2**20)
    wrapped = [*base, "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
    for folder in WRITABLE:
        wrapped += ["--size", size, "--perms", "1777", "--tmpfs", folder]
    wrapped += ["--dir", WORKDIR]
    for name, source in plan["caches"].items():  # see datasets.paths.worker_caches
        if source is None:
            wrapped += ["--dir", f"{CACHE}/{name}"]
        elif os.path.isdir(source):
            wrapped += ["--ro-bind", source, f"{CACHE}/{name}"]
    return [*wrapped, "--chdir", WORKDIR, "--", *argv]


def _bind_read_only(fd: int, target: str) -> None:
    """Bind the folder open as fd at target, read-only (fd opened before it was hidden)."""
    os.makedirs(target, mode=0o755, exist_ok=True)
    _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
    _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.close(fd)


def _namespaces(plan: Plan) -> None:
    _call("unshare", CLONE_NEWNS | CLONE_NEWNET)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _read_only_root()
    # Open what must stay visible before tmpfs folders hide it.
    caches = {
        name: os.open(source, os.O_PATH)
        for name, source in plan["caches"].items()
        if source is not None and os.path.isdir(source)
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
    uid = _own_uid(plan)
    own = [f"{CACHE}/{name}" for name, source in plan["caches"].items() if source is None]
    for folder in (WORKDIR, *own):
        os.makedirs(folder, mode=0o700)
        os.chown(folder, uid, uid)
    for name, fd in caches.items():
        _bind_read_only(fd, f"{CACHE}/{name}")


def _own_uid(plan: Plan) -> int:
    """The plan's user id, which every sandbox of OWN_USER has (runner._plan gives it)."""
    uid = plan["uid"]
    assert uid is not None, plan["sandbox"]
    return uid


def _limits(plan: Plan) -> None:
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
    unreachable = _("Network is unreachable (blocked by the grader)")  # before learner code

    def refuse(self, family=socket.AF_INET, *args, **kwargs):  # noqa: ANN001
        if family != socket.AF_UNIX:
            raise Blocked(101, unreachable)
        original(self, family, *args, **kwargs)

    socket.socket.__init__ = refuse  # type: ignore[method-assign]


def _applied(plan: Plan) -> dict[str, str]:
    """What the plan's sandbox gives, in words (in the grader's language), for the result."""
    sandbox, disk = plan["sandbox"], plan["disk_mb"]
    own_network = _("network namespace (no interfaces)")
    blocked = _("blocked in-process (sockets refused; not enforced by the OS)")
    own_user_killed = _("every process of its user id is killed when it ends")
    if sandbox in (NAMESPACES, USER_NAMESPACE):
        applied = {"network": own_network,
                   "files": _("a user id of its own; read-only file system but tmpfs /tmp, "
                              "/var/tmp, /dev/shm ({disk} MiB each)").format(disk=disk),
                   "processes": own_user_killed}
    elif sandbox == BUBBLEWRAP:
        applied = {"network": own_network,
                   "files": _("the grader's user in a user namespace (bubblewrap); read-only "
                              "file system but tmpfs /tmp, /var/tmp, /dev/shm ({disk} MiB "
                              "each)").format(disk=disk),
                   "processes": _("a PID namespace of its own: nothing it starts outlives it")}
    elif sandbox == USER_ID:
        applied = {"network": blocked,
                   "files": _("a user id of its own (it may write where every user may, such "
                              "as /tmp; no user namespaces here)"),
                   "processes": own_user_killed}
    else:
        applied = {"network": blocked,
                   "files": _("same user as the grader (write access not restricted)"),
                   "processes": _("its process group and children are killed when it ends")}
    return {"sandbox": sandbox, **applied}


def confine(plan: Plan) -> dict[str, str]:
    """Apply the plan (from the grader's job) to this process; returns what applied."""
    sandbox = plan["sandbox"]
    if sandbox in (NAMESPACES, USER_NAMESPACE):
        if sandbox == USER_NAMESPACE:
            _enter_user_namespace(_own_uid(plan))
        _namespaces(plan)
        _limits(plan)
        os.chdir(WORKDIR)
        _drop_privileges(_own_uid(plan))
    elif sandbox == BUBBLEWRAP:  # bwrap made the namespaces and the working folder
        _limits(plan)
        hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
        cap = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
        resource.setrlimit(resource.RLIMIT_NPROC, (cap, cap))  # no fork bomb
    elif sandbox == USER_ID:
        _limits(plan)
        uid = _own_uid(plan)
        os.chown(plan["workdir"], uid, uid)
        os.chdir(plan["workdir"])
        _drop_privileges(uid)
        _block_sockets()
    else:
        _limits(plan)
        os.chdir(plan["workdir"])
        _block_sockets()
    _call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # Under bwrap the parent is the sandbox's own init, which dies with the grader.
    if sandbox != BUBBLEWRAP and os.getppid() != plan["parent"]:
        os._exit(1)  # the grader is already gone
    applied = _applied(plan)
    applied["memory"] = _(
        "{memory} MiB: RLIMIT_DATA in the process, resident memory watched by the grader"
    ).format(memory=plan["memory_mb"])
    applied["cpu"] = plan["cpu"]["describe"]
    return applied


def environment(plan: Plan, seed: int) -> dict[str, str]:
    """The worker's whole environment: nothing of the grader's but PATH and locale, plus
    the CPU budget (TensorFlow's and OpenMP's thread counts, read when they start)."""
    from graders.datasets.paths import worker_caches

    keep = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    own_view = plan["sandbox"] in OWN_VIEW  # else the shared caches are read in place
    home = WORKDIR if own_view else plan["workdir"]
    env["TMPDIR"] = "/tmp" if own_view else home
    env.update(worker_caches(CACHE if own_view else None)[1])
    env.update(
        GRADERS_LANG=language(),  # the feedback the worker writes is in the grader's language
        HOME=home,
        MPLCONFIGDIR=f"{home}/.matplotlib",
        MPLBACKEND="Agg",
        PYTHONHASHSEED=str(seed),
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONDONTWRITEBYTECODE="1",
        **plan["cpu"]["environment"],
    )
    return env
