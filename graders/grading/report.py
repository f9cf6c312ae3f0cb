"""Human-readable rendering of grading results: text for the terminal, Markdown for files.

Every label is in the current language (graders.i18n); the values that are data (the JSON's
status, the isolation's keys) are shown as translated words.
"""

from __future__ import annotations

import textwrap
from html import escape
from typing import Any

from graders.grading.htmlpage import page, table
from graders.grading.result import GRADED, Record, status_word
from graders.i18n import N_, _, translate

PASS, FAIL = "\u2714", "\u2718"

#: The isolation's keys (JSON data), as a person reads them.
ISOLATION_LABELS = {
    # TRANSLATORS: the labels of the isolation a submission was graded under
    "sandbox": N_("sandbox"),
    "network": N_("network"),
    "files": N_("files"),
    "processes": N_("processes"),
    "memory": N_("memory"),
    "cpu": N_("cpu"),
}
#: The sandboxes' names (isolation's "sandbox" values), as a person reads them.
SANDBOX_NAMES = {
    # TRANSLATORS: the kinds of sandbox (see graders/grading/isolation.py)
    "namespaces": N_("namespaces"),
    "user namespace": N_("user namespace"),
    "bubblewrap": N_("bubblewrap"),
    "user id": N_("user id"),
    "none": N_("none"),
}


def isolation_items(isolation: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of each protection in a result's isolation, in the current language.

    The values are written by the worker in the grader's language; the keys and the
    sandbox's name are data, translated here.
    """
    items = []
    for key, value in isolation.items():
        label = translate(ISOLATION_LABELS[key]) if key in ISOLATION_LABELS else str(key)
        shown = str(value)
        if key == "sandbox" and shown in SANDBOX_NAMES:
            shown = translate(SANDBOX_NAMES[shown])
        items.append((label, shown))
    return items


def render_text(record: Record) -> str:
    """A short report: the score line, then one line per test with feedback on failures."""
    assignment = record["assignment"] or _("unknown assignment")
    head = f"{record['notebook']}  [{assignment}]"
    score = _("score {score}/{max_score}  ({seconds:.1f} s)").format(
        score=record["score"], max_score=record["max_score"], seconds=record["duration_s"]
    )
    lines = [head, f"  {score}"]
    if record["status"] != GRADED or record["message"]:
        lines.append(f"  {status_word(record['status']).upper()}: {record['message']}")
    lines += ["  " + _("NOTE: {note}").format(note=note) for note in record["notes"]]
    for test in record["tests"]:
        mark = PASS if test["passed"] else FAIL
        lines.append(f"  {mark} {test['points']:>3}/{test['max_points']:<3} {test['name']}")
        if not test["passed"]:
            lines += textwrap.wrap(
                test["feedback"],
                width=96,
                initial_indent="            ",
                subsequent_indent="            ",
            )
    return "\n".join(lines)


def render_markdown(record: Record) -> str:
    """A per-submission report: score, status, each test's points and want/got feedback."""
    assignment = record.get("assignment") or _("unknown")
    lines = [
        f"# {record['notebook']}",
        "",
        _("**Assignment:** {assignment}").format(assignment=assignment) + "  ",
        _("**Score:** {score} / {max_score}").format(
            score=record["score"], max_score=record["max_score"]
        ) + "  ",
        _("**Status:** {status}").format(status=status_word(record["status"])),
    ]
    if record.get("message"):
        lines += ["", f"> {record['message']}"]
    for note in record.get("notes", []):
        lines += ["", "- " + _("Note: {note}").format(note=note)]
    head = (_("points"), _("test"), _("feedback"))
    lines += ["", "| | {} | {} | {} |".format(*head), "|---|---|---|---|"]
    for test in record.get("tests", []):
        mark = PASS if test["passed"] else FAIL
        feedback = str(test["feedback"]).replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {mark} | {test['points']}/{test['max_points']} | {test['name']} | {feedback} |"
        )
    isolation = record.get("isolation") or {}
    if isolation:
        shown = "; ".join(f"{k}: {v}" for k, v in isolation_items(isolation))
        lines += ["", _("Isolation: {protections}").format(protections=shown)]
    return "\n".join(lines) + "\n"


def render_html(record: Record) -> str:
    """The per-submission report as one self-contained HTML page (every value escaped)."""
    title = f"{record['notebook']}: {record['score']} / {record['max_score']}"
    assignment = str(record.get("assignment") or _("unknown"))
    score = f"{escape(str(record['score']))} / {escape(str(record['max_score']))}"
    status = escape(status_word(str(record["status"])))
    labels = [escape(label) for label in (_("Assignment:"), _("Score:"), _("Status:"))]
    parts = [
        f"<h1>{escape(str(record['notebook']))}</h1>",
        f"<p><b>{labels[0]}</b> {escape(assignment)}<br>",
        f"<b>{labels[1]}</b> {score}<br>",
        f"<b>{labels[2]}</b> {status}</p>",
    ]
    if record.get("message"):
        parts.append(f"<blockquote>{escape(str(record['message']))}</blockquote>")
    if record.get("notes"):
        notes = "".join(f"<li>{escape(str(note))}</li>" for note in record["notes"])
        parts.append("<h2>" + escape(_("Notes")) + f"</h2><ul>{notes}</ul>")
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
    head = ["", _("points"), _("test"), _("feedback")]
    parts += ["<h2>" + escape(_("Tests")) + "</h2>", table(head, rows, classes)]
    isolation = record.get("isolation") or {}
    if isolation:
        items = "".join(
            f"<li>{escape(k)}: {escape(v)}</li>" for k, v in isolation_items(isolation)
        )
        parts.append("<h2>" + escape(_("Isolation")) + f"</h2><ul>{items}</ul>")
    back = escape(_("Back to the class report"))
    parts.append(f'<p><a href="../gradebook.html">{back}</a></p>')
    return page(title, "\n".join(parts))
