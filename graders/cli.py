"""Command line: `python -m graders {grade,list,release,data,gradescope}`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from graders.i18n import _
from graders.notebook.cells import files_under

if TYPE_CHECKING:
    from graders.grading.limits import Limits

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
    from graders.gradescope.cli import add_subparser as add_gradescope
    from graders.grading.limits import DEFAULT_MEMORY_MB

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
    grade.add_argument(
        "--memory", type=int, metavar="MIB", default=None,
        help=f"memory limit per notebook in MiB (default: {DEFAULT_MEMORY_MB})",
    )
    grade.add_argument(
        "--assignment", metavar="ID", help="refuse notebooks of any other assignment"
    )
    grade.add_argument(
        "--out", type=Path, metavar="DIR",
        help="batch mode: write results/, reports/, gradebook.csv, .json and .html here",
    )
    grade.add_argument(
        "--workers", type=int, default=1, metavar="N", help="notebooks graded at once (--out)"
    )
    grade.add_argument(
        "--resume", action="store_true",
        help="skip notebooks whose result in --out exists for the same file contents",
    )
    grade.add_argument(
        "--scheduler", metavar="ADDRESS", help="grade on this Dask cluster (--out)"
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
    add_gradescope(commands)
    return parser


def _notebook_paths(paths: list[Path]) -> list[Path] | str:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += files_under(path)
        elif path.exists():
            found.append(path)
        else:
            return _("no such file or folder: {path}").format(path=path)
    return found or _("no notebooks found in the given folders")


def _grade(args: argparse.Namespace) -> int:
    from graders.grading.limits import DEFAULT_MEMORY_MB, Limits

    paths = _notebook_paths(args.paths)
    problem = paths if isinstance(paths, str) else _grade_usage(args)
    if problem or isinstance(paths, str):
        print(_("graders grade: {problem}").format(problem=problem), file=sys.stderr)
        return USAGE_ERROR
    limits = Limits(args.timeout, args.memory or DEFAULT_MEMORY_MB)
    if args.out is not None:  # one result file per notebook, however often it is named
        return _grade_batch(args, list(dict.fromkeys(paths)), limits)
    return _grade_each(args, paths, limits)


def _grade_usage(args: argparse.Namespace) -> str | None:
    from graders.assignments import ASSIGNMENTS

    if args.out is None and (args.resume or args.scheduler or args.workers != 1):
        return _("--workers, --resume and --scheduler need --out DIR")
    if args.workers < 1 or (args.memory is not None and args.memory < 64):
        return _("--workers must be at least 1 and --memory at least 64 (MiB)")
    if args.assignment is not None and args.assignment not in ASSIGNMENTS:
        return _("unknown assignment {name} (known: {known})").format(
            name=repr(args.assignment), known=", ".join(ASSIGNMENTS)
        )
    return None


def _grade_each(args: argparse.Namespace, paths: list[Path], limits: Limits) -> int:
    from graders.grading.report import render_text
    from graders.grading.runner import grade

    records = []
    for path in paths:
        record = grade(path, limits, args.assignment).to_json()
        records.append(record)
        if not args.json:
            print(render_text(record), flush=True)
    if args.json:
        print(json.dumps(records[0] if len(records) == 1 else records, indent=2))
    return 0


def _grade_batch(args: argparse.Namespace, paths: list[Path], limits: Limits) -> int:
    import signal

    from graders.grading.batch import run_batch

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)  # `kill` stops the batch as Ctrl-C does

    try:
        records = run_batch(
            paths, args.out, limits, workers=args.workers, resume=args.resume,
            scheduler=args.scheduler, expected=args.assignment,
        )
    except KeyboardInterrupt:
        print(_("graders grade: interrupted; finished results are kept (--resume goes on)"),
              file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(sorted(records, key=lambda r: r["notebook"]), indent=2))
    print(_("gradebook: {csv}; class report: {html}").format(
        csv=args.out / "gradebook.csv", html=args.out / "gradebook.html"
    ), file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    from graders.assignments import ASSIGNMENTS

    for spec in ASSIGNMENTS.values():
        points = _("({notebook}, {points} points)").format(
            notebook=spec.notebook, points=spec.max_score
        )
        print(f"{spec.id}  {spec.title}  {points}")
        for exercise in spec.exercises:
            for check in exercise.checks:
                hidden = "  " + _("(grader only)") if check.hidden else ""
                print(f"  {check.points:>3}  {exercise.name}: {check.name}{hidden}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from graders.notebook.release import release

    findings = release(check=args.check)
    for finding in findings:
        print(finding, file=sys.stderr if finding.problem else sys.stdout)
    problems = [f for f in findings if f.problem]
    if problems:
        print(_("release: {count} problem(s)").format(count=len(problems)), file=sys.stderr)
        return 1
    print(_("release: notebooks/ is up to date") if args.check else _("release: done"))
    return 0
