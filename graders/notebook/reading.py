"""Reading a v4 notebook for grading without importing nbformat.

nbformat validates with jsonschema, whose import alone takes over a second; the grader
reads every submission and template, so it parses the JSON itself. What it returns behaves
like nbformat's NotebookNode where grading looks (``nb.cells``, ``cell.source`` joined into
one string, ``cell.metadata``), and nothing is validated or renamed: the structure checks
must see duplicated cell ids as written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class Node(dict):
    """A dict whose keys read as attributes, like nbformat's NotebookNode."""

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value


def as_node(value: Any) -> Any:
    """value with every dict in it (however deep) made a Node."""
    if isinstance(value, dict):
        return Node((key, as_node(item)) for key, item in value.items())
    if isinstance(value, list):
        return [as_node(item) for item in value]
    return value


def _joined(source: Any) -> Any:
    return "".join(source) if isinstance(source, list) else source


def from_v4(data: dict[str, Any]) -> Node:
    """A parsed v4 notebook (its JSON as Python objects) as Nodes, each cell's source one string.

    Raises TypeError or ValueError when a cell or a source is not what the format allows.
    """
    nb = as_node(data)
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise ValueError("its cells are not a list of cells")
    for cell in cells:
        if not isinstance(cell, dict):
            raise ValueError("its cells are not a list of cells")
        if "source" in cell:
            cell["source"] = _joined(cell["source"])
        cell.setdefault("metadata", Node())
    nb.setdefault("metadata", Node())
    return nb


def read_v4(path: Path) -> Node:
    """The v4 notebook at path, read as from_v4 does."""
    return from_v4(json.loads(Path(path).read_text(encoding="utf-8")))
