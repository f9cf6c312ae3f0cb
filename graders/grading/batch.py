"""Grading many submissions at once: a local pool, or a Dask cluster with --scheduler.

Each submission is sent as (name, bytes), so a Dask worker needs the course installed but
not the submissions' folder. Results are written, atomically, as each one arrives, so an
interrupted batch loses nothing already graded; with ``resume`` a submission whose result
exists for the same bytes (SHA-256) is not graded again.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from graders.grading.gradebook import write_atomically, write_gradebook
from graders.grading.progress import Progress
from graders.grading.report import render_html, render_markdown
from graders.grading.result import Record
from graders.grading.runner import Limits, grade

#: The arguments of one grade_source call: name, bytes, limits, expected assignment.
Call = tuple[str, bytes | None, Limits, str | None]


def grade_source(
    name: str,
    data: bytes | None,
    limits: Limits,
    expected: str | None,
    stop: threading.Event | None = None,
) -> Record:
    """Grade a notebook given by its bytes (None: unreadable) under name; its result JSON.
    Setting stop (an interrupted batch) stops its grading."""
    with tempfile.TemporaryDirectory(prefix="graders-batch-") as folder:
        path = Path(folder, Path(name).name)
        if data is not None:
            path.write_bytes(data)
        result = grade(path, limits, expected, stop=stop)
    record = result.to_json()
    record["notebook"] = name
    return record


def result_key(path: Path) -> str:
    """A file name for the submission's result: readable, and unique per absolute path."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", str(path)).strip("._")[-80:]
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]
    return f"{readable}-{digest}"


def _read(path: Path) -> tuple[bytes | None, str | None]:
    try:
        data = path.read_bytes()
    except OSError:
        return None, None
    return data, hashlib.sha256(data).hexdigest()


def _previous(out: Path, key: str, sha256: str | None) -> Record | None:
    try:
        record = json.loads((out / "results" / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if sha256 and record.get("sha256") == sha256 else None


def _local(workers: int) -> Callable[[list[Call]], Iterator[Record]]:
    def run(calls: list[Call]) -> Iterator[Record]:
        stop = threading.Event()
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(grade_source, *call, stop=stop) for call in calls]
            try:
                for future in concurrent.futures.as_completed(futures):
                    yield future.result()
            finally:  # interrupted: stop the running workers, start no more
                stop.set()
                for future in futures:
                    future.cancel()

    return run


def _threads_per_host(client: Any) -> int:
    """How many submissions a host of the cluster grades at once: the most Dask worker
    threads on one host (each grades one submission at a time)."""
    per_host: dict[str, int] = {}
    for worker in client.scheduler_info()["workers"].values():
        host = str(worker.get("host"))
        per_host[host] = per_host.get(host, 0) + int(worker.get("nthreads", 1))
    return max(per_host.values(), default=1)


def _dask(address: str) -> Callable[[list[Call]], Iterator[Record]]:
    def run(calls: list[Call]) -> Iterator[Record]:
        from distributed import Client, as_completed

        with Client(address) as client:
            at_once = _threads_per_host(client)
            futures = [
                client.submit(grade_source, name, data, replace(given, concurrent=at_once),
                              wanted, pure=False)
                for name, data, given, wanted in calls
            ]
            try:
                for future in as_completed(futures):
                    yield future.result()
            finally:
                client.cancel(futures)

    return run


def run_batch(
    paths: list[Path],
    out: Path,
    limits: Limits,
    workers: int = 1,
    resume: bool = False,
    scheduler: str | None = None,
    expected: str | None = None,
) -> list[Record]:
    """Grade every path into out/; returns the records in the gradebook (results + keys)."""
    for folder in (out, out / "results", out / "reports"):
        folder.mkdir(parents=True, exist_ok=True)
    records: dict[str, Record] = {}
    calls: list[Call] = []
    pending = {}
    for path in paths:
        key = result_key(path)
        data, sha256 = _read(path)
        previous = _previous(out, key, sha256) if resume else None
        if previous is not None:
            records[key] = previous
            if not (out / "reports" / f"{key}.html").exists():  # graded by an older version
                write_atomically(out / "reports" / f"{key}.html", render_html(previous))
            continue
        pending[str(path)] = (key, sha256)
        calls.append((str(path), data, limits, expected))
    progress = Progress(len(paths), len(records))
    runner = _dask(scheduler) if scheduler else _local(max(1, workers))
    if not scheduler:  # each of the workers gets its share of the cores
        calls = [(name, data, replace(given, concurrent=max(1, workers)), wanted)
                 for name, data, given, wanted in calls]
    try:
        for record in runner(calls):
            key, sha256 = pending[record["notebook"]]
            record["key"], record["sha256"] = key, sha256
            write_atomically(out / "reports" / f"{key}.md", render_markdown(record))
            write_atomically(out / "reports" / f"{key}.html", render_html(record))
            write_atomically(out / "results" / f"{key}.json", json.dumps(record, indent=2))
            records[key] = record
            progress.update(record)
    finally:
        progress.close()
        write_gradebook(out, list(records.values()))
    return list(records.values())
