"""Read and check data/datasets.json, the list of every dataset the course uses."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from graders import course
from graders.datasets.errors import DatasetError
from graders.datasets.paths import CACHES, cache_root
from graders.i18n import _, ngettext

_SHA256 = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def default_manifest_path() -> Path:
    """``<repository root>/data/datasets.json``."""
    return course.ROOT / "data" / "datasets.json"


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: where it comes from, its checksums and where it lands."""

    url: str
    mirror_path: str
    sha256: str
    upstream_sha256: str | None
    size: int
    cache: str
    path: str
    license: str | None = None
    note: str | None = None
    #: For a zip: the digest of its members' names and bytes (see datasets/content.py), which
    #: any zip holding the same files matches, whatever its compression or member order.
    content_sha256: str | None = None

    @property
    def name(self) -> str:
        """The file's base name."""
        return PurePosixPath(self.path).name

    @property
    def accepted_hashes(self) -> tuple[str, ...]:
        """SHA-256 values a valid copy may have: the mirror's, then the public file's if known."""
        if self.upstream_sha256 and self.upstream_sha256 != self.sha256:
            return (self.sha256, self.upstream_sha256)
        return (self.sha256,)

    def destination(self) -> Path:
        """Where the file lands, from the current environment (KERAS_HOME, XDG_CACHE_HOME)."""
        return cache_root(self.cache).joinpath(*PurePosixPath(self.path).parts)


@dataclass(frozen=True)
class Dataset:
    """A named dataset: its description, who uses it, its license and its files."""

    name: str
    description: str
    used_by: tuple[str, ...]
    license: str
    files: tuple[DataFile, ...]
    note: str | None = None

    @property
    def size(self) -> int:
        """Total size in bytes of the mirror copies."""
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class Manifest:
    """Every dataset, in manifest order, and the file they were read from."""

    datasets: tuple[Dataset, ...]
    source: Path | None = None

    @property
    def names(self) -> list[str]:
        """Dataset names, in manifest order."""
        return [d.name for d in self.datasets]

    def select(self, names: list[str] | None = None) -> list[Dataset]:
        """The datasets called ``names`` (all when None); unknown names raise DatasetError."""
        if names is None:
            return list(self.datasets)
        by_name = {d.name: d for d in self.datasets}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise DatasetError(ngettext(
                "unknown dataset {names}; valid names: {valid}",
                "unknown datasets {names}; valid names: {valid}",
                len(unknown),
            ).format(names=", ".join(unknown), valid=", ".join(self.names)))
        return [by_name[n] for n in dict.fromkeys(names)]


def load_manifest(path: str | Path | None = None) -> Manifest:
    """Read and validate a manifest (default: the repository's data/datasets.json)."""
    source = Path(path) if path is not None else default_manifest_path()
    try:
        raw = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(_("dataset manifest not found: {path}").format(path=source)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(_("cannot read dataset manifest {path}: {error}").format(
            path=source, error=exc
        )) from None
    try:
        return parse_manifest(raw, source=source)
    except DatasetError as exc:
        raise DatasetError(_("invalid dataset manifest {path}: {error}").format(
            path=source, error=exc
        )) from None


def parse_manifest(raw: Any, *, source: Path | None = None) -> Manifest:
    """Validate a manifest already decoded from JSON."""
    items = _field(raw, "datasets", list, _("manifest"))
    datasets = tuple(_dataset(item, f"datasets[{i}]") for i, item in enumerate(items))
    _unique([d.name for d in datasets], _("dataset name"))
    files = [f for d in datasets for f in d.files]
    _unique([f.mirror_path for f in files], "mirror_path")
    _unique([(f"{'keras' if f.cache == 'course' else f.cache}:{f.path}") for f in files], "dest")
    return Manifest(datasets=datasets, source=source)


def _dataset(raw: Any, where: str) -> Dataset:
    name = _field(raw, "name", str, where)
    if not _NAME.fullmatch(name):
        raise DatasetError(_("{where}: name {name} must be lower-case letters, digits and '-'")
                           .format(where=where, name=repr(name)))
    where = _("dataset {name}").format(name=repr(name))
    used_by = _field(raw, "used_by", list, where)
    if not all(isinstance(u, str) for u in used_by):
        raise DatasetError(_("{where}: used_by must be a list of strings").format(where=where))
    files = _field(raw, "files", list, where)
    if not files:
        raise DatasetError(_("{where}: files is empty").format(where=where))
    return Dataset(
        name=name,
        description=_field(raw, "description", str, where),
        used_by=tuple(used_by),
        license=_field(raw, "license", str, where),
        files=tuple(_file(f, f"{where} files[{i}]") for i, f in enumerate(files)),
        note=_optional(raw, "note", where),
    )


def _file(raw: Any, where: str) -> DataFile:
    dest = _field(raw, "dest", dict, where)
    cache = _field(dest, "cache", str, f"{where} dest")
    if cache not in CACHES:
        raise DatasetError(_("{where}: dest.cache {cache} is not one of {known}").format(
            where=where, cache=repr(cache), known=", ".join(CACHES)
        ))
    size = _field(raw, "size", int, where)
    if isinstance(size, bool) or size < 0:
        raise DatasetError(_("{where}: size must be a non-negative integer").format(where=where))
    url = _field(raw, "url", str, where)
    if not url.startswith(("https://", "http://")):
        raise DatasetError(_("{where}: url {url} must start with https:// or http://").format(
            where=where, url=repr(url)
        ))
    upstream = raw.get("upstream_sha256")
    if upstream is not None:
        upstream = _sha256(upstream, "upstream_sha256", where)
    content = raw.get("content_sha256")
    if content is not None:
        content = _sha256(content, "content_sha256", where)
    return DataFile(
        url=url,
        mirror_path=_relative(_field(raw, "mirror_path", str, where), "mirror_path", where),
        sha256=_sha256(_field(raw, "sha256", str, where), "sha256", where),
        upstream_sha256=upstream,
        size=size,
        cache=cache,
        path=_relative(_field(dest, "path", str, f"{where} dest"), "dest.path", where),
        license=_optional(raw, "license", where),
        note=_optional(raw, "note", where),
        content_sha256=content,
    )


def _field(raw: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(raw, dict):
        raise DatasetError(_("{where} must be a JSON object").format(where=where))
    if key not in raw:
        raise DatasetError(_("{where}: missing {key}").format(where=where, key=repr(key)))
    value = raw[key]
    if not isinstance(value, kind):
        raise DatasetError(_("{where}: {key} must be a {kind}, got {value}").format(
            where=where, key=repr(key), kind=kind.__name__, value=repr(value)
        ))
    return value


def _optional(raw: dict[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise DatasetError(_("{where}: {key} must be a string").format(where=where, key=repr(key)))
    return value


def _sha256(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise DatasetError(_("{where}: {key} must be 64 lower-case hex digits, got {value}")
                           .format(where=where, key=key, value=repr(value)))
    return value


def _relative(value: str, key: str, where: str) -> str:
    parts = PurePosixPath(value).parts
    if not parts or value.startswith("/") or "\\" in value or ".." in parts:
        raise DatasetError(_("{where}: {key} {value} must be a plain relative path").format(
            where=where, key=key, value=repr(value)
        ))
    return value


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise DatasetError(_("duplicate {what} {value}").format(what=what, value=repr(value)))
        seen.add(value)
