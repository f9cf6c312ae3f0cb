"""Batch progress: a bar with counts and ETA on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from graders.grading.result import Record, status_word
from graders.i18n import _


class Progress:
    """Reports each finished submission; call close() at the end."""

    def __init__(self, total: int, skipped: int, stream: TextIO = sys.stderr) -> None:
        self.total, self.done, self.errors = total, skipped, 0
        self.stream, self.started = stream, time.monotonic()
        self.bar = None
        if stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=skipped, unit="nb", file=stream,
                            desc=_("grading"), dynamic_ncols=True)
        elif skipped:
            print(_("[{skipped}/{total}] already graded, skipped (--resume)").format(
                skipped=skipped, total=total), file=stream)

    def update(self, record: Record) -> None:
        """Count one finished submission."""
        self.done += 1
        self.errors += record.get("status") != "graded"
        if self.bar is not None:
            self.bar.set_postfix(errors=self.errors, refresh=False)
            self.bar.update(1)
            return
        print(
            f"[{self.done}/{self.total}] {record['notebook']}: {record['score']}/"
            f"{record['max_score']} {status_word(record['status'])} "
            f"({record['duration_s']:.1f} s)",
            file=self.stream,
            flush=True,
        )

    def close(self) -> None:
        """Finish the bar (or print the totals)."""
        if self.bar is not None:
            self.bar.close()
        elapsed = time.monotonic() - self.started
        print(_("graded {done}/{total} ({errors} with errors) in {seconds:.0f} s").format(
            done=self.done, total=self.total, errors=self.errors, seconds=elapsed
        ), file=self.stream, flush=True)
