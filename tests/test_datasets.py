"""graders.datasets: the manifest, fetch() and the `data` command.

Most tests use a small manifest written to tmp_path, a fake mirror folder and a loopback
HTTP server. The last ones check the real mirror (``$C1_DATA_MIRROR``, default
``<repo>/../shared/data``) and fail, not skip, when it is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pooch
import pytest

from graders.datasets import MIRROR_ENV, DatasetError, fetch, load_manifest
from graders.datasets.cli import add_subparser
from graders.datasets.content import zip_content_sha256
from graders.datasets.manifest import default_manifest_path
from graders.datasets.paths import cache_root, keras_home

REPO = Path(__file__).resolve().parents[1]
# Read before any test changes the environment.
REAL_MIRROR = Path(os.environ.get(MIRROR_ENV) or REPO.parent / "shared" / "data")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- a loopback HTTP server -----------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.hits += 1  # type: ignore[attr-defined]
        route = self.server.routes.get(self.path)  # type: ignore[attr-defined]
        if route is None:
            self.send_error(404, "Not Found")
            return
        body, declared_length = route
        self.send_response(200)
        self.send_header("Content-Length", str(declared_length))
        self.end_headers()
        self.wfile.write(body)  # fewer bytes than declared: the client sees a cut download

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.routes = {}  # type: ignore[attr-defined]
        self.httpd.hits = 0  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def requests(self) -> int:
        return self.httpd.hits  # type: ignore[attr-defined]

    def serve(self, path: str, body: bytes, *, declared_length: int | None = None) -> str:
        length = len(body) if declared_length is None else declared_length
        self.httpd.routes[path] = (body, length)  # type: ignore[attr-defined]
        return self.url + path


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()
    thread.join(5)


# --- an isolated environment and a small fake course ----------------------------------------


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Keras home and XDG cache in tmp_path, no mirror variable, no proxy for loopback."""
    dirs = {"keras": tmp_path / "keras-home", "xdg": tmp_path / "xdg-cache"}
    monkeypatch.setenv("KERAS_HOME", str(dirs["keras"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(dirs["xdg"]))
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return dirs


CONTENT = {
    "alpha/a.bin": b"alpha file one\n" * 5000,
    "alpha/b.bin": b"alpha file two\n" * 7,
    "beta.dat": b"beta scipy-style data\n" * 300,
    "gamma/g.jpg": b"gamma photo as in the mirror\n" * 40,
}
# What the public URL serves for gamma: a different file whose hash the manifest knows.
GAMMA_UPSTREAM = b"gamma photo as published upstream\n" * 40


def entry(mirror_path: str, cache: str, dest: str, url: str, **extra: Any) -> dict[str, Any]:
    data = CONTENT[mirror_path]
    return {
        "url": url,
        "mirror_path": mirror_path,
        "sha256": sha(data),
        "upstream_sha256": None,
        "size": len(data),
        "dest": {"cache": cache, "path": dest},
        **extra,
    }


def dataset(name: str, *files: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "description": f"{name} data",
        "used_by": ["W9 labs"],
        "license": "CC0",
        "files": list(files),
    }


def write_manifest(path: Path, datasets: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"schema_version": 1, "datasets": datasets}), encoding="utf-8")
    return path


class Fake:
    def __init__(self, tmp_path: Path, server: Server) -> None:
        self.server = server
        self.mirror = tmp_path / "mirror"
        for rel, data in CONTENT.items():
            (self.mirror / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.mirror / rel).write_bytes(data)
        self.datasets = [
            dataset(
                "alpha",
                entry("alpha/a.bin", "keras", "alpha/a.bin", server.url + "/a.bin"),
                entry("alpha/b.bin", "keras", "b.bin", server.url + "/b.bin"),
            ),
            dataset("beta", entry("beta.dat", "scipy-data", "beta.dat", server.url + "/beta.dat")),
            dataset(
                "gamma",
                entry(
                    "gamma/g.jpg",
                    "course",
                    "photos/g.jpg",
                    server.url + "/g.jpg",
                    upstream_sha256=sha(GAMMA_UPSTREAM),
                ),
            ),
        ]
        self.manifest = write_manifest(tmp_path / "datasets.json", self.datasets)

    def dest(self, mirror_path: str, env: dict[str, Path]) -> Path:
        return {
            "alpha/a.bin": env["keras"] / "datasets" / "alpha" / "a.bin",
            "alpha/b.bin": env["keras"] / "datasets" / "b.bin",
            "beta.dat": env["xdg"] / "scipy-data" / "beta.dat",
            "gamma/g.jpg": env["keras"] / "datasets" / "photos" / "g.jpg",
        }[mirror_path]


@pytest.fixture
def fake(tmp_path: Path, server: Server) -> Fake:
    return Fake(tmp_path, server)


def leftovers(folder: Path) -> list[str]:
    """Files other than the expected ones: temporary .part files must never remain."""
    return sorted(p.name for p in folder.rglob("*") if p.is_file() and p.name.endswith(".part"))


# --- manifest -------------------------------------------------------------------------------

COURSE_DATASETS = {
    "mnist",
    "fashion-mnist",
    "horse-or-human",
    "validation-horse-or-human",
    "happy-or-sad",
    "ascent",
    "sample-images",
    "sample-images-extra",
}


def test_repo_manifest_puts_files_where_the_notebooks_look() -> None:
    manifest = load_manifest()
    assert manifest.source == REPO / "data" / "datasets.json" == default_manifest_path()
    assert set(manifest.names) == COURSE_DATASETS
    dests = {d.name: [(f.cache, f.path) for f in d.files] for d in manifest.datasets}
    assert dests["mnist"] == [("keras", "mnist.npz")]
    assert dests["fashion-mnist"] == [
        ("keras", f"fashion-mnist/{n}-ubyte.gz")
        for n in ("train-images-idx3", "train-labels-idx1", "t10k-images-idx3", "t10k-labels-idx1")
    ]
    for name in ("horse-or-human", "validation-horse-or-human", "happy-or-sad"):
        assert dests[name] == [("keras", f"{name}.zip")]
    assert dests["ascent"] == [("scipy-data", "ascent.dat")]
    photos = dests["sample-images"] + dests["sample-images-extra"]
    assert (len(dests["sample-images"]), len(photos)) == (4, 5)
    assert all(c == "course" and p.startswith("sample-images/") for c, p in photos)
    (mnist_file,) = manifest.select(["mnist"])[0].files
    assert mnist_file.upstream_sha256 == (
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
    )
    (ascent_file,) = manifest.select(["ascent"])[0].files
    assert ascent_file.upstream_sha256 == ascent_file.sha256
    for data_file in (f for d in manifest.datasets for f in d.files):
        assert data_file.url.startswith("https://")
        if data_file.upstream_sha256 is None:
            assert data_file.note, f"{data_file.path}: a null upstream_sha256 needs a note"


def test_destinations_are_read_from_the_environment_at_call_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, Path]
) -> None:
    assert cache_root("keras") == cache_root("course") == env["keras"] / "datasets"
    # pooch (through platformdirs) honours XDG_CACHE_HOME when it is read, as scipy's cache.
    assert pooch.os_cache("scipy-data") == env["xdg"] / "scipy-data" == cache_root("scipy-data")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "other"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
    assert cache_root("keras") == tmp_path / "other" / "datasets"
    assert cache_root("scipy-data") == tmp_path / "other-cache" / "scipy-data"
    # Keras' own defaults: ~/.keras, and /tmp/.keras for an empty (unusable) KERAS_HOME.
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    assert keras_home() == tmp_path / "home" / ".keras"
    monkeypatch.setenv("KERAS_HOME", "")
    assert keras_home() == Path("/tmp/.keras")
    with pytest.raises(DatasetError, match="unknown cache"):
        cache_root("nowhere")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["datasets"][0].pop("license"), "missing 'license'"),
        (lambda m: m["datasets"][0]["files"][0].update(sha256="abc"), "sha256 must be 64"),
        (lambda m: m["datasets"][0]["files"][0]["dest"].update(cache="home"), "dest.cache"),
        (lambda m: m["datasets"][0]["files"][0]["dest"].update(path="../x"), "plain relative"),
        (lambda m: m["datasets"][0]["files"][0].update(size=-1), "non-negative"),
        (lambda m: m["datasets"][1].update(name="alpha"), "duplicate dataset name 'alpha'"),
        (lambda m: m["datasets"][1]["files"][0].update(mirror_path="alpha/a.bin"), "duplicate"),
        (lambda m: m["datasets"][0]["files"][0].update(url="ftp://x/y"), "must start with"),
    ],
    ids=[
        "no-license",
        "bad-sha",
        "bad-cache",
        "escaping-path",
        "negative-size",
        "dup-name",
        "dup-mirror-path",
        "bad-url",
    ],
)
def test_invalid_manifest_is_rejected(
    fake: Fake, tmp_path: Path, change: Any, message: str
) -> None:
    raw = json.loads(fake.manifest.read_text())
    change(raw)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(DatasetError, match="invalid dataset manifest") as info:
        load_manifest(bad)
    assert message in str(info.value)


def test_missing_or_unreadable_manifest(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="dataset manifest not found: .*nope.json"):
        load_manifest(tmp_path / "nope.json")
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(DatasetError, match="cannot read dataset manifest"):
        fetch(["x"], manifest=tmp_path / "broken.json")


def test_unknown_names_list_the_valid_ones(fake: Fake) -> None:
    with pytest.raises(DatasetError) as info:
        fetch(["alpha", "zeta"], manifest=fake.manifest, mirror=fake.mirror)
    assert str(info.value) == "unknown dataset zeta; valid names: alpha, beta, gamma"


# --- fetch from a mirror --------------------------------------------------------------------


def test_fetch_copies_every_file_from_the_mirror(fake: Fake, env: dict[str, Path]) -> None:
    paths = fetch(mirror=fake.mirror, manifest=fake.manifest, progress=False)
    assert paths == [fake.dest(rel, env) for rel in CONTENT]
    for rel, data in CONTENT.items():
        assert fake.dest(rel, env).read_bytes() == data
    assert leftovers(env["keras"]) == leftovers(env["xdg"]) == []
    assert fake.server.requests == 0


def test_mirror_comes_from_the_environment_variable(
    fake: Fake, env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MIRROR_ENV, str(fake.mirror))
    (path,) = fetch(["beta"], manifest=load_manifest(fake.manifest), progress=False)
    assert path == fake.dest("beta.dat", env)
    assert path.read_bytes() == CONTENT["beta.dat"]
    monkeypatch.setenv(MIRROR_ENV, str(fake.mirror / "missing"))
    with pytest.raises(DatasetError, match=rf"mirror folder .*missing \(from \${MIRROR_ENV}\)"):
        fetch(["beta"], manifest=fake.manifest)
    with pytest.raises(DatasetError, match=r"mirror folder \S+nowhere does not exist$"):
        fetch(["beta"], manifest=fake.manifest, mirror=fake.mirror / "nowhere")


def test_valid_files_are_skipped_unless_forced(fake: Fake, env: dict[str, Path]) -> None:
    (path,) = fetch(["beta"], mirror=fake.mirror, manifest=fake.manifest, progress=False)
    # Corrupt the mirror: a second fetch must not read it, since the copy in place is valid.
    (fake.mirror / "beta.dat").write_bytes(b"corrupted")
    before = path.stat().st_mtime_ns
    assert fetch(["beta"], mirror=fake.mirror, manifest=fake.manifest, progress=False) == [path]
    assert path.stat().st_mtime_ns == before
    with pytest.raises(DatasetError, match="SHA-256 mismatch"):
        fetch(["beta"], mirror=fake.mirror, manifest=fake.manifest, progress=False, force=True)
    assert path.read_bytes() == CONTENT["beta.dat"], "a failed forced fetch kept the valid copy"


def test_a_corrupt_file_in_place_is_replaced(fake: Fake, env: dict[str, Path]) -> None:
    dest = fake.dest("alpha/b.bin", env)
    dest.parent.mkdir(parents=True)
    dest.write_bytes(b"half a file")
    fetch(["alpha"], mirror=fake.mirror, manifest=fake.manifest, progress=False)
    assert dest.read_bytes() == CONTENT["alpha/b.bin"]


def test_mirror_checksum_mismatch_fails_and_writes_nothing(
    fake: Fake, env: dict[str, Path]
) -> None:
    (fake.mirror / "alpha" / "b.bin").write_bytes(b"tampered")
    with pytest.raises(DatasetError) as info:
        fetch(["alpha"], mirror=fake.mirror, manifest=fake.manifest, progress=False)
    message = str(info.value)
    assert "alpha: b.bin" in message and "mirror copy" in message
    assert f"expected {sha(CONTENT['alpha/b.bin'])}" in message
    assert f"got {sha(b'tampered')}" in message
    assert not fake.dest("alpha/b.bin", env).exists()
    assert leftovers(env["keras"]) == []


# --- fetch by download ----------------------------------------------------------------------


def test_download_when_the_mirror_lacks_the_file(
    fake: Fake, env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fake.server.serve("/beta.dat", CONTENT["beta.dat"])
    (fake.mirror / "beta.dat").unlink()
    (path,) = fetch(["beta"], mirror=fake.mirror, manifest=fake.manifest, progress=True)
    assert path == fake.dest("beta.dat", env)
    assert path.read_bytes() == CONTENT["beta.dat"]
    assert "beta: beta.dat: downloaded to" in capsys.readouterr().err


def test_download_accepts_the_known_upstream_hash(fake: Fake, env: dict[str, Path]) -> None:
    fake.server.serve("/g.jpg", GAMMA_UPSTREAM)
    (path,) = fetch(["gamma"], manifest=fake.manifest, progress=False)  # no mirror at all
    assert path == fake.dest("gamma/g.jpg", env)
    assert path.read_bytes() == GAMMA_UPSTREAM
    # Both the upstream file and the mirror copy count as present.
    fake.server.serve("/g.jpg", b"this would fail the check")
    assert fetch(["gamma"], manifest=fake.manifest, progress=False) == [path]


def test_download_with_an_unknown_hash_fails_clearly(fake: Fake, env: dict[str, Path]) -> None:
    served = b"a rebuilt upstream file"
    fake.server.serve("/beta.dat", served)
    with pytest.raises(DatasetError) as info:
        fetch(["beta"], manifest=fake.manifest, progress=False)
    message = str(info.value)
    assert message.startswith("beta: beta.dat: SHA-256 mismatch for download from http://")
    assert f"expected {sha(CONTENT['beta.dat'])}, got {sha(served)}" in message
    assert "--mirror" in message
    assert not fake.dest("beta.dat", env).exists()
    assert leftovers(env["xdg"]) == []


def test_a_cut_download_leaves_no_partial_file(fake: Fake, env: dict[str, Path]) -> None:
    data = CONTENT["alpha/a.bin"]
    fake.server.serve("/a.bin", data[: len(data) // 2], declared_length=len(data))
    message = r"alpha: alpha/a.bin: download from http://\S+ is incomplete: got 37500 of 75000"
    with pytest.raises(DatasetError, match=message):
        fetch(["alpha"], manifest=fake.manifest, progress=False)
    assert not fake.dest("alpha/a.bin", env).exists()
    assert leftovers(env["keras"]) == []


def test_http_and_connection_errors(fake: Fake, env: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"alpha/a.bin: download from \S+ failed: HTTP 404"):
        fetch(["alpha"], manifest=fake.manifest, progress=False)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    fake.datasets[1]["files"][0]["url"] = f"http://127.0.0.1:{closed_port}/beta.dat"
    manifest = write_manifest(tmp_path / "closed.json", fake.datasets)
    with pytest.raises(DatasetError, match=r"beta: beta.dat: could not download http://127"):
        fetch(["beta"], manifest=manifest, progress=False)
    assert leftovers(env["keras"]) == leftovers(env["xdg"]) == []


# --- zips verified by content ---------------------------------------------------------------

IMAGES = {"happy/h1.png": b"\x89PNG happy one" * 50, "sad/s1.png": b"\x89PNG sad one" * 60}


def make_zip(members: dict[str, bytes], *, compression: int, directories: bool) -> bytes:
    """A zip of members, in the given order, optionally with explicit folder entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        if directories:
            for folder in sorted({name.split("/")[0] + "/" for name in members}):
                archive.writestr(folder, b"")
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# The mirror's copy and the public zip: same files, different bytes (order, compression, and
# the folder entries some zip tools write).
MIRROR_ZIP = make_zip(IMAGES, compression=zipfile.ZIP_DEFLATED, directories=True)
PUBLIC_ZIP = make_zip(
    dict(reversed(IMAGES.items())), compression=zipfile.ZIP_STORED, directories=False
)


def content_digest(data: bytes, tmp_path: Path) -> str | None:
    path = tmp_path / "probe.zip"
    path.write_bytes(data)
    return zip_content_sha256(path)


@pytest.fixture
def zipped(fake: Fake, tmp_path: Path) -> Path:
    """A manifest with one zip dataset, 'faces', verified by content; the mirror holds it."""
    (fake.mirror / "faces.zip").write_bytes(MIRROR_ZIP)
    faces = {
        "url": fake.server.url + "/faces.zip",
        "mirror_path": "faces.zip",
        "sha256": sha(MIRROR_ZIP),
        "upstream_sha256": None,
        "content_sha256": content_digest(MIRROR_ZIP, tmp_path),
        "size": len(MIRROR_ZIP),
        "dest": {"cache": "keras", "path": "faces.zip"},
    }
    return write_manifest(tmp_path / "zipped.json", [dataset("faces", faces)])


def test_content_digest_ignores_packing_but_not_content(tmp_path: Path) -> None:
    assert sha(MIRROR_ZIP) != sha(PUBLIC_ZIP)
    digest = content_digest(MIRROR_ZIP, tmp_path)
    assert digest is not None and digest == content_digest(PUBLIC_ZIP, tmp_path)
    changed = dict(IMAGES, **{"sad/s1.png": IMAGES["sad/s1.png"][:-1] + b"!"})
    renamed = {name.replace("sad/", "happy/"): data for name, data in IMAGES.items()}
    extra = dict(IMAGES, **{"__MACOSX/._s1.png": b"resource fork"})
    nested = {f"faces/{name}": data for name, data in IMAGES.items()}
    for other in (changed, renamed, extra, nested, {"happy/h1.png": IMAGES["happy/h1.png"]}):
        zipped = make_zip(other, compression=zipfile.ZIP_DEFLATED, directories=False)
        assert content_digest(zipped, tmp_path) != digest, sorted(other)
    assert content_digest(b"not a zip at all", tmp_path) is None
    assert content_digest(MIRROR_ZIP[: len(MIRROR_ZIP) // 2], tmp_path) is None


def test_a_public_zip_with_the_same_files_verifies_by_content(
    fake: Fake, zipped: Path, env: dict[str, Path]
) -> None:
    fake.server.serve("/faces.zip", PUBLIC_ZIP)
    (path,) = fetch(["faces"], manifest=zipped, progress=False)  # no mirror: download
    assert path == env["keras"] / "datasets" / "faces.zip"
    assert path.read_bytes() == PUBLIC_ZIP
    # The downloaded zip counts as present; fetching again neither downloads nor replaces it.
    requests = fake.server.requests
    assert fetch(["faces"], manifest=zipped, mirror=fake.mirror, progress=False) == [path]
    assert fake.server.requests == requests and path.read_bytes() == PUBLIC_ZIP
    # The mirror's copy, whose bytes differ, installs too.
    fetch(["faces"], manifest=zipped, mirror=fake.mirror, progress=False, force=True)
    assert path.read_bytes() == MIRROR_ZIP


@pytest.mark.parametrize(
    ("served", "found"),
    [
        (
            make_zip(
                dict(IMAGES, **{"sad/s2.png": b"one image too many"}),
                compression=zipfile.ZIP_DEFLATED,
                directories=False,
            ),
            "found content digest",
        ),
        (b"<html>Service unavailable</html>", "found not a readable zip"),
    ],
    ids=["other-files", "not-a-zip"],
)
def test_a_zip_with_other_content_is_rejected(
    fake: Fake, zipped: Path, env: dict[str, Path], served: bytes, found: str
) -> None:
    fake.server.serve("/faces.zip", served)
    with pytest.raises(DatasetError) as info:
        fetch(["faces"], manifest=zipped, progress=False)
    message = str(info.value)
    assert message.startswith("faces: faces.zip: download from http://")
    assert f"its SHA-256 {sha(served)} is not {sha(MIRROR_ZIP)}" in message
    assert "do not match the manifest's content digest" in message and found in message
    assert not (env["keras"] / "datasets" / "faces.zip").exists()
    assert leftovers(env["keras"]) == []


def test_invalid_content_digest_is_rejected(fake: Fake, tmp_path: Path) -> None:
    raw = json.loads(fake.manifest.read_text())
    raw["datasets"][0]["files"][0]["content_sha256"] = "not-hex"
    bad = write_manifest(tmp_path / "bad.json", raw["datasets"])
    with pytest.raises(DatasetError, match="content_sha256 must be 64 lower-case hex digits"):
        load_manifest(bad)


# --- the `data` command ---------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="graders")
    add_subparser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_cli_fetch_and_list(
    fake: Fake, env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = ["--manifest", str(fake.manifest)]
    fetch_alpha = ["data", "fetch", "alpha", "--mirror", str(fake.mirror), "--quiet"]
    assert run_cli([*fetch_alpha, *manifest]) == 0
    out = capsys.readouterr()
    assert out.out == out.err == ""
    assert fake.dest("alpha/a.bin", env).read_bytes() == CONTENT["alpha/a.bin"]
    fake.dest("beta.dat", env).parent.mkdir(parents=True)
    fake.dest("beta.dat", env).write_bytes(b"x")
    assert run_cli(["data", "list", *manifest]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "SIZE", "PRESENT", "USED", "BY"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows["alpha"].split()[1:] == ["75.1kB", "yes", "W9", "labs"]  # tqdm's notation
    assert rows["beta"].split()[2] == "yes"  # present; list does not check hashes
    assert rows["gamma"].split()[2] == "no"


def test_cli_errors_print_one_line_and_exit_1(
    fake: Fake, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["data", "fetch", "zeta", "--manifest", str(fake.manifest)]) == 1
    err = capsys.readouterr().err
    assert err == "error: unknown dataset zeta; valid names: alpha, beta, gamma\n"
    assert run_cli(["data", "list", "--manifest", str(fake.manifest.with_name("no.json"))]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert run_cli(["data"]) == 1
    assert "needs a command" in capsys.readouterr().err


# --- the real mirror ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_mirror() -> Path:
    if not REAL_MIRROR.is_dir():
        pytest.fail(
            f"dataset mirror not found at {REAL_MIRROR}: set {MIRROR_ENV} to the folder "
            "holding the offline datasets (see its README.md)"
        )
    return REAL_MIRROR


def test_real_mirror_matches_the_manifest(real_mirror: Path) -> None:
    files = [f for d in load_manifest().datasets for f in d.files]
    sums = dict(
        reversed(line.split(maxsplit=1))
        for line in (real_mirror / "SHA256SUMS").read_text().splitlines()
        if line.strip()
    )
    assert {f.mirror_path: f.sha256 for f in files} == sums, "manifest and SHA256SUMS disagree"
    for data_file in files:
        path = real_mirror / data_file.mirror_path
        assert path.is_file(), f"missing from the mirror: {path}"
        assert path.stat().st_size == data_file.size, f"size of {path}"
        digest = hashlib.sha256()
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 22):
                digest.update(chunk)
        assert digest.hexdigest() == data_file.sha256, f"SHA-256 of {path}"
        if data_file.content_sha256 is not None:
            assert zip_content_sha256(path) == data_file.content_sha256, f"content of {path}"


def test_course_zips_without_a_public_hash_verify_by_content() -> None:
    """The W4 Colab setup cells fetch these from their public URLs: they need a rule."""
    for data_file in (f for d in load_manifest().datasets for f in d.files):
        if data_file.path.endswith(".zip") and data_file.upstream_sha256 is None:
            assert data_file.content_sha256 is not None, data_file.path


LOADERS = r"""
import json, socket, sys

def offline(*args, **kwargs):
    raise OSError("network access is disabled in this test")

socket.socket.connect = offline
socket.create_connection = offline

from pathlib import Path
import numpy as np
import scipy.datasets
import tensorflow as tf
from keras.src.backend import config

urls = json.loads(sys.argv[1])
get_file = tf.keras.utils.get_file
folder = Path(get_file("happy-or-sad.zip", origin=urls["happy-or-sad"], extract=True))
(x_train, _), (x_test, _) = tf.keras.datasets.fashion_mnist.load_data()
with np.load(get_file("mnist.npz", origin=urls["mnist"])) as mnist:
    mnist_shape = mnist["x_train"].shape
print(json.dumps({
    "keras_home": config.keras_home(),
    "scipy_cache": str(scipy.datasets._fetchers.data_fetcher.path),
    "happy_folder": str(folder),
    "pngs": {d: len(list((folder / d).glob("*.png"))) for d in ("happy", "sad")},
    "fashion": [x_train.shape, x_test.shape],
    "ascent": scipy.datasets.ascent().shape,
    "mnist": mnist_shape,
}))
"""


def test_fetched_datasets_load_offline_with_the_standard_calls(
    real_mirror: Path, env: dict[str, Path]
) -> None:
    names = ["happy-or-sad", "ascent", "fashion-mnist", "mnist"]
    paths = fetch(names, mirror=real_mirror, progress=False)
    assert len(paths) == 7 and all(p.is_file() for p in paths)
    urls = {d.name: d.files[0].url for d in load_manifest().select(names)}
    # Keras reads KERAS_HOME and scipy.datasets its cache folder on import: a fresh process.
    child_env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(
        [sys.executable, "-c", LOADERS, json.dumps(urls)],
        env=child_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(got["keras_home"]) == env["keras"]
    assert Path(got["scipy_cache"]) == env["xdg"] / "scipy-data"
    assert Path(got["happy_folder"]) == env["keras"] / "datasets" / "happy-or-sad_extracted"
    assert got["pngs"] == {"happy": 40, "sad": 40}
    assert got["fashion"] == [[60000, 28, 28], [10000, 28, 28]]
    assert got["ascent"] == [512, 512]
    assert got["mnist"] == [60000, 28, 28]


# --- photos whose public file's hash is unknown -----------------------------------------------


def png_bytes(color: tuple[int, int, int], size: tuple[int, int] = (12, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


MIRROR_PHOTO = png_bytes((200, 30, 30))
PUBLIC_PHOTO = png_bytes((30, 30, 200), size=(16, 9))  # another picture: other bytes


@pytest.fixture
def photos(fake: Fake, tmp_path: Path) -> Path:
    """A manifest with one photo, no upstream hash, that the mirror holds."""
    (fake.mirror / "photos").mkdir()
    (fake.mirror / "photos" / "p.png").write_bytes(MIRROR_PHOTO)
    photo = {
        "url": fake.server.url + "/p.png",
        "mirror_path": "photos/p.png",
        "sha256": sha(MIRROR_PHOTO),
        "upstream_sha256": None,
        "size": len(MIRROR_PHOTO),
        "dest": {"cache": "course", "path": "sample-images/p.png"},
    }
    return write_manifest(tmp_path / "photos.json", [dataset("photos", photo)])


def test_a_photo_without_a_public_hash_verifies_as_a_readable_image(
    fake: Fake, photos: Path, env: dict[str, Path]
) -> None:
    fake.server.serve("/p.png", PUBLIC_PHOTO)
    (path,) = fetch(["photos"], manifest=photos, progress=False)  # no mirror: download
    assert path == env["keras"] / "datasets" / "sample-images" / "p.png"
    assert path.read_bytes() == PUBLIC_PHOTO
    # The downloaded photo counts as present: no second download, not replaced.
    requests = fake.server.requests
    assert fetch(["photos"], manifest=photos, progress=False) == [path]
    assert fake.server.requests == requests and path.read_bytes() == PUBLIC_PHOTO


@pytest.mark.parametrize(
    "served",
    [b"<html>Service unavailable</html>", PUBLIC_PHOTO[: len(PUBLIC_PHOTO) // 2]],
    ids=["html-page", "cut-image"],
)
def test_a_photo_that_is_not_a_readable_image_is_rejected(
    fake: Fake, photos: Path, env: dict[str, Path], served: bytes
) -> None:
    fake.server.serve("/p.png", served)
    with pytest.raises(DatasetError) as info:
        fetch(["photos"], manifest=photos, progress=False)
    message = str(info.value)
    assert message.startswith("photos: sample-images/p.png: download from http://")
    assert f"its SHA-256 {sha(served)} is not {sha(MIRROR_PHOTO)}" in message
    assert "not a readable image" in message
    assert not (env["keras"] / "datasets" / "sample-images" / "p.png").exists()
    assert leftovers(env["keras"]) == []


def test_other_files_without_a_public_hash_still_need_their_hash(
    fake: Fake, env: dict[str, Path]
) -> None:
    fake.server.serve("/beta.dat", PUBLIC_PHOTO)  # even an image: beta.dat is not a photo
    with pytest.raises(DatasetError, match="SHA-256 mismatch"):
        fetch(["beta"], manifest=fake.manifest, progress=False)


def test_the_course_photos_verify_as_images() -> None:
    manifest = load_manifest()
    photos = [f for name in ("sample-images", "sample-images-extra")
              for f in manifest.select([name])[0].files]
    from graders.datasets.fetch import is_image_fallback

    assert photos and all(is_image_fallback(f) for f in photos)
    assert not any(is_image_fallback(f) for d in manifest.datasets if "sample" not in d.name
                   for f in d.files)
