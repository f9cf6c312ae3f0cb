"""What one graded submission may use (a module of its own, light enough for the CLI)."""

from __future__ import annotations

from dataclasses import dataclass

#: Memory a submission may use (MiB), unless --memory says otherwise.
DEFAULT_MEMORY_MB = 4096


@dataclass(frozen=True)
class Limits:
    """What one submission may use: wall-clock seconds (None: the assignment's), memory, and
    how many submissions run at once (each gets that share of the cores: see budget)."""

    timeout_s: float | None = None
    memory_mb: int = DEFAULT_MEMORY_MB
    concurrent: int = 1
