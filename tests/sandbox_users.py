"""Running the grader as the users an instructor runs it as: an ordinary user, and root
without CAP_SYS_ADMIN (as in a default container). Setting them up needs root; each
prerequisite that is missing fails the test in CI (CI=true) and skips it elsewhere."""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from graders.grading import isolation

#: The account the ordinary-user runs use (created when missing).
USER = "graders-sandbox-test"
#: How the grader is started in each mode: as the test runs (root in CI), as root without
#: CAP_SYS_ADMIN, as an ordinary user.
AS_IS, NO_SYS_ADMIN, ORDINARY = "as is", "root without CAP_SYS_ADMIN", "ordinary user"
MODES = (AS_IS, NO_SYS_ADMIN, ORDINARY)
#: The tools each mode needs (Debian: libcap2-bin, bubblewrap, passwd, util-linux).
TOOLS = {AS_IS: (), NO_SYS_ADMIN: ("capsh",), ORDINARY: ("bwrap", "useradd", "setpriv", "unshare")}


def require(mode: str) -> None:
    """Fail (in CI) or skip (elsewhere) unless this machine can run the grader in mode."""
    missing = [tool for tool in TOOLS[mode] if shutil.which(tool) is None]
    problem = None
    if mode != AS_IS and os.geteuid() != 0:
        problem = f"setting up a run as {mode} needs root"
    elif missing:
        problem = f"a run as {mode} needs {', '.join(missing)} (apt-get install bubblewrap " \
            "libcap2-bin)"
    if problem is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(problem)
    pytest.skip(problem)


def ordinary_user() -> pwd.struct_passwd:
    """The test account, created (no home, no login shell) if it does not exist."""
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", USER], check=True)
        return pwd.getpwnam(USER)


def shared_folder(owner: pwd.struct_passwd | None) -> Path:
    """A fresh folder under /tmp the grader's user owns (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="graders-sandbox-"))
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    return folder


def _readable_view(paths: list[str], stash: Path) -> list[str]:
    """Shell lines that, in a mount namespace of the test's own, hide each folder other
    users cannot enter (such as /root, where pyenv keeps the interpreter) under an empty
    tmpfs and bind the given paths back read-only: the Python the ordinary user may read."""
    lines, hidden = [], {}
    for n, path in enumerate(sorted(set(paths))):
        real, blocker = str(Path(path).resolve()), isolation._blocker(path)
        if blocker is not None:
            keep = stash / str(n)
            keep.mkdir()
            lines.append(f"mount --bind {shlex.quote(real)} {keep}")
            hidden.setdefault(blocker, []).append((real, keep))
    for blocker, inside in hidden.items():
        lines.append(f"mount -t tmpfs -o mode=0755,size=1m tmpfs {shlex.quote(blocker)}")
        for real, keep in inside:
            lines += [f"mkdir -p {shlex.quote(real)}", f"mount --bind {keep} {shlex.quote(real)}",
                      f"mount -o remount,bind,ro {shlex.quote(real)}"]
    return lines


def command(mode: str, argv: list[str], readable: list[str], folder: Path) -> list[str]:
    """argv started in mode; readable are paths the ordinary user must be able to read."""
    if mode == AS_IS:
        return argv
    if mode == NO_SYS_ADMIN:
        return ["capsh", "--drop=cap_sys_admin", "--", "-c", "exec " + shlex.join(argv)]
    user = ordinary_user()
    stash = folder / ".stash"
    stash.mkdir()
    needed = [sys.base_prefix, sys.prefix, *readable]
    script = ["set -e", *_readable_view(needed, stash),
              f"exec setpriv --reuid={user.pw_uid} --regid={user.pw_gid} --clear-groups -- "
              + shlex.join(argv)]
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", "\n".join(script)]
