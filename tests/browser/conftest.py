"""Browser tests: a real JupyterLab server driven by Debian's Chromium through Playwright.

Fixtures:

* ``jupyter_server``: a JupyterLab on 127.0.0.1 (a free port, a token, no browser), its
  root a temporary folder holding copies of ``notebooks/`` and ``solutions/``, its config,
  data, runtime, settings and workspaces in throwaway folders;
* ``browser``: headless Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``);
* ``page``: a fresh Playwright sync Page (1400x1000) in its own context;
* ``screenshots``: the folder (a Path) screenshots go to (``$BROWSER_SCREENSHOTS``, else a
  temporary folder); the PNGs in it are listed at the end of the run.

These tests never skip: without Chromium or Playwright they fail, saying what is missing.
They are not part of ``nox -s tests``; ``nox -s browser`` runs them.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: JupyterLab user settings for a predictable page: every cell attached to the DOM (no
#: windowing, so off-screen cells can be read), the notebook's kernel started on opening
#: (what "Always start the preferred kernel" in the Select Kernel dialog sets), no news or
#: update checks.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none", "autoStartDefaultKernel": True,
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}
START_TIMEOUT_S = 60

_folders: list[Path] = []  # the screenshot folders of this run


@dataclass(frozen=True)
class JupyterServer:
    """A running JupyterLab: its base URL, its token and the folder it serves."""

    url: str
    token: str
    root: Path

    def lab_url(self, path: str) -> str:
        """The URL that opens path (relative to root) in JupyterLab, token included, in an
        empty workspace (reset: no tab of an earlier test restored beside it)."""
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(process: subprocess.Popen, url: str, token: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with status {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """A JupyterLab server on 127.0.0.1 serving copies of notebooks/ and solutions/."""
    base = tmp_path_factory.mktemp("jupyter")
    root = base / "root"
    for folder in ("notebooks", "solutions"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_*"))
    settings = base / "settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "IPYTHONDIR": str(base / "ipython"),
    }
    env.pop("MPLBACKEND", None)  # plots render inline, as a learner sees them
    port, token = _free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    log = base / "jupyter.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
                f"--port={port}", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                "--LabApp.extension_manager=readonly",  # no extension index queried
                *(["--allow-root"] if os.geteuid() == 0 else []),  # CI runs as root
            ],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(process, url, token, log)
        yield JupyterServer(url, token, root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium launched from the system's binary; fails when it is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright for Python is not installed: `pip install -e .` installs it.")
    if not CHROMIUM.is_file():
        pytest.fail(f"No Chromium at {CHROMIUM}: `apt-get install -y chromium` (or set CHROMIUM).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item (the page fixture reads it)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request: pytest.FixtureRequest, screenshots: Path):
    """A fresh page in a context of its own (cookies, storage), closed after the test.

    When the test fails, a screenshot of the page is kept as ``failed-<test>.png``.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    fresh = context.new_page()
    try:
        yield fresh
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            fresh.screenshot(path=screenshots / f"failed-{request.node.name}.png", full_page=True)
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the screenshots go: $BROWSER_SCREENSHOTS, else a new temporary folder."""
    chosen = os.environ.get("BROWSER_SCREENSHOTS")
    folder = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="browser-screenshots-"))
    folder.mkdir(parents=True, exist_ok=True)
    _folders.append(folder.resolve())
    return folder.resolve()


def pytest_terminal_summary(terminalreporter) -> None:
    """List the screenshots the run wrote, so CI logs say where the artifacts are."""
    shots = sorted(path for folder in _folders for path in folder.glob("*.png"))
    if shots:
        terminalreporter.section("screenshots")
        for path in shots:
            terminalreporter.write_line(str(path))
