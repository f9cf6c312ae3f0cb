"""bench/RESULTS.md, rendered from the figures in bench/results/ (one file per benchmark)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

from bench.measure import RESULTS, ROOT, machine_line

OUTPUT = ROOT / "bench" / "RESULTS.md"
INTRO = """# Benchmark results

Written by `python -m bench` (`nox -s bench` runs it after fetching the datasets) from the
figures in `bench/results/`; do not edit by hand. Every figure is measured against its
baseline in the same run, on the machine named with it; the command that measured it is
given with it, and `nox -s bench -- NAME` measures it again.
"""


GPU_SECTION = """## 8. On a GPU

Run on a machine with an NVIDIA GPU, the benchmarks save their figures apart
(`results/<name>-gpu.json`) and the sections above show them after the CPU figures, with the
card's name. The course run time and time to threshold are the ones to take there:
`nox -s bench -- course threshold`. Sections above that show no GPU figures were not yet run
on one (no GPU machine was lent to the session that last wrote this file).
"""


def _records(name: str) -> list[dict]:
    found = []
    for suffix in ("", "-gpu"):
        path = RESULTS / f"{name}{suffix}.json"
        if path.is_file():
            found.append(json.loads(path.read_text(encoding="utf-8")))
    return found


def render(benchmarks: dict[str, ModuleType]) -> str:
    """The whole RESULTS.md."""
    lines = [INTRO]
    for name, module in benchmarks.items():
        lines.append(f"## {module.TITLE}\n")
        records = _records(name)
        if not records:
            lines += ["Not measured yet: `nox -s bench -- " + name + "`.", ""]
        for record in records:
            lines += [
                f"Measured {record['date']} with `{record['command']}` on "
                f"{machine_line(record['machine'])}.",
                "",
                *module.render(record),
                "",
            ]
        findings = getattr(module, "FINDINGS", "").strip()
        if findings:
            lines += [findings, ""]
    lines += [GPU_SECTION]
    return "\n".join(lines).rstrip() + "\n"


def write(benchmarks: dict[str, ModuleType]) -> Path:
    """Render RESULTS.md from every saved figure."""
    OUTPUT.write_text(render(benchmarks), encoding="utf-8")
    return OUTPUT
