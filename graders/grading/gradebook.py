"""The gradebook of a batch: one row per submission, one column per test, and the total;
as CSV, JSON and the HTML class report."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from graders.grading.result import Record

FIXED = ["notebook", "assignment", "status", "score", "max_score"]


def write_atomically(path: Path, text: str) -> None:
    """Replace path with text so that readers never see a half-written file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _column(assignment: str | None, test: str) -> str:
    return f"{assignment}: {test}"


def columns(records: list[Record]) -> list[str]:
    """The test columns, grouped by assignment in the registry's order, tests in order."""
    from graders.assignments import ASSIGNMENTS

    order = {name: n for n, name in enumerate(ASSIGNMENTS)}
    seen: dict[str, list[str]] = {}
    for record in records:
        names = seen.setdefault(record.get("assignment") or "", [])
        for test in record.get("tests", []):
            if test["name"] not in names:
                names.append(test["name"])
    ordered = sorted(seen, key=lambda a: (order.get(a, len(order)), a))
    return [_column(a, t) for a in ordered if a for t in seen[a]]


def rows(records: list[Record]) -> tuple[list[str], list[dict[str, Any]]]:
    """The gradebook's columns and rows (sorted by notebook), from batch records."""
    tests = columns(records)
    table = []
    for record in sorted(records, key=lambda r: r["notebook"]):
        row = {key: record.get(key) for key in FIXED}
        row["tests"] = {
            _column(record.get("assignment"), t["name"]): t["points"]
            for t in record.get("tests", [])
        }
        row["message"] = record.get("message")
        row["result"] = f"results/{record['key']}.json"
        table.append(row)
    return tests, table


def write_gradebook(out: Path, records: list[Record]) -> None:
    """Write gradebook.csv, gradebook.json and the class report gradebook.html into out."""
    from graders.grading.classreport import render_class_report

    tests, table = rows(records)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*FIXED, *tests, "message"])
    for row in table:
        writer.writerow(
            [*(row[k] for k in FIXED), *(row["tests"].get(t, "") for t in tests),
             row["message"] or ""]
        )
    write_atomically(out / "gradebook.csv", buffer.getvalue())
    data = {"columns": [*FIXED, *tests, "message"], "rows": table}
    write_atomically(out / "gradebook.json", json.dumps(data, indent=2) + "\n")
    write_atomically(out / "gradebook.html", render_class_report(records))
