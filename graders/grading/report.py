"""Human-readable rendering of grading results: text for the terminal, Markdown for files."""

from __future__ import annotations

import textwrap
from typing import Any

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
