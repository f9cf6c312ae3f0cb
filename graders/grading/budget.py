"""The CPU budget of one graded process: how many threads TensorFlow and OpenMP may use.

TensorFlow sizes its intra-op and inter-op pools for the whole machine by default, so two
submissions graded side by side on two cores run four pools that hand work back and forth
(bench/RESULTS.md, batch scaling). Each graded process (and each notebook that nbval runs)
gets instead its share of the cores this process may run on (``os.sched_getaffinity``):
the cores divided by how many run at once, at least one thread. The thread counts reach
TensorFlow through the environment (``TF_NUM_INTRAOP_THREADS``, ``TF_NUM_INTEROP_THREADS``,
``OMP_NUM_THREADS``), which it reads when it starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from graders.i18n import ngettext


@dataclass(frozen=True)
class CpuBudget:
    """The cores a run has, how many processes share them, and the threads each gets."""

    cores: int
    concurrent: int

    @property
    def threads(self) -> int:
        """Threads for each process: its share of the cores, at least one."""
        return max(1, self.cores // max(1, self.concurrent))

    def environment(self) -> dict[str, str]:
        """The variables that set TensorFlow's and OpenMP's thread counts."""
        threads = str(self.threads)
        return {"TF_NUM_INTRAOP_THREADS": threads, "TF_NUM_INTEROP_THREADS": threads,
                "OMP_NUM_THREADS": threads}

    def describe(self) -> str:
        """The budget in words, for the result's ``isolation.cpu``."""
        at_once = ngettext("{count} submission at once", "{count} submissions at once",
                           self.concurrent).format(count=self.concurrent)
        return ngettext(
            "{threads} thread for TensorFlow's intra-op and inter-op pools and OpenMP "
            "({cores} cores, {at_once})",
            "{threads} threads for TensorFlow's intra-op and inter-op pools and OpenMP "
            "({cores} cores, {at_once})",
            self.threads,
        ).format(threads=self.threads, cores=self.cores, at_once=at_once)


def available_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def cpu_budget(concurrent: int = 1) -> CpuBudget:
    """The budget of each of concurrent processes sharing this process's cores."""
    return CpuBudget(available_cores(), max(1, concurrent))
