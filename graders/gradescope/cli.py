"""The ``gradescope`` command: ``build`` writes an assignment's autograder zip; ``run``
and ``setup`` are what that zip's run_autograder and setup.sh start."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graders.cli import USAGE_ERROR
from graders.gradescope import CONFIG, ROOT_ENV, VISIBILITIES, autograder_root
from graders.i18n import _


def add_subparser(commands: Any) -> None:
    """Add the ``gradescope`` command (build, run, setup) to the main CLI's sub-parsers."""
    from graders.grading.limits import DEFAULT_MEMORY_MB

    gradescope = commands.add_parser("gradescope", help="build a Gradescope autograder")
    gradescope.set_defaults(handler=lambda args: _usage(gradescope))
    actions = gradescope.add_subparsers(title="gradescope commands")
    build = actions.add_parser("build", help="write the autograder zip of one assignment")
    build.add_argument("out", type=Path, metavar="OUT.zip")
    build.add_argument("--assignment", metavar="ID", required=True)
    build.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="wall-clock limit per submission (default: the assignment's own)")
    build.add_argument("--memory", type=int, metavar="MIB", default=None,
                       help=f"memory limit per submission in MiB (default: {DEFAULT_MEMORY_MB})")
    build.add_argument("--visibility", choices=VISIBILITIES, default="visible",
                       help="when learners see the results (default: visible)")
    build.set_defaults(handler=_gradescope_build)
    run = actions.add_parser("run", help="(run_autograder) grade /autograder/submission")
    run.set_defaults(handler=lambda args: _gradescope_run(setup=False))
    setup = actions.add_parser("setup", help="(setup.sh) fetch datasets, check the install")
    setup.set_defaults(handler=lambda args: _gradescope_run(setup=True))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return USAGE_ERROR


def _gradescope_build(args: argparse.Namespace) -> int:
    from graders import course
    from graders.assignments import ASSIGNMENTS
    from graders.gradescope.build import Settings, build_zip, datasets_of
    from graders.grading.runner import DEFAULT_MEMORY_MB

    spec = ASSIGNMENTS.get(args.assignment)
    problem = None
    if spec is None:
        problem = _("unknown assignment {name} (known: {known})").format(
            name=repr(args.assignment), known=", ".join(ASSIGNMENTS)
        )
    elif args.memory is not None and args.memory < 64:
        problem = _("--memory must be at least 64 (MiB)")
    elif args.out.suffix != ".zip":
        problem = _("the autograder is a .zip file, not {name}").format(name=args.out.name)
    if problem or spec is None:
        print(_("graders gradescope build: {problem}").format(problem=problem), file=sys.stderr)
        return USAGE_ERROR
    settings = Settings(
        spec.id, args.timeout, args.memory or DEFAULT_MEMORY_MB, args.visibility,
        datasets_of(course.ROOT / "notebooks" / spec.notebook),
    )
    names = build_zip(settings, args.out)
    print(_("{zip}: autograder for {assignment} ({count} files); upload it as the "
            "assignment's autograder on Gradescope").format(
        zip=args.out, assignment=spec.id, count=len(names)
    ))
    return 0


def _gradescope_run(setup: bool) -> int:
    from graders.gradescope import run

    config = autograder_root() / "source" / CONFIG
    if not config.is_file():
        print(_("graders gradescope: no autograder settings at {path} (this runs inside "
                "Gradescope's /autograder, or the folder {variable} names)").format(
            path=config, variable=ROOT_ENV
        ), file=sys.stderr)
        return USAGE_ERROR
    if setup:
        return run.setup()
    run.run()
    return 0
