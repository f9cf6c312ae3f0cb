"""Execute course notebooks as Google Colab would, in the environment `nox -s colab` built.

Run with that environment's Python (3.13, Colab's package versions). Per run:

* the working tree is committed to a throwaway git repository, and a throwaway HOME's
  git config maps the course's public clone URL to it (``url.<local>.insteadOf``), so the
  setup cells really clone and pip-install the course, exactly as in Colab;
* ``/content``, Colab's working folder where the setup cell clones, is a private tmpfs
  (a mount namespace of this process; needs root; an empty ``/content`` is left on the
  machine when there was none, as the mount point);
* the kernel imports ``google.colab`` (the stub in tests/colab/stub) at start, like Colab;
* datasets come from ``$C1_DATA_MIRROR`` when set, into the throwaway HOME's Keras cache.

Each notebook runs top to bottom with errors not allowed; then the checks below: no
TensorFlow log lines on stderr, the test cells' verdicts, the setup cell's re-run
(pull, one sys.path entry), a test cell in Spanish after ``%env GRADERS_LANG=es`` (the
catalogue read with Colab's own Babel) and the setup cell's message when the clone fails.
Usage: python tests/colab/run.py ROOT CLONE_URL NOTEBOOK...
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

CONTENT = Path("/content")
CHECKOUT = CONTENT / "intro-to-tensorflow"
NOISE = re.compile(
    r"oneDNN|cuda drivers|cuInit|absl::InitializeLog|cpu_feature_guard|use_unbounded_threadpool"
    r"|did not fully read the dataset being cached|new release of pip",
    re.IGNORECASE,
)
_CHECK = re.compile(r'check_exercise\(\s*"[^"]+",\s*"([^"]+)"\s*\)')


def main(argv: list[str]) -> int:
    root, public_url = Path(argv[0]).resolve(), argv[1]
    notebooks = [Path(p) for p in argv[2:]]
    private_content()
    with tempfile.TemporaryDirectory(prefix="colab-") as tmp:
        home = Path(tmp) / "home"
        repository = snapshot(root, Path(tmp) / "repository")
        env = colab_env(home, public_url, repository)
        failures: list[str] = []
        for path in notebooks:
            started = time.monotonic()
            problems = run_notebook(root / path, env)
            took = time.monotonic() - started
            print(f"{'FAIL' if problems else 'ok  '} {path} ({took:.0f} s)", flush=True)
            failures += [f"{path}: {problem}" for problem in problems]
        failures += check_rerun(root / notebooks[0], env)
        failures += check_spanish(root / notebooks[0], env)
        failures += check_clone_failure(root / notebooks[0], env, public_url, Path(tmp) / "none")
    for failure in failures:
        print(f"  {failure}")
    print(f"colab: {len(notebooks)} notebooks, {len(failures)} problem(s)")
    return 1 if failures else 0


def private_content() -> None:
    """Make /content a tmpfs seen only by this process and its children."""
    if os.geteuid() != 0:
        sys.exit("colab: needs root, to mount a private /content (Colab's working folder)")
    os.unshare(os.CLONE_NEWNS)
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    CONTENT.mkdir(exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(CONTENT)], check=True)


def snapshot(root: Path, target: Path) -> Path:
    """A git repository holding the working tree as it is (tracked and untracked files)."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = root / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git = ["git", "-C", str(target), "-c", "user.name=colab", "-c", "user.email=colab@localhost"]
    subprocess.run([*git, "init", "--quiet", "--initial-branch=main"], check=True)
    subprocess.run([*git, "add", "--all"], check=True)
    subprocess.run([*git, "commit", "--quiet", "--message", "working tree"], check=True)
    return target


def colab_env(home: Path, public_url: str, repository: Path) -> dict[str, str]:
    """The kernel's environment: a fresh HOME whose git config maps public_url locally."""
    (home / ".ipython" / "profile_default" / "startup").mkdir(parents=True)
    (home / ".ipython" / "profile_default" / "startup" / "00-colab.py").write_text(
        "import google.colab  # Colab imports it at kernel start\n"
    )
    set_clone_source(home, public_url, repository)
    keep = ("PATH", "LANG", "LC_ALL", "C1_DATA_MIRROR", "TZ")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(HOME=str(home), MPLBACKEND="Agg", PIP_NO_INPUT="1")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # debugpy's notice at kernel start
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


def set_clone_source(home: Path, public_url: str, repository: Path) -> None:
    """Point git's clones of public_url at repository (a local folder)."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text(
        f'[url "file://{repository}"]\n\tinsteadOf = {public_url}\n'
        "[user]\n\tname = colab\n\temail = colab@localhost\n"
    )


def execute(nb: nbformat.NotebookNode, env: dict[str, str], errors: bool = False) -> None:
    client = NotebookClient(nb, timeout=900, allow_errors=errors, kernel_name="python3")
    client.execute(cwd=str(CONTENT), env=env)


def text(cell: nbformat.NotebookNode, stream: str) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == stream:
            parts.append(output.text)
        elif stream == "stdout" and output.output_type in ("display_data", "execute_result"):
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def run_notebook(path: Path, env: dict[str, str]) -> list[str]:
    """Execute one notebook; what went wrong (an empty list when nothing did)."""
    nb = nbformat.read(path, as_version=4)
    try:
        execute(nb, env)
    except CellExecutionError as error:
        return [f"a cell raised: {str(error)[-1500:]}"]
    problems = []
    solved = path.parts[-3] == "solutions"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        noise = NOISE.findall(text(cell, "stderr") + text(cell, "stdout"))
        if noise:
            problems.append(f"cell {cell.id} printed {sorted(set(noise))}")
        found = _CHECK.search(cell.source)
        if found is None:
            continue
        verdict = text(cell, "stdout")
        if found.group(1) not in verdict:
            problems.append(f"test cell {cell.id} shows no result: {verdict!r}")
        elif solved and "failed" in verdict:
            problems.append(f"test cell {cell.id} failed on the solution: {verdict!r}")
        elif not solved and "Not implemented yet" not in verdict:
            problems.append(f"test cell {cell.id} on the template: {verdict!r}")
    if not (CHECKOUT / ".git").is_dir():
        problems.append(f"the setup cell did not clone the course into {CHECKOUT}")
    return problems


def setup_only(path: Path, *extra: str) -> nbformat.NotebookNode:
    """A notebook of path's setup cell, then the extra code cells."""
    nb = nbformat.read(path, as_version=4)
    setup = next(cell for cell in nb.cells if cell.get("id") == "colab-setup")
    nb.cells = [setup, *(nbformat.v4.new_code_cell(source) for source in extra)]
    return nb


def check_rerun(path: Path, env: dict[str, str]) -> list[str]:
    """Running the setup cell twice pulls the clone and adds it to sys.path once."""
    nb = setup_only(path, "", "import sys\nprint(sys.path.count(checkout))")
    nb.cells[1].source = nb.cells[0].source
    try:
        execute(nb, env)
    except CellExecutionError as error:
        return [f"re-running the setup cell raised: {str(error)[-1500:]}"]
    counted = text(nb.cells[2], "stdout").strip()
    shown = "".join(text(cell, "stdout") + text(cell, "stderr") for cell in nb.cells[:2])
    problems = [] if counted == "1" else [f"the checkout is {counted} times on sys.path"]
    if shown.strip():
        problems.append(f"the setup cell printed {shown!r}")
    return problems


def check_spanish(path: Path, env: dict[str, str]) -> list[str]:
    """After `%env GRADERS_LANG=es` (what every notebook's first cell tells a learner), a
    test cell answers in Spanish, in text and in HTML."""
    check = 'from graders.selfcheck import check_exercise\ncheck_exercise("C1W1")'
    nb = setup_only(path, "%env GRADERS_LANG=es", check)
    try:
        execute(nb, env)
    except CellExecutionError as error:
        return [f"a test cell in Spanish raised: {str(error)[-1500:]}"]
    shown = [o.data for o in nb.cells[2].outputs if o.output_type == "display_data"]
    spanish = "no está definido"
    if not shown or not all(spanish in shown[0].get(kind, "") for kind in ("text/plain",
                                                                            "text/html")):
        return [f"a test cell after %env GRADERS_LANG=es showed {nb.cells[2].outputs!r}"]
    return []


def check_clone_failure(
    path: Path, env: dict[str, str], public_url: str, missing: Path
) -> list[str]:
    """With the course unreachable, the setup cell says so in one clear error."""
    shutil.rmtree(CHECKOUT, ignore_errors=True)
    set_clone_source(Path(env["HOME"]), public_url, missing)
    nb = setup_only(path)
    execute(nb, env, errors=True)
    errors = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    if not errors or errors[0].ename != "RuntimeError":
        return [f"a failed clone showed {nb.cells[0].outputs!r}"]
    if "Could not download the course" not in errors[0].evalue:
        return [f"a failed clone said {errors[0].evalue!r}"]
    return []


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
