"""Run All on every untouched assignment template reaches the end, quietly.

Each template in notebooks/ executes headless in a real kernel with errors not allowed
(nbclient, ``allow_errors=False``): its demo cells print "Complete exercise N first" instead
of raising, its test cells then say what is missing, and no cell shows TensorFlow's log
lines on stderr. Cheap: a template's exercises return None, so nothing trains.
"""

from __future__ import annotations

import os
import re

import nbformat
import pytest
from conftest import NOTEBOOKS
from nbclient import NotebookClient

TEMPLATES = sorted(NOTEBOOKS.glob("W*/C1W*_Assignment.ipynb"))

#: TensorFlow's log lines that must never reach a cell (the setup cell keeps them out).
NOISE = re.compile(
    r"oneDNN|cuda drivers|cuInit|absl::InitializeLog|cpu_feature_guard|use_unbounded_threadpool"
    r"|did not fully read the dataset being cached",
    re.IGNORECASE,
)
_CHECK = re.compile(r'check_exercise\(\s*"[^"]+",\s*"([^"]+)"\s*\)')
_DEMO_NOTICE = re.compile(r"^Complete exercise \d+ \((\w+)\) first", re.MULTILINE)


def cell_text(cell: nbformat.NotebookNode, stream: str = "stdout") -> str:
    """What a code cell showed: its stream output and the plain text of its results."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == stream:
            parts.append(output.text)
        elif stream == "stdout" and output.output_type in ("display_data", "execute_result"):
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def execute(path) -> nbformat.NotebookNode:
    """The notebook at path, run top to bottom in a fresh kernel; any cell error raises."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, allow_errors=False, kernel_name="python3")
    client.execute(cwd=str(path.parent), env={**os.environ, "MPLBACKEND": "Agg"})
    return nb


@pytest.fixture(scope="module", params=TEMPLATES, ids=lambda p: p.parent.name)
def executed(request):
    """(path, executed notebook) for each template, run once per module."""
    return request.param, execute(request.param)


def test_the_four_templates_are_found():
    assert [p.parent.name for p in TEMPLATES] == ["W1", "W2", "W3", "W4"]


def test_every_test_cell_says_what_is_missing(executed):
    _, nb = executed
    tested = []
    for cell in nb.cells:
        found = _CHECK.search(cell.source) if cell.cell_type == "code" else None
        if found is None:
            continue
        exercise = found.group(1)
        text = cell_text(cell)
        assert exercise in text, f"test cell {cell.id} does not name {exercise}: {text!r}"
        assert "Not implemented yet" in text, f"test cell {cell.id}: {text!r}"
        assert "none passed" in text, f"test cell {cell.id}: {text!r}"
        tested.append(exercise)
    assert len(tested) >= 3


def test_demo_cells_ask_for_the_exercise_first(executed):
    path, nb = executed
    notices = [
        m
        for cell in nb.cells
        if cell.cell_type == "code"
        for m in _DEMO_NOTICE.findall(cell_text(cell))
    ]
    wanted = {"W1": 3, "W2": 2, "W3": 3, "W4": 4}[path.parent.name]
    assert len(notices) == wanted, notices
    defined = {
        m
        for cell in nb.cells
        for m in re.findall(r"^(?:def|class) (\w+)", cell.source, re.MULTILINE)
    }
    assert set(notices) <= defined


def test_no_tensorflow_log_lines(executed):
    _, nb = executed
    for cell in nb.cells:
        if cell.cell_type == "code":
            noise = NOISE.findall(cell_text(cell, "stderr"))
            assert not noise, f"cell {cell.id} printed {noise} on stderr"
