"""`python -m bench [NAME...]`: run the benchmarks (all by default) and write RESULTS.md."""

from __future__ import annotations

import argparse
import shlex
import sys

from bench import course, gap, margins, overhead, pipeline, report, scaling, threshold

BENCHMARKS = {
    module.NAME: module
    for module in (overhead, scaling, course, threshold, pipeline, margins, gap)
}


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks in order, saving each one's figures as soon as it ends."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"which to run (default: all): {', '.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}: choose from {', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)
    command = "python -m bench" + (f" {shlex.join(args.names)}" if args.names else "")
    for name in names:
        print(f"bench: {name} ...", flush=True)
        path = BENCHMARKS[name].run(command)
        print(f"bench: {name} saved to {path.relative_to(report.ROOT)}", flush=True)
        report.write(BENCHMARKS)
    report.write(BENCHMARKS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
