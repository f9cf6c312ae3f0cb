"""`graders gradescope build`: the autograder zip of one assignment.

The zip carries the course itself (the graders package, the released notebooks the
structure checks compare with, the dataset manifest, requirements.txt and pyproject.toml),
so Gradescope needs no access to this repository: setup.sh installs it from
/autograder/source with its pinned requirements from PyPI. Its settings (assignment,
limits, visibility) are in graders-autograder.json. The zip is the same, byte for byte,
for the same course files and settings.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from graders import course
from graders.gradescope import CONFIG
from graders.grading.runner import DEFAULT_MEMORY_MB
from graders.notebook.cells import files_under

#: The course files the zip carries, relative to the repository (folders: every file).
COURSE_FILES = ("graders", "notebooks", "data/datasets.json", "requirements.txt",
                "pyproject.toml", "README.md")
SCRIPTS = ("setup.sh", "run_autograder")
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Settings:
    """What the autograder grades and how: the assignment, the limits of `graders grade`
    (timeout None: the assignment's own) and what learners see of the results."""

    assignment: str
    timeout_s: float | None = None
    memory_mb: int = DEFAULT_MEMORY_MB
    visibility: str = "visible"
    datasets: tuple[str, ...] = ()


def datasets_of(notebook: Path) -> tuple[str, ...]:
    """The datasets a released notebook names in its metadata (graders.datasets)."""
    metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    return tuple(metadata.get("graders", {}).get("datasets", []))


def _course_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in COURSE_FILES:
        path = root / name
        if path.is_dir():
            files += [
                p for p in files_under(path, "*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
            ]
        else:
            files.append(path)
    return sorted(files)


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_zip(settings: Settings, out: Path, root: Path = course.ROOT) -> list[str]:
    """Write the autograder zip for settings to out; returns the names it holds."""
    here = Path(__file__).parent
    names = []
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for script in SCRIPTS:
            _add(archive, script, (here / script).read_bytes(), executable=True)
        config = json.dumps(asdict(settings), indent=2) + "\n"
        _add(archive, CONFIG, config.encode())
        for path in _course_files(root):
            name = path.relative_to(root).as_posix()
            _add(archive, name, path.read_bytes(), executable=name.endswith(SCRIPTS))
        names = archive.namelist()
    partial.replace(out)
    return names
