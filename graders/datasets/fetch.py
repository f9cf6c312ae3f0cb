"""Put the course datasets where the notebooks' standard loaders look for them.

Each file comes from an offline mirror folder when it holds the file, else from its public
URL (downloaded by ``pooch.retrieve``). Every copy is checked before it is moved, in one
atomic step, to its destination, so a failed or interrupted fetch never leaves a partial
file there. A copy is valid when its
SHA-256 is one the manifest knows (``sha256``, ``upstream_sha256``) or, for a zip with a
``content_sha256``, when it holds exactly the manifest's files (names and bytes): that is how
the public zips, whose own hashes are unknown, and the rebuilt mirror copies both verify.
A photo whose public file's hash is unknown (no ``upstream_sha256``) is accepted from its
URL when it is a readable image: the course only needs a picture there, not those bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import sys
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from graders.datasets.content import zip_content_sha256
from graders.datasets.errors import DatasetError
from graders.datasets.manifest import DataFile, Manifest, load_manifest
from graders.i18n import _

#: Environment variable naming the offline mirror folder when no ``mirror`` is passed.
MIRROR_ENV = "C1_DATA_MIRROR"

#: File names (lower case) of the photos that verify as readable images (see is_image_fallback).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
_CHUNK = 1 << 20
_TIMEOUT_S = 60
_USER_AGENT = "c1-graders-datasets"


def fetch(
    names: list[str] | None = None,
    *,
    mirror: str | Path | None = None,
    progress: bool = True,
    force: bool = False,
    manifest: Manifest | str | Path | None = None,
) -> list[Path]:
    """Make the named datasets (all when None) available; return their files' destinations.

    Source order per file: the mirror folder (``mirror``, else ``$C1_DATA_MIRROR``) when it
    holds the file, else the public URL. A file already at its destination with a valid hash
    is kept unless ``force``. ``manifest`` is a Manifest or a path (default: the repository's
    data/datasets.json). Raises DatasetError on any failure.
    """
    if not isinstance(manifest, Manifest):
        manifest = load_manifest(manifest)
    datasets = manifest.select(names)
    mirror_dir = resolve_mirror(mirror)
    paths: list[Path] = []
    for dataset in datasets:
        for data_file in dataset.files:
            label = f"{dataset.name}: {data_file.path}"
            path = fetch_file(
                data_file, mirror=mirror_dir, progress=progress, force=force, label=label
            )
            paths.append(path)
    return paths


def resolve_mirror(mirror: str | Path | None = None) -> Path | None:
    """The mirror folder to use: ``mirror``, else ``$C1_DATA_MIRROR``, else None (download)."""
    from_environment = mirror is None
    if mirror is None:
        mirror = os.environ.get(MIRROR_ENV) or None
    if mirror is None:
        return None
    path = Path(mirror).expanduser()
    if not path.is_dir() and from_environment:
        raise DatasetError(_("mirror folder {path} (from ${variable}) does not exist").format(
            path=path, variable=MIRROR_ENV
        ))
    if not path.is_dir():
        raise DatasetError(_("mirror folder {path} does not exist").format(path=path))
    return path


def fetch_file(
    data_file: DataFile,
    *,
    mirror: Path | None = None,
    progress: bool = True,
    force: bool = False,
    label: str | None = None,
) -> Path:
    """Make one file available at its destination and return that path.

    A mirror copy must match ``sha256``; a download may match ``sha256`` or, when the manifest
    knows it, ``upstream_sha256`` (the public file, where the mirror copy was rebuilt). Either
    may instead match ``content_sha256``, the digest of a zip's members (see is_valid_copy).
    """
    label = label or data_file.path
    dest = data_file.destination()
    if not force and dest.is_file() and is_valid_copy(dest, data_file):
        _say(progress, _("{label}: already present at {path}").format(label=label, path=dest))
        return dest
    source = mirror / data_file.mirror_path if mirror is not None else None
    if source is not None and source.is_file():
        try:
            _copy(source, dest, data_file, label, progress)
        except OSError as exc:
            raise DatasetError(_("{label}: could not copy {source} to {path}: {error}").format(
                label=label, source=source, path=dest, error=exc
            )) from None
        _say(progress, _("{label}: copied from the mirror to {path}").format(
            label=label, path=dest
        ))
    else:
        _download(data_file, dest, label, progress)
        _say(progress, _("{label}: downloaded to {path}").format(label=label, path=dest))
    return dest


def is_valid_copy(path: Path, data_file: DataFile) -> bool:
    """Whether the file at path is a valid copy of data_file.

    Valid: its SHA-256 is one the manifest accepts, or the manifest gives a content digest
    for it (a zip) and the zip's members, names and bytes, match it, or it is a photo with no
    known public hash and a readable image.
    """
    if _hash_or_none(path) in data_file.accepted_hashes:
        return True
    if is_image_fallback(data_file):
        return image_problem(path) is None
    return data_file.content_sha256 is not None and (
        zip_content_sha256(path) == data_file.content_sha256
    )


def is_image_fallback(data_file: DataFile) -> bool:
    """Whether a copy of data_file may verify as a readable image instead of by its hash.

    True for a photo (by its file name) whose public file's SHA-256 the manifest does not
    know: the mirror's copy was chosen by hand, and any readable picture serves the course.
    """
    return (
        data_file.upstream_sha256 is None
        and data_file.content_sha256 is None
        and data_file.name.lower().endswith(IMAGE_SUFFIXES)
    )


def image_problem(path: Path) -> str | None:
    """None when the file is an image Pillow reads in full, else what is wrong with it."""
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        return _("not readable as an image here: Pillow is not installed")
    try:
        with Image.open(path) as image:
            image.load()
            size = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return _("not a readable image ({error})").format(error=exc)
    if min(size) < 1:
        return _("an empty image")
    return None


def _sha256(path: Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _hash_or_none(path: Path) -> str | None:
    try:
        return _sha256(path)
    except OSError:
        return None  # unreadable: fetch it again


def _copy(source: Path, dest: Path, data_file: DataFile, label: str, progress: bool) -> None:
    """Copy a mirror file next to dest, verify it (by ``sha256`` or its content), move it."""
    with _part_file(dest) as tmp:
        with (
            open(source, "rb") as stream,
            tqdm.wrapattr(
                stream, "read", total=data_file.size, desc=label, disable=not progress,
                file=sys.stderr, leave=False,
            ) as reading,
            open(tmp, "xb") as out,
        ):
            shutil.copyfileobj(reading, out, _CHUNK)
        _verify(
            tmp,
            (data_file.sha256,),
            label,
            what=_("mirror copy {path}").format(path=source),
            content_sha256=data_file.content_sha256,
        )
        os.replace(tmp, dest)


def _download(data_file: DataFile, dest: Path, label: str, progress: bool) -> None:
    """Download data_file's URL (pooch.retrieve) next to dest, verify it, move it into place."""
    import pooch
    import requests
    import urllib3.exceptions

    url = data_file.url
    what = _("download from {url}").format(url=url)
    downloader = pooch.HTTPDownloader(
        progressbar=progress, chunk_size=_CHUNK, headers={"User-Agent": _USER_AGENT},
        timeout=_TIMEOUT_S,
    )
    with _part_file(dest) as tmp, _pooch_silenced():
        try:
            pooch.retrieve(url, None, fname=tmp.name, path=tmp.parent, downloader=downloader)
        except requests.HTTPError as exc:  # from raise_for_status: it has the response
            response = typing.cast(requests.Response, exc.response)
            raise DatasetError(
                _("{label}: download from {url} failed: HTTP {code} {reason}").format(
                    label=label, url=url, code=response.status_code, reason=response.reason
                )
            ) from None
        except requests.ConnectionError as exc:
            raise DatasetError(_("{label}: could not download {url}: {reason}").format(
                label=label, url=url, reason=_first_cause(exc)
            )) from None
        except OSError as exc:  # requests' errors are OSErrors too
            cause = _first_cause(exc)
            if isinstance(cause, urllib3.exceptions.IncompleteRead):
                raise DatasetError(
                    _("{label}: {what} is incomplete: got {received} of {total} bytes").format(
                        label=label, what=what, received=cause.partial,
                        total=cause.partial + cause.expected,
                    )
                ) from None
            reason = str(cause) or type(cause).__name__
            raise DatasetError(_("{label}: download from {url} failed: {reason}").format(
                label=label, url=url, reason=reason
            )) from None
        _verify(
            tmp,
            data_file.accepted_hashes,
            label,
            what=what,
            hint=_hint(data_file),
            content_sha256=data_file.content_sha256,
            image=is_image_fallback(data_file),
        )
        os.replace(tmp, dest)


@contextmanager
def _part_file(dest: Path) -> Iterator[Path]:
    """A new temporary path next to dest (its folder made), removed afterwards if still there."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.part"
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _pooch_silenced() -> Iterator[None]:
    """pooch's logger at WARNING meanwhile: it would print each download and its hash."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _first_cause(exc: BaseException) -> BaseException:
    """The error at the start of exc's chain (requests wraps urllib3's, which wraps the OS's)."""
    while (cause := exc.__cause__ or exc.__context__) is not None:
        exc = cause
    return exc


def _hint(data_file: DataFile) -> str:
    if is_image_fallback(data_file):
        return ""
    if data_file.upstream_sha256 is None and data_file.content_sha256 is None:
        return " " + _(
            "(the manifest does not know the public file's hash: the mirror copy was"
            " rebuilt; fetch from a mirror with --mirror or ${variable})"
        ).format(variable=MIRROR_ENV)
    return ""


def _verify(
    path: Path,
    expected: tuple[str, ...],
    label: str,
    *,
    what: str,
    hint: str = "",
    content_sha256: str | None = None,
    image: bool = False,
) -> None:
    """Raise DatasetError unless the file's SHA-256 is in ``expected``.

    A file with another SHA-256 is still accepted when it is a zip whose content digest is
    ``content_sha256``, or, with ``image``, when it is a readable image.
    """
    got = _sha256(path)
    if got in expected:
        return
    either = _(" or ").join(expected)
    if image:
        problem = image_problem(path)
        if problem is not None:
            raise DatasetError(_(
                "{label}: {what} is not the expected file: its SHA-256 {got} is not "
                "{expected}, and it is {problem}"
            ).format(label=label, what=what, got=got, expected=either, problem=problem))
        return
    if content_sha256 is None:
        raise DatasetError(_(
            "{label}: SHA-256 mismatch for {what}: expected {expected}, got {got}"
        ).format(label=label, what=what, expected=either, got=got) + hint)
    content = zip_content_sha256(path)
    if content != content_sha256:
        found = (
            _("not a readable zip") if content is None
            else _("content digest {digest}").format(digest=content)
        )
        raise DatasetError(_(
            "{label}: {what} is not the expected file: its SHA-256 {got} is not "
            "{expected}, and its members do not match the manifest's content digest "
            "{digest} (found {found})"
        ).format(
            label=label, what=what, got=got, expected=either, digest=content_sha256,
            found=found,
        ) + hint)


def _say(progress: bool, message: str) -> None:
    if progress:
        tqdm.write(message, file=sys.stderr)
