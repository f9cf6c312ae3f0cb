"""The ``data`` command: ``data fetch [NAME ...]`` and ``data list``.

The main CLI calls :func:`add_subparser` with its argparse sub-parsers, then
``args.handler(args)``, which returns the exit code: 0 on success, 1 on error (one line on
stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from graders.datasets.errors import DatasetError
from graders.datasets.fetch import MIRROR_ENV, fetch
from graders.datasets.manifest import Dataset, load_manifest
from graders.i18n import _, ngettext


def add_subparser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``data`` command to ``subparsers`` (from ``add_subparsers()``); return its parser."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--manifest",
        metavar="FILE",
        type=Path,
        default=None,
        help="dataset manifest (default: data/datasets.json in the repository)",
    )
    data = subparsers.add_parser(
        "data",
        help="fetch or list the course datasets",
        description="Fetch the course datasets to where the notebooks look for them, or list them.",
    )
    data.set_defaults(handler=_no_command)
    commands = data.add_subparsers(dest="data_command", metavar="{fetch,list}")

    fetch_parser = commands.add_parser(
        "fetch",
        parents=[common],
        help="copy or download datasets and check their hashes",
        description=(
            "Put datasets where Keras and SciPy look for them ($KERAS_HOME/datasets, "
            "pooch's scipy-data cache), copying them from a mirror folder when it holds them, "
            "else downloading them, and check each file's SHA-256."
        ),
    )
    fetch_parser.add_argument(
        "names", nargs="*", metavar="NAME", help="datasets to fetch (default: all; see 'data list')"
    )
    fetch_parser.add_argument(
        "--mirror",
        metavar="DIR",
        default=None,
        help=f"offline mirror folder (default: ${MIRROR_ENV}; without either, download)",
    )
    fetch_parser.add_argument(
        "--force", action="store_true", help="fetch again even when a valid copy is present"
    )
    fetch_parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bars or messages"
    )
    fetch_parser.set_defaults(handler=run_fetch)

    list_parser = commands.add_parser(
        "list",
        parents=[common],
        help="list the datasets and whether they are present",
        description="List each dataset's name, size, notebooks and whether its files are present.",
    )
    list_parser.set_defaults(handler=run_list)
    return data


def run_fetch(args: argparse.Namespace) -> int:
    """Handler of ``data fetch``."""
    try:
        paths = fetch(
            args.names or None,
            mirror=args.mirror,
            progress=not args.quiet,
            force=args.force,
            manifest=args.manifest,
        )
    except DatasetError as exc:
        return _fail(exc)
    if not args.quiet:
        print(ngettext("{count} file ready", "{count} files ready", len(paths)).format(
            count=len(paths)
        ))
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Handler of ``data list``."""
    try:
        datasets = load_manifest(args.manifest).datasets
        rows = [
            (d.name, tqdm.format_sizeof(d.size, "B", 1000), _presence(d), ", ".join(d.used_by))
            for d in datasets
        ]
    except DatasetError as exc:
        return _fail(exc)
    # TRANSLATORS: the column heads of `data list`
    header = (_("NAME"), _("SIZE"), _("PRESENT"), _("USED BY"))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[3]]))
    return 0


def _no_command(args: argparse.Namespace) -> int:
    print(_("error: 'data' needs a command: fetch or list (see 'data --help')"), file=sys.stderr)
    return 1


def _fail(exc: DatasetError) -> int:
    print(_("error: {problem}").format(problem=exc), file=sys.stderr)
    return 1


def _presence(dataset: Dataset) -> str:
    """'yes', 'no' or 'partial (k/n)': which files exist at their destinations (no hash check)."""
    present = sum(f.destination().is_file() for f in dataset.files)
    if present == len(dataset.files):
        return _("yes")
    if present == 0:
        return _("no")
    return _("partial ({present}/{total})").format(present=present, total=len(dataset.files))
