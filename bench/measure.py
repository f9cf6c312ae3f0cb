"""What every benchmark uses: timed commands, medians, the machine's description, saving."""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PY = sys.executable
#: Below this many seconds a measurement is repeated REPEATS times and its median kept: these
#: machines have sporadic slow spells (one run in three or four can be 20% slower), which a
#: median of 3 did not always outvote.
REPEAT_BELOW_S = 60.0
REPEATS = 5


class BenchError(RuntimeError):
    """A measured command failed: the figure would be meaningless."""


@dataclass(frozen=True)
class Timed:
    """One command's wall-clock and CPU seconds (its whole process tree) and its output."""

    wall_s: float
    cpu_s: float
    stdout: str


def environment(**extra: str) -> dict[str, str]:
    """The environment commands run in: this one, headless, with TensorFlow's logs quiet."""
    return {**os.environ, "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2", **extra}


def run_timed(args: list[str], timeout_s: float = 3600, **env: str) -> Timed:
    """Run args from the repository root; raises BenchError when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            args, cwd=ROOT, env=environment(**env), capture_output=True, text=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{' '.join(args)} ran past {timeout_s:g} s") from error
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout)[-3000:]
        raise BenchError(f"{' '.join(args)} exited with {done.returncode}:\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu, done.stdout)


def last_json(stdout: str) -> Any:
    """The JSON document a measuring script printed on its last line."""
    return json.loads(stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    """The median, rounded for the results file."""
    return round(statistics.median(values), 3)


def ratio(value: float, baseline: float) -> float:
    """value / baseline, rounded to what the noise allows."""
    return round(value / baseline, 3) if baseline else float("nan")


def repeated(measure: Any, minimum: int = 1) -> list[Any]:
    """Call measure() (which returns an object with wall_s, or a tuple of them) once, and
    again up to REPEATS times in all when the first call took under REPEAT_BELOW_S."""
    first = measure()
    results = [first]
    walls = first if isinstance(first, tuple) else (first,)
    times = REPEATS if max(w.wall_s for w in walls) < REPEAT_BELOW_S else minimum
    results += [measure() for _ in range(times - 1)]
    return results


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return 0.0


def gpu_name() -> str | None:
    """The first NVIDIA GPU's name, when nvidia-smi sees one."""
    if not shutil.which("nvidia-smi"):
        return None
    done = subprocess.run(
        ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
        capture_output=True, text=True,
    )
    names = done.stdout.strip().splitlines() if done.returncode == 0 else []
    return names[0].strip() if names else None


def machine() -> dict[str, Any]:
    """The machine and software a figure came from."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "gpu": gpu_name(),
        "python": platform.python_version(),
        "tensorflow": metadata.version("tensorflow"),
        "keras": metadata.version("keras"),
    }


def machine_line(described: dict[str, Any]) -> str:
    """The machine in one line of RESULTS.md."""
    gpu = f", GPU {described['gpu']}" if described.get("gpu") else ", no GPU"
    return (
        f"{described['cores']} cores of {described['cpu']}, {described['memory_gib']} GiB"
        f"{gpu}; Python {described['python']}, TensorFlow {described['tensorflow']}, "
        f"Keras {described['keras']}"
    )


def result_name(name: str) -> str:
    """The results file name of a benchmark: figures from a GPU machine are kept apart."""
    return f"{name}-gpu" if gpu_name() else name


def save(name: str, figures: dict[str, Any], command: str) -> Path:
    """Write the benchmark's figures, with the machine, date and command, to results/."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{result_name(name)}.json"
    record = {
        "benchmark": name,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "machine": machine(),
        **figures,
    }
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path
