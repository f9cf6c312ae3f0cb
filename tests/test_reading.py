"""Reading notebooks for grading without nbformat (graders.notebook.reading)."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest
from conftest import SOLUTIONS

from graders.notebook.reading import Node, from_v4, read_v4

ROOT_NOTEBOOK = str(SOLUTIONS / "W2" / "C1W2_Assignment.ipynb")


def test_reads_like_nbformat_where_grading_looks():
    ours = read_v4(ROOT_NOTEBOOK)
    theirs = nbformat.read(ROOT_NOTEBOOK, as_version=4)
    assert ours.metadata == theirs.metadata
    assert [(c.get("id"), c.cell_type, c.source, c.metadata) for c in ours.cells] == [
        (c.get("id"), c.cell_type, c.source, c.metadata) for c in theirs.cells
    ]


def test_sources_written_as_lists_of_lines_are_joined():
    nb = from_v4({"nbformat": 4, "cells": [{"cell_type": "code", "source": ["a = 1\n", "b = 2"]}]})
    assert nb.cells[0].source == "a = 1\nb = 2"
    assert nb.cells[0].metadata == {} and isinstance(nb.cells[0].metadata, Node)


def test_duplicated_cell_ids_are_kept_as_written():
    cell = {"cell_type": "code", "id": "same", "source": "", "metadata": {}}
    nb = from_v4({"nbformat": 4, "cells": [cell, dict(cell)]})
    assert [c.id for c in nb.cells] == ["same", "same"]


def test_attributes_read_keys_and_missing_ones_raise_attribute_error():
    node = from_v4({"nbformat": 4, "cells": [], "metadata": {"graders": {"assignment": "C1W2"}}})
    assert node.metadata.graders.assignment == "C1W2"
    with pytest.raises(AttributeError):
        node.nothing  # noqa: B018


@pytest.mark.parametrize("cells", [{"a": 1}, [1, 2], "cells"])
def test_cells_that_are_not_cells_are_refused(cells):
    with pytest.raises(ValueError, match="not a list of cells"):
        from_v4(json.loads(json.dumps({"nbformat": 4, "cells": cells})))


def test_grading_a_notebook_never_imports_nbformat():
    # nbformat imports jsonschema, over a second of every grading run (bench/RESULTS.md).
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from graders.grading.submission import load_submission\n"
        f"load_submission(Path({ROOT_NOTEBOOK!r}))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('nbformat', 'jsonschema')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
