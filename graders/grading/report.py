"""Human-readable rendering of grading results for the terminal."""

from __future__ import annotations

import textwrap

from graders.grading.result import GRADED, GradeResult

PASS, FAIL = "\u2714", "\u2718"


def render_text(result: GradeResult) -> str:
    """A short report: the score line, then one line per test with feedback on failures."""
    head = f"{result.notebook}  [{result.assignment or 'unknown assignment'}]"
    lines = [head, f"  score {result.score}/{result.max_score}  ({result.duration_s:.1f} s)"]
    if result.status != GRADED or result.message:
        lines.append(f"  {result.status.upper()}: {result.message}")
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
