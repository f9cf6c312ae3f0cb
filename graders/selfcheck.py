"""The notebooks' "test your code" cells: run an exercise's checks where the learner works.

The checks and their verdicts are the grader's own (graders.checks.run); only the
presentation differs. Checks marked hidden (quiz answers, for example) run only when the
notebook is graded.

A self-check's result shows as an HTML table in JupyterLab and Colab and as plain text
where there is no HTML (a terminal, nbval): the report carries both, the front end picks.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any, Literal

from graders.checks.core import FAIL_TEMPLATE
from graders.checks.run import OK, judge_exercise, observe_exercise
from graders.determinism import SEED
from graders.i18n import CLOSE, N_, _, translate

Status = Literal["passed", "failed", "recorded"]

#: Feedback longer than this (or on several lines) is collapsed in the HTML table.
LONG = 120

_CELL = (
    "padding:4px 10px;text-align:left;vertical-align:top;"
    "border:1px solid rgba(128,128,128,.35);"
)
_STATUS = {
    # mark, word (translated when shown), text colour and row tint readable on light and
    # dark backgrounds alike (the marks are plain symbols, in fonts that have no emoji too)
    "passed": ("\u2713", N_("passed"), "#2da44e", "rgba(46,164,79,.12)"),
    "failed": ("\u2717", N_("failed"), "#e5534b", "rgba(229,83,75,.12)"),
    "recorded": ("\u270e", N_("recorded"), "#4493f8", "rgba(68,147,248,.10)"),
}
#: The table's column headers, translated when shown.
_HEADERS = (N_("result"), N_("test"), N_("points"), N_("expected"), N_("got"))
#: What a recorded answer's row says: it is checked by the grader, not here.
_GRADED_LATER = N_("checked when the notebook is graded")


@dataclass(frozen=True)
class Row:
    """One line of a self-check: a check's verdict, or an exercise that could not be checked."""

    status: Status
    name: str
    points: int | None  # None while a recorded answer waits for the grader
    max_points: int
    feedback: str = ""


@dataclass(frozen=True)
class SelfCheckReport:
    """What a test cell shows: text for terminals and nbval, an HTML table for notebooks."""

    title: str
    rows: tuple[Row, ...]

    def count(self, status: Status) -> int:
        """How many rows have that status."""
        return sum(row.status == status for row in self.rows)

    @property
    def summary(self) -> str:
        """The closing line, e.g. 'All 3 passed!' or '2 failed, 1 passed.'."""
        counts = {s: self.count(s) for s in ("passed", "recorded", "failed")}
        # One whole sentence per case, so that each language can word it its own way.
        if counts["failed"]:
            if counts["passed"] and counts["recorded"]:
                line = _("{failed} failed, {passed} passed, {recorded} recorded for grading.")
            elif counts["recorded"]:
                line = _("{failed} failed, {recorded} recorded for grading.")
            elif counts["passed"]:
                line = _("{failed} failed, {passed} passed.")
            else:
                line = _("{failed} failed, none passed.")
        elif counts["passed"] and counts["recorded"]:
            line = _("All {passed} passed and {recorded} recorded for grading!")
        elif counts["recorded"]:
            line = _("All {recorded} recorded for grading!")
        else:
            line = _("All {passed} passed!")
        return line.format(**counts)

    @property
    def text(self) -> str:
        """The plain-text report (what the test cells printed before they had HTML)."""
        lines = []
        for row in self.rows:
            icon = "\u274c" if row.status == "failed" else "\u2705"
            if row.status == "recorded":
                recorded = _("{name}: recorded (checked when the notebook is graded)")
                lines.append(f"{icon} {recorded.format(name=row.name)}")
            elif row.status == "failed" or row.feedback:  # a passed check may say what it found
                lines.append(f"{icon} {row.name}\n   {row.feedback}")
            else:
                lines.append(f"{icon} {row.name}")
        return "\n".join(lines) + f"\n\n{self.summary}"

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)

    def _repr_html_(self) -> str:
        """A self-contained table (inline CSS, no scripts); every text escaped."""
        head = "".join(
            f'<th style="{_CELL}font-weight:600">{escape(label)}</th>'
            for label in map(translate, _HEADERS)
        )
        body = "".join(_html_row(row) for row in self.rows)
        failed = self.count("failed")
        colour = _STATUS["failed" if failed else "passed"][2]
        return (
            '<div class="graders-check" style="margin:2px 0;line-height:1.4">'
            '<table class="graders-check-table" style="border-collapse:collapse;'
            'margin:0;font-size:inherit;color:inherit;background:transparent">'
            f'<caption style="text-align:left;padding:0 0 4px;opacity:.8">{escape(self.title)}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f'<p class="graders-summary" style="margin:6px 0 0;font-weight:600;color:{colour}">'
            f"{escape(self.summary)}</p></div>"
        )


def _html_row(row: Row) -> str:
    mark, word, colour, tint = _STATUS[row.status]
    if row.status == "recorded":
        points = f"\u2013 / {row.max_points}"
    else:
        points = f"{row.points} / {row.max_points}"
    parts = split_feedback(row.feedback) if row.status == "failed" else None
    if parts:
        what, want, got = parts
        detail = f'<td style="{_CELL}">{_text(want)}</td><td style="{_CELL}">{_text(got)}</td>'
        name = f'{escape(row.name)}<br><span style="opacity:.75">{escape(what)}</span>'
    elif row.status == "passed":  # what a passed check found, if it says
        detail = f'<td style="{_CELL}"></td><td style="{_CELL}">{_text(row.feedback)}</td>'
        name = escape(row.name)
    else:
        note = row.feedback or translate(_GRADED_LATER)
        detail = f'<td colspan="2" style="{_CELL}">{_text(note)}</td>'
        name = escape(row.name)
    return (
        f'<tr class="graders-{row.status}" style="background:{tint}">'
        f'<td style="{_CELL}white-space:nowrap;font-weight:600;color:{colour}">{mark} '
        f"{escape(translate(word))}</td>"
        f'<td style="{_CELL}">{name}</td>'
        f'<td style="{_CELL}white-space:nowrap;text-align:right">{points}</td>{detail}</tr>'
    )


def _text(value: str) -> str:
    """value escaped; long or multi-line values collapsed under their first line."""
    if len(value) <= LONG and "\n" not in value:
        return escape(value)
    first = value.strip().splitlines()[0] if value.strip() else ""
    preview = first[:80] + ("\u2026" if len(first) > 80 or len(value) > len(first) else "")
    return (
        f'<details><summary style="cursor:pointer">{escape(preview)}</summary>'
        '<pre style="white-space:pre-wrap;margin:4px 0 0;background:transparent;'
        f'color:inherit;font-size:inherit">{escape(value)}</pre></details>'
    )


def split_feedback(feedback: str) -> tuple[str, str, str] | None:
    """(what, want, got) from feedback written by graders.checks.core.fail, else None (also
    for a sentence followed by such a verdict: its columns would cut the sentence apart;
    sentences after a verdict say more about what was found, in its column)."""
    match = _fail_pattern(translate(FAIL_TEMPLATE)).fullmatch(feedback.strip())
    if match is None or _SENTENCE_END.search(match["what"]):
        return None
    return match["what"], match["want"], match["got"]


#: Where a sentence ends inside a text (the pseudo-language's closing marks may follow).
_SENTENCE_END = re.compile(rf"[.!?]{CLOSE}*\s")


@cache
def _fail_pattern(template: str) -> re.Pattern[str]:
    """The regular expression of a failing verdict's template, in the language it is in:
    what and want are the check's own words; got, which may hold anything, takes the rest."""
    groups = {"what": "(?P<what>.+?)", "want": "(?P<want>.+?)", "got": "(?P<got>.+)"}
    pieces = re.split(r"\{(\w+)\}", template)  # literal, field, literal, field, ..., literal
    pattern = "".join(groups[p] if i % 2 else re.escape(p) for i, p in enumerate(pieces))
    return re.compile(pattern, re.DOTALL)


def self_check(
    assignment: str, exercise: str | None, namespace: Mapping[str, Any]
) -> SelfCheckReport:
    """Run one exercise's (or every exercise's) visible checks against namespace."""
    from graders.assignments import get_assignment

    spec = get_assignment(assignment)
    chosen = spec.exercises if exercise is None else (spec.exercise(exercise),)
    rows: list[Row] = []
    for item in chosen:
        observation = observe_exercise(item, namespace, SEED)
        if observation["status"] != OK:
            rows.append(Row("failed", item.name, 0, item.max_points, observation["message"]))
            continue
        visible = [r for r in judge_exercise(item, observation) if not r.hidden]
        if not visible:
            rows.append(Row("recorded", item.name, None, item.max_points))
        for result in visible:
            status: Status = "passed" if result.passed else "failed"
            rows.append(
                Row(status, result.name, result.points, result.max_points, result.feedback)
            )
    part = exercise if exercise else _("every exercise")
    title = f"{spec.id} \u00b7 {part}"
    return SelfCheckReport(title, tuple(rows))


def show(report: SelfCheckReport) -> None:
    """Display report in IPython (the front end picks HTML or text); print it elsewhere."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        print(report.text)
        return
    from IPython.display import display

    display(report)


def check_exercise(
    assignment: str, exercise: str | None = None, namespace: Mapping[str, Any] | None = None
) -> None:
    """Check one exercise (or every exercise) of an assignment and show the verdicts.

    The learner's definitions are looked up in ``namespace``, by default the globals of
    the notebook that calls this function.
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    show(self_check(assignment, exercise, namespace))
