"""Driving a notebook in JupyterLab as a learner does: open it, Run All, read what shows.

Everything goes through the page (menus, clicks, keys) and is read back from the DOM, so
the tests see what the learner sees. The notebook's cells are all in the DOM because the
test server turns JupyterLab's windowing off (see conftest.LAB_SETTINGS).
"""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KERNEL_START_MS = 90_000
#: The notebook panel on show (the tab in front).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

#: Each cell as shown: kind, prompt, outputs (mime type and text) and, for a self-check,
#: the rows of its result table and its summary line.
_READ_CELLS = """() => [
  ...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')
].map(cell => ({
    code: cell.classList.contains('jp-CodeCell'),
    prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
    editor: (cell.querySelector('.cm-content') || {}).innerText || '',
    outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
      mime: o.getAttribute('data-mime-type') || '', text: o.innerText,
    })),
    rows: [...cell.querySelectorAll('table.graders-check-table tbody tr')].map(r => ({
      status: r.className.replace('graders-', ''), text: r.innerText,
      columns: [...r.cells].map(c => c.innerText),
    })),
    summary: (cell.querySelector('.graders-summary') || {}).innerText || null,
  }))"""

#: The execution counts the open notebook's code cells show ([3]: is 3; none is 0).
_COUNTS = """() => [...document.querySelectorAll(
  '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
  .map(p => { const m = p.textContent.match(/\\d+/); return m ? Number(m[0]) : 0; })"""

#: True once a Run All started after count `since` is over: the first code cell ran again,
#: no cell runs or waits ([*]), the kernel is idle.
_RUN_OVER = """since => {
  const prompts = [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
  const first = prompts.length ? prompts[0].match(/\\d+/) : null;
  const status = document.querySelector(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
  return first !== null && Number(first[0]) > since && !prompts.some(p => p.includes('*'))
    && status !== null && status.getAttribute('data-status') === 'idle';
}"""


@dataclass(frozen=True)
class Cell:
    """One cell as the page shows it."""

    index: int
    code: bool
    prompt: str
    editor: str
    outputs: list[dict[str, str]]
    rows: list[dict[str, str]]
    summary: str | None

    @property
    def ran(self) -> bool:
        """Whether the cell shows an execution count ([1]:)."""
        return any(ch.isdigit() for ch in self.prompt)


def open_notebook(page: Any, server: Any, path: str) -> None:
    """Open path in JupyterLab and wait until its kernel has started and is idle."""
    page.goto(server.lab_url(path))
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
    deadline = time.monotonic() + KERNEL_START_MS / 1000
    while kernel_state(server, path) != "idle":
        assert time.monotonic() < deadline, f"no idle kernel for {path} on the server"
        time.sleep(0.5)
    page.wait_for_selector(
        f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=KERNEL_START_MS
    )


def kernel_state(server: Any, path: str) -> str | None:
    """The execution state of the kernel of path's session on the server, if any."""
    with urllib.request.urlopen(f"{server.url}/api/sessions?token={server.token}") as answer:
        sessions = json.load(answer)
    states = [s["kernel"]["execution_state"] for s in sessions if s["path"] == path and s["kernel"]]
    return states[0] if states else None


def menu(page: Any, top: str, *items: str) -> None:
    """Click the menu bar's top menu, then each item in turn (submenus open on the way):
    menu(page, "Run", "Run All Cells"), menu(page, "Settings", "Theme", "JupyterLab Dark")."""
    page.locator(".lm-MenuBar-itemLabel").get_by_text(top, exact=True).click()
    for depth, item in enumerate(items, start=1):
        entry = page.locator(".lm-Menu").nth(depth - 1).locator(".lm-Menu-itemLabel")
        entry.get_by_text(item, exact=True).click()


def run_all(page: Any, timeout_s: float) -> None:
    """Run > Run All Cells, and wait until no cell runs or waits any more."""
    since = max(page.evaluate(_COUNTS), default=0)
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(_RUN_OVER, arg=since, timeout=timeout_s * 1000, polling=500)


def cells(page: Any) -> list[Cell]:
    """Every cell of the open notebook, in order, as shown."""
    return [Cell(index, **data) for index, data in enumerate(page.evaluate(_READ_CELLS))]


def cell_node(page: Any, index: int) -> Any:
    """The locator of the open notebook's cell number index (0-based)."""
    return page.locator(f"{PANEL} .jp-Cell").nth(index)


def replace_source(page: Any, index: int, text: str) -> None:
    """Type text into cell index in place of its source, as pasting it would."""
    cell_node(page, index).locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(text)  # no key events: no auto-indent or closed brackets
    page.keyboard.press("Escape")


def save(page: Any) -> None:
    """Save with Ctrl+S (in command mode), waiting for the server to answer the save (so the
    file is written in full: the server writes it in place) and for the tab to show no
    unsaved changes."""
    page.keyboard.press("Escape")
    with page.expect_response(
        lambda response: response.request.method == "PUT" and "/api/contents/" in response.url
    ) as saved:
        page.keyboard.press("ControlOrMeta+s")
    assert saved.value.ok, f"saving failed: HTTP {saved.value.status}"
    page.wait_for_selector(".lm-TabBar-tab.lm-mod-current:not(.jp-mod-dirty)")


def notebook_cells(path: Path) -> list[dict[str, Any]]:
    """The cells of the notebook file at path (as saved), read as plain JSON."""
    return json.loads(path.read_text())["cells"]


def source(cell: dict[str, Any]) -> str:
    """A notebook cell's source as one string."""
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)
