"""Human-readable rendering of grading results: text for the terminal, Markdown for files."""

from __future__ import annotations

import textwrap
from html import escape
from typing import Any

from graders.grading.htmlpage import page, table
from graders.grading.result import GRADED, GradeResult

PASS, FAIL = "\u2714", "\u2718"


def render_text(result: GradeResult) -> str:
    """A short report: the score line, then one line per test with feedback on failures."""
    head = f"{result.notebook}  [{result.assignment or 'unknown assignment'}]"
    lines = [head, f"  score {result.score}/{result.max_score}  ({result.duration_s:.1f} s)"]
    if result.status != GRADED or result.message:
        lines.append(f"  {result.status.upper()}: {result.message}")
    lines += [f"  NOTE: {note}" for note in result.notes]
    for test in result.tests:
        mark = PASS if test.passed else FAIL
        lines.append(f"  {mark} {test.points:>3}/{test.max_points:<3} {test.name}")
        if not test.passed:
            lines += textwrap.wrap(
                test.feedback,
                width=96,
                initial_indent="            ",
                subsequent_indent="            ",
            )
    return "\n".join(lines)


def render_markdown(record: dict[str, Any]) -> str:
    """A per-submission report: score, status, each test's points and want/got feedback."""
    lines = [
        f"# {record['notebook']}",
        "",
        f"**Assignment:** {record.get('assignment') or 'unknown'}  ",
        f"**Score:** {record['score']} / {record['max_score']}  ",
        f"**Status:** {record['status']}",
    ]
    if record.get("message"):
        lines += ["", f"> {record['message']}"]
    for note in record.get("notes", []):
        lines += ["", f"- Note: {note}"]
    lines += ["", "| | points | test | feedback |", "|---|---|---|---|"]
    for test in record.get("tests", []):
        mark = PASS if test["passed"] else FAIL
        feedback = str(test["feedback"]).replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {mark} | {test['points']}/{test['max_points']} | {test['name']} | {feedback} |"
        )
    isolation = record.get("isolation") or {}
    if isolation:
        lines += ["", "Isolation: " + "; ".join(f"{k}: {v}" for k, v in isolation.items())]
    return "\n".join(lines) + "\n"


def render_html(record: dict[str, Any]) -> str:
    """The per-submission report as one self-contained HTML page (every value escaped)."""
    title = f"{record['notebook']}: {record['score']} / {record['max_score']}"
    parts = [
        f"<h1>{escape(str(record['notebook']))}</h1>",
        f"<p><b>Assignment:</b> {escape(str(record.get('assignment') or 'unknown'))}<br>",
        f"<b>Score:</b> {escape(str(record['score']))} / {escape(str(record['max_score']))}<br>",
        f"<b>Status:</b> {escape(str(record['status']))}</p>",
    ]
    if record.get("message"):
        parts.append(f"<blockquote>{escape(str(record['message']))}</blockquote>")
    if record.get("notes"):
        notes = "".join(f"<li>{escape(str(note))}</li>" for note in record["notes"])
        parts.append(f"<h2>Notes</h2><ul>{notes}</ul>")
    rows, classes = [], []
    for test in record.get("tests", []):
        passed = bool(test["passed"])
        mark = f'<span class="{"pass" if passed else "fail"}">{PASS if passed else FAIL}</span>'
        rows.append([
            mark,
            f"{escape(str(test['points']))}/{escape(str(test['max_points']))}",
            escape(str(test["name"])),
            escape(str(test["feedback"])),
        ])
        classes.append("" if passed else "error")
    parts += ["<h2>Tests</h2>", table(["", "points", "test", "feedback"], rows, classes)]
    isolation = record.get("isolation") or {}
    if isolation:
        items = "".join(
            f"<li>{escape(str(k))}: {escape(str(v))}</li>" for k, v in isolation.items()
        )
        parts.append(f"<h2>Isolation</h2><ul>{items}</ul>")
    parts.append('<p><a href="../gradebook.html">Back to the class report</a></p>')
    return page(title, "\n".join(parts))
