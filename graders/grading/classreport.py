"""The class report of a batch, gradebook.html: per assignment the score histogram, each
test's pass rate and most frequent failure, and a row per submission linking its report.

One self-contained file: the plots are inline SVG drawn by matplotlib, every value that
comes from a submission is escaped, and nothing is loaded from anywhere.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import quote

from graders.grading.htmlpage import page, table
from graders.grading.result import Record, status_word
from graders.i18n import _, ngettext

UNIDENTIFIED = "unidentified"


@dataclass
class CheckSummary:
    """How one check went across a class."""

    name: str
    max_points: int
    passed: int = 0
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def taken(self) -> int:
        """Submissions that have this check."""
        return self.passed + sum(self.failures.values())


def summarize_checks(records: list[Record]) -> list[CheckSummary]:
    """Each check of these records (in order of first appearance), its passes and failures."""
    summaries: dict[str, CheckSummary] = {}
    for record in records:
        for check in record.get("tests", []):
            name = str(check["name"])
            summary = summaries.setdefault(name, CheckSummary(name, int(check["max_points"])))
            if check["passed"]:
                summary.passed += 1
            else:
                summary.failures[str(check["feedback"])] += 1
    return list(summaries.values())


def _svg(figure: Any, salt: str) -> str:
    """The figure as an <svg> element to inline: no XML prolog, no metadata, and ids made
    from salt (one per figure of a page, so that they neither change nor collide)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        figure.savefig(buffer, format="svg", bbox_inches="tight",
                       metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    # matplotlib numbers its groups per figure (figure_1, axes_1...): prefix every id, and
    # every reference to one, with the salt so that two figures on a page never share one.
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{salt}-{m[1]}"', text)
    return re.sub(r'(href="|url\()#([^")]+)', lambda m: f"{m[1]}#{salt}-{m[2]}", text)


def histogram_svg(scores: list[float], max_score: int, salt: str = "histogram") -> str:
    """A histogram of scores from 0 to max_score (ten bins), as inline SVG."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6, 2.6))
    axes = figure.subplots()
    top = max(max_score, 1)
    axes.hist(scores, bins=10, range=(0, top), color="#4c72b0", edgecolor="white")
    axes.set_xlim(0, top)
    axes.set_xlabel(_("score (of {max_score})").format(max_score=max_score))
    axes.set_ylabel(_("submissions"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _svg(figure, salt)


def pass_rate_svg(checks: list[CheckSummary], salt: str = "pass-rates") -> str:
    """One horizontal bar per check: the share of submissions that passed it, as inline SVG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 0.3 * len(checks) + 0.8))
    axes = figure.subplots()
    labels = [_("test {number}").format(number=n) for n in range(1, len(checks) + 1)]
    rates = [100 * c.passed / c.taken if c.taken else 0 for c in checks]
    axes.barh(labels, rates, color="#55a868")
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel(_("passed (% of submissions)"))
    return _svg(figure, salt)


def _heading(level: int, text: str) -> str:
    """An HTML heading of text (plain, escaped here)."""
    return f"<h{level}>{escape(text)}</h{level}>"


def _submissions(count: int) -> str:
    return ngettext("{count} submission", "{count} submissions", count).format(count=count)


def _link(record: Record) -> str:
    href = escape("reports/" + quote(f"{record['key']}.html"))
    return f'<a href="{href}">{escape(str(record["notebook"]))}</a>'


def _submission_rows(records: list[Record]) -> str:
    rows, classes = [], []
    for record in sorted(records, key=lambda r: str(r["notebook"])):
        rows.append([
            _link(record),
            escape(status_word(str(record["status"]))),
            f"{escape(str(record['score']))} / {escape(str(record['max_score']))}",
            escape(str(record.get("message") or "")),
        ])
        classes.append("error" if record["status"] != "graded" else "")
    return table([_("notebook"), _("status"), _("score"), _("message")], rows, classes)


def _check_rows(checks: list[CheckSummary]) -> str:
    rows = []
    for n, check in enumerate(checks, start=1):
        rate = check.passed / check.taken if check.taken else 0.0
        failure = ""
        if check.failures:  # the most frequent; of equally frequent ones, the first in order
            text, count = min(check.failures.items(), key=lambda item: (-item[1], item[0]))
            of = _("({count} of {taken})").format(count=count, taken=check.taken)
            failure = f"{escape(text)} <b>{escape(of)}</b>"
        rows.append([
            str(n),
            escape(check.name),
            str(check.max_points),
            f'{check.passed} / {check.taken} ({rate:.0%}) '
            f'<span class="bar"><span style="width: {rate:.0%}"></span></span>',
            failure,
        ])
    head = ["#", _("test"), _("points"), _("passed"),
            _("most frequent failure feedback (count)")]
    return table(head, rows)


def _section(assignment: str, title: str, records: list[Record]) -> str:
    scores = [float(r["score"]) for r in records]
    max_score = max(int(r["max_score"]) for r in records)
    graded = sum(r["status"] == "graded" for r in records)
    checks = summarize_checks(records)
    parts = [
        f'<section id="{escape(assignment)}">',
        f"<h2>{escape(assignment)}: {escape(str(title))}</h2>",
        '<p class="summary">' + escape(
            _("{submissions}, {graded} graded in full; mean score {mean:.1f}, median "
              "{median:g} (of {max_score})").format(
                submissions=_submissions(len(records)), graded=graded,
                mean=statistics.mean(scores), median=statistics.median(scores),
                max_score=max_score,
            )
        ) + "</p>",
        _heading(3, _("Scores")),
        f"<figure>{histogram_svg(scores, max_score, assignment + '-scores')}</figure>",
    ]
    if checks:
        parts += [
            _heading(3, _("Tests")),
            f"<figure>{pass_rate_svg(checks, assignment + '-tests')}</figure>",
            _check_rows(checks),
        ]
    parts += [_heading(3, _("Submissions")), _submission_rows(records), "</section>"]
    return "\n".join(parts)


def render_class_report(records: list[Record]) -> str:
    """gradebook.html for a batch's records (result JSON plus 'key'), grouped by assignment."""
    from graders.assignments import ASSIGNMENTS

    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(record.get("assignment") or UNIDENTIFIED, []).append(record)
    order = {name: n for n, name in enumerate(ASSIGNMENTS)}
    names = sorted(groups, key=lambda a: (order.get(a, len(order)), a))
    link = '<a href="gradebook.csv">gradebook.csv</a>'
    summary = escape(_("{submissions}; the gradebook in {file}.")).format(
        submissions=escape(_submissions(len(records))), file=link
    )
    parts = [_heading(1, _("Class report")), f'<p class="summary">{summary}</p>']
    if len(names) > 1:
        # TRANSLATORS: the class report's entry for the submissions of no known assignment
        unidentified = _("unidentified")
        items = "".join(
            f'<li><a href="#{escape(n)}">{escape(unidentified if n == UNIDENTIFIED else n)}</a>'
            f" ({len(groups[n])})</li>"
            for n in names
        )
        parts.append(f"<ul>{items}</ul>")
    for name in names:
        if name == UNIDENTIFIED:
            parts += [
                f'<section id="{UNIDENTIFIED}">',
                _heading(2, _("Submissions of no known assignment")),
                _submission_rows(groups[name]),
                "</section>",
            ]
        else:
            spec = ASSIGNMENTS.get(name)
            parts.append(_section(name, spec.title if spec else "", groups[name]))
    if not records:
        parts.append("<p>" + escape(_("No submissions.")) + "</p>")
    return page(_("Class report"), "\n".join(parts))
