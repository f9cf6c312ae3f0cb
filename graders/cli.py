"""Command line: `python -m graders {grade,list,release,data}`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

USAGE_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return USAGE_ERROR
    return args.handler(args)


def _parser() -> argparse.ArgumentParser:
    from graders.datasets.cli import add_subparser as add_data

    parser = argparse.ArgumentParser(prog="python -m graders", description=__doc__)
    commands = parser.add_subparsers(title="commands")

    grade = commands.add_parser("grade", help="grade notebooks (files or folders of them)")
    grade.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    grade.add_argument("--json", action="store_true", help="print JSON results")
    grade.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="wall-clock limit per notebook (default: the assignment's own)",
    )
    grade.set_defaults(handler=_grade)

    listing = commands.add_parser("list", help="list the assignments and their tests")
    listing.set_defaults(handler=_list)

    release = commands.add_parser("release", help="write notebooks/ from solutions/")
    release.add_argument(
        "--check", action="store_true", help="write nothing; fail if notebooks/ is out of date"
    )
    release.set_defaults(handler=_release)

    add_data(commands)
    return parser


def _notebook_paths(paths: list[Path]) -> list[Path] | str:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif path.exists():
            found.append(path)
        else:
            return f"no such file or folder: {path}"
    return found or "no notebooks found in the given folders"


def _grade(args: argparse.Namespace) -> int:
    from graders.grading.report import render_text
    from graders.grading.runner import grade_notebook

    paths = _notebook_paths(args.paths)
    if isinstance(paths, str):
        print(f"graders grade: {paths}", file=sys.stderr)
        return USAGE_ERROR
    results = []
    for path in paths:
        result = grade_notebook(path, timeout_s=args.timeout)
        results.append(result)
        if not args.json:
            print(render_text(result), flush=True)
    if args.json:
        data = [r.to_json() for r in results]
        print(json.dumps(data[0] if len(data) == 1 else data, indent=2))
    return 0


def _list(args: argparse.Namespace) -> int:
    from graders.assignments import ASSIGNMENTS

    for spec in ASSIGNMENTS.values():
        print(f"{spec.id}  {spec.title}  ({spec.notebook}, {spec.max_score} points)")
        for exercise in spec.exercises:
            for check in exercise.checks:
                hidden = "  (grader only)" if check.hidden else ""
                print(f"  {check.points:>3}  {exercise.name}: {check.name}{hidden}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from graders.notebook.release import release

    findings = release(check=args.check)
    for finding in findings:
        print(finding, file=sys.stderr if finding.problem else sys.stdout)
    problems = [f for f in findings if f.problem]
    if problems:
        print(f"release: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("release: notebooks/ is up to date" if args.check else "release: done")
    return 0
