"""Turn a reference solution's code into the learner's scaffold.

Only the code between ``### START CODE HERE ###`` and ``### END CODE HERE ###`` changes:

* comments and blank lines stay (they are the instructions);
* an assignment keeps its targets and gets ``None`` (``model = None``,
  ``x, y = None, None``); a ``return`` becomes ``return None``;
* every other statement (calls, loops, ``if``...) is left for the learner to write;
* a block left with no statement gets ``pass`` so the cell still parses.

Instructions for the learner must therefore be comments on lines of their own, between
statements: a comment inside a multi-line statement or at the end of a code line goes
with that statement.

So a function of the template runs and returns ``None`` or ``None`` values, which the
checks report as "not implemented" rather than as a crash.
"""

from __future__ import annotations

import ast
import textwrap

from graders.notebook.cells import END_MARKER, START_MARKER


class ScaffoldError(ValueError):
    """The solution's markers or the code between them cannot be turned into a scaffold."""


def student_source(source: str) -> str:
    """The learner's version of a cell's source: every marked block replaced by its scaffold."""
    lines = source.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if END_MARKER.match(line):
            raise ScaffoldError(f"line {index + 1}: END CODE HERE without a START CODE HERE")
        out.append(line)
        index += 1
        if not START_MARKER.match(line):
            continue
        block: list[str] = []
        while index < len(lines) and not END_MARKER.match(lines[index]):
            if START_MARKER.match(lines[index]):
                raise ScaffoldError(f"line {index + 1}: START CODE HERE inside another block")
            block.append(lines[index])
            index += 1
        if index == len(lines):
            raise ScaffoldError(f"line {len(out)}: START CODE HERE without an END CODE HERE")
        indent = line[: len(line) - len(line.lstrip())]
        out.extend(scaffold_block(block, indent))
        out.append(lines[index])
        index += 1
    return "\n".join(out)


def scaffold_block(block: list[str], indent: str) -> list[str]:
    """The scaffold for the lines of one marked block, indented like its START marker."""
    code = textwrap.dedent("\n".join(block))
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise ScaffoldError(f"the code between the markers does not parse: {error}") from error
    code_lines = code.split("\n")
    # Which source lines each top-level statement covers (1-based, inclusive).
    spans = {stmt.lineno: stmt for stmt in tree.body}
    covered = {n for s in tree.body for n in range(s.lineno, (s.end_lineno or s.lineno) + 1)}
    out: list[str] = []
    emitted_statement = False
    for number, text in enumerate(code_lines, start=1):
        if number in spans:
            stub = _stub(spans[number], code)
            if stub is not None:
                out.append(_indent(stub, indent))
                emitted_statement = True
        elif number not in covered:
            out.append(_indent(text, indent) if text.strip() else "")
    if not emitted_statement:
        out.append(f"{indent}pass")
    return out


def _stub(stmt: ast.stmt, code: str) -> str | None:
    """The learner's placeholder for one statement, or None to leave it out."""
    if isinstance(stmt, ast.Assign):
        targets = " = ".join(_target(t, code) for t in stmt.targets)
        width = len(stmt.targets[-1].elts) if isinstance(stmt.targets[-1], ast.Tuple) else 1
        return f"{targets} = {', '.join(['None'] * width)}"
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        return (
            f"{_target(stmt.target, code)}: {ast.get_source_segment(code, stmt.annotation)} = None"
        )
    if isinstance(stmt, ast.Return):
        return "return None"
    return None


def _target(node: ast.expr, code: str) -> str:
    text = ast.get_source_segment(code, node) or ast.unparse(node)
    return text[1:-1] if isinstance(node, ast.Tuple) and text.startswith("(") else text


def _indent(text: str, indent: str) -> str:
    return indent + text
