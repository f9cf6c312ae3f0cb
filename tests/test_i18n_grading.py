"""The grader's own words in Spanish: what `graders grade` prints (text and JSON), the batch's
Markdown and HTML reports and class report, `graders data`, and Gradescope's results.json.

In the pseudo-language (GRADERS_LANG=qps) every message comes out inside ⟦ ⟧, so whatever a
person would read outside them would be English in Spanish mode (see conftest). The corpus
is the W1 template (no training) and the cheap submissions of the hostile corpus: broken
files, a notebook of another assignment, an edited or deleted or duplicated cell, a crash,
a tampering, an output flood, a hang under a small --timeout.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import NOTEBOOKS, assert_translated, run_cli
from hostile.corpus import CASES, EDITED_IMPORTS

from graders.assignments import ASSIGNMENTS
from graders.datasets.errors import DatasetError
from graders.datasets.fetch import fetch_file
from graders.datasets.manifest import DataFile, load_manifest
from graders.gradescope import CONFIG
from graders.gradescope import run as gradescope

TEMPLATE = NOTEBOOKS / "W1" / "C1W1_Assignment.ipynb"
BY_NAME = {case.name: case for case in CASES}
#: Quiz submissions graded in a few seconds each, and what each makes the grader say.
CHEAP = ("malformed_json", "not_a_notebook", "cells_not_cells", "another_assignments_cells",
         "graded_cell_missing", "graded_cell_duplicated", "segfault", "os_exit_in_a_cell",
         "patches_json", "forges_the_handover", "output_flood", "wrong_answers", "template")
HANG = BY_NAME["hang_in_a_cell"]
#: The W1 template with its read-only imports cell edited: restored, noted, nothing trains.
EDITED_TEMPLATE = dataclasses.replace(EDITED_IMPORTS, name="edited_template", base=TEMPLATE)

#: What is data, not a message: assignment ids, exercise names, cell ids, code names that
#: the messages quote, the symbols of units.
DATA = (
    *ASSIGNMENTS,
    *(exercise.name for spec in ASSIGNMENTS.values() for exercise in spec.exercises),
    *(cell for case in CASES for cell in (*case.sources, *case.delete, *case.duplicate)),
    "imports", "SIGSEGV", "json.dumps", "ipynb", "JSON", "MiB", "KiB",
)


def environment(language: str) -> dict[str, str]:
    return {**os.environ, "GRADERS_LANG": language}


class Visible(HTMLParser):
    """The text a reader sees in an HTML page (the title and the body, not the CSS)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._style = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if not self._style and data.strip():
            self.parts.append(data.strip())


def visible(path: Path) -> list[str]:
    return Visible(path.read_text(encoding="utf-8")).parts


def texts_of(record: dict) -> list[str]:
    """Everything of a JSON result a person reads: message, notes, tests, isolation."""
    texts = [record["message"] or "", *record["notes"]]
    texts += [test["name"] for test in record["tests"]]
    texts += [test["feedback"] for test in record["tests"]]
    texts += [value for key, value in record["isolation"].items() if key != "sandbox"]
    return texts


def names(*paths: Path) -> tuple[str, ...]:
    """The paths, their names and stems as data (they appear in messages and reports)."""
    return tuple(str(x) for path in paths for x in (path, path.name, path.stem, path.parent))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for name in CHEAP:
        BY_NAME[name].write(folder)
    EDITED_TEMPLATE.write(folder)
    (folder / "C1W1_Assignment.ipynb").write_bytes(TEMPLATE.read_bytes())
    return folder


@pytest.fixture(scope="module")
def batch(corpus, tmp_path_factory):
    """The corpus graded as one batch in the pseudo-language, with --json."""
    out = tmp_path_factory.mktemp("out")
    done = run_cli("grade", str(corpus), "--out", str(out), "--json", "--workers", "2",
                   env=environment("qps"))
    assert done.returncode == 0, done.stderr
    records = {Path(r["notebook"]).stem: r for r in json.loads(done.stdout)}
    return out, records, done.stderr


@pytest.fixture(scope="module")
def hang(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hang")
    return [BY_NAME["malformed_json"].write(folder), HANG.write(folder)]


def test_every_result_of_the_batch_speaks_through_the_catalogue(batch, corpus):
    out, records, stderr = batch
    assert set(records) == {*CHEAP, "edited_template", "C1W1_Assignment"}
    data = (*DATA, *names(*corpus.iterdir(), out / "gradebook.csv", out / "gradebook.html"))
    for record in records.values():
        assert_translated(*texts_of(record), data=data)
    # the notes and messages this corpus exists for were produced (JSON status stays data)
    assert records["malformed_json"]["status"] == "error"
    assert records["C1W1_Assignment"]["status"] == "graded"
    assert any("may not be edited" in note for note in records["edited_template"]["notes"])
    assert any("is missing" in note for note in records["graded_cell_missing"]["notes"])
    assert any("MiB of output" in note for note in records["output_flood"]["notes"])
    assert "SIGSEGV" in records["segfault"]["message"]
    assert "replaced the grader's own code" in records["patches_json"]["message"]
    assert "without the grader's token" in records["forges_the_handover"]["message"]
    assert set(records["C1W1_Assignment"]["isolation"]) >= {"sandbox", "network", "files",
                                                             "memory", "cpu"}
    assert_translated(*stderr.splitlines(), data=data)  # progress lines and totals


def test_the_batch_reports_and_class_report_speak_through_the_catalogue(batch, corpus):
    out, records, _ = batch
    data = (*DATA, *names(*corpus.iterdir()), "gradebook.csv")
    reports = sorted((out / "reports").glob("*"))
    assert len(reports) == 2 * len(records)
    for report in reports:
        record = next(r for r in records.values() if report.stem == r["key"])
        own = (*data, record["key"])
        if report.suffix == ".md":
            text = report.read_text(encoding="utf-8")
            assert_translated(*text.splitlines(), data=own)
        else:
            assert_translated(*visible(report), data=own)
    page = visible(out / "gradebook.html")
    assert_translated(*page, data=data)
    assert '<html lang="en">' in (out / "gradebook.html").read_text()  # qps is no language


def test_the_text_output_and_a_time_limit_speak_through_the_catalogue(hang):
    done = run_cli("grade", *map(str, hang), "--timeout", "4", env=environment("qps"))
    assert done.returncode == 0, done.stderr
    assert "time limit" in done.stdout
    assert_translated(*done.stdout.splitlines(), data=(*DATA, *names(*hang)))


def test_spanish_results_reports_and_limits(hang, tmp_path):
    done = run_cli("grade", *map(str, hang), "--timeout", "4", env=environment("es"))
    assert done.returncode == 0, done.stderr
    assert "puntuación 0/100" in done.stdout
    assert "ERROR: No se puede calificar malformed_json.ipynb: no es un cuaderno: el archivo " \
        "no es JSON válido" in done.stdout
    assert "La calificación se interrumpió: se detuvo al superar el límite de tiempo de 4 s." \
        in done.stdout
    out = tmp_path / "out"
    done = run_cli("grade", str(hang[0]), "--out", str(out), env=environment("es"))
    assert done.returncode == 0, done.stderr
    assert "calificados 1/1 (1 con errores)" in done.stderr
    (markdown,) = (out / "reports").glob("*.md")
    report = markdown.read_text(encoding="utf-8")
    assert "**Tarea:** desconocida" in report and "**Estado:** error" in report
    assert "| | puntos | prueba | comentarios |" in report
    page = (out / "gradebook.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "<h1>Informe de la clase</h1>" in page
    assert "<h2>Entregas de ninguna tarea conocida</h2>" in page
    assert "1 entrega; el libro de calificaciones en" in page


def test_the_isolation_is_described_in_the_graders_language(monkeypatch):
    from graders.grading import isolation
    from graders.grading.report import render_markdown

    monkeypatch.setenv("GRADERS_LANG", "qps")
    for sandbox in (isolation.NAMESPACES, isolation.BUBBLEWRAP, isolation.USER_ID,
                    isolation.NONE):
        applied = isolation._applied({"sandbox": sandbox, "disk_mb": 512})
        shown = render_markdown({"notebook": "n.ipynb", "score": 0, "max_score": 0,
                                 "status": "error", "isolation": applied})
        assert_translated(*(v for k, v in applied.items() if k != "sandbox"),
                          shown.splitlines()[-1], data=("n.ipynb",))
    monkeypatch.setenv("GRADERS_LANG", "es")
    applied = isolation._applied({"sandbox": isolation.NONE, "disk_mb": 512})
    assert applied["sandbox"] == "none"  # data, as in the JSON
    assert render_markdown({"notebook": "n.ipynb", "score": 0, "max_score": 0,
                            "status": "error", "isolation": applied}).splitlines()[-1] == (
        "Aislamiento: modalidad de aislamiento: ninguna; red: bloqueada dentro del proceso "
        "(se rechazan los sockets; el sistema operativo no lo impone); archivos: el mismo "
        "usuario que el calificador (escritura sin restricciones); procesos: su grupo de "
        "procesos y sus hijos se terminan cuando acaba"
    )


def test_list_and_usage_errors_speak_through_the_catalogue(tmp_path):
    listing = run_cli("list", env=environment("qps"))
    assert listing.returncode == 0, listing.stderr
    notebooks = tuple(spec.notebook for spec in ASSIGNMENTS.values())
    assert_translated(*listing.stdout.splitlines(), data=(*DATA, *notebooks))
    missing = tmp_path / "nowhere.ipynb"
    for args in (["grade", str(missing)], ["grade", "--workers", "2", str(TEMPLATE)],
                 ["grade", "--assignment", "C9", str(TEMPLATE)],
                 ["gradescope", "build", "--assignment", "C9", str(tmp_path / "a.zip")],
                 ["gradescope", "build", "--assignment", "C1W1", str(tmp_path / "a.tar")]):
        done = run_cli(*args, env=environment("qps"))
        assert done.returncode == 2 and done.stderr, args
        assert_translated(done.stderr, data=(*DATA, *names(missing), "C9", "a.tar"))
    spanish = run_cli("grade", str(missing), env=environment("es"))
    assert spanish.stderr == f"graders grade: no existe el archivo o la carpeta: {missing}\n"


def test_graders_data_speaks_through_the_catalogue(tmp_path):
    manifest = load_manifest()
    data = tuple({*manifest.names, *(u for d in manifest.datasets for u in d.used_by),
                  "MB", "kB", "GB"})
    listing = run_cli("data", "list", env=environment("qps"))
    assert listing.returncode == 0, listing.stderr
    assert_translated(*listing.stdout.splitlines(), data=data)
    unknown = run_cli("data", "fetch", "zeta", env=environment("qps"))
    assert unknown.returncode == 1 and "zeta" in unknown.stderr
    assert_translated(unknown.stderr, data=(*data, "zeta"))
    mirror = tmp_path / "nowhere"
    missing = run_cli("data", "fetch", "--mirror", str(mirror), "mnist", env=environment("qps"))
    assert missing.returncode == 1 and str(mirror) in missing.stderr
    assert_translated(missing.stderr, data=(str(mirror),))
    spanish = run_cli("data", "fetch", "zeta", env=environment("es"))
    assert spanish.stderr.startswith("error: conjunto de datos desconocido zeta; nombres válidos")


def test_a_fetch_error_the_setup_cell_shows_speaks_through_the_catalogue(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    (tmp_path / "mirror").mkdir()
    copy = tmp_path / "mirror" / "x.bin"
    copy.write_bytes(b"abc")
    wrong = "0" * 64
    data_file = DataFile(url="https://example.invalid/x.bin", mirror_path="x.bin", sha256=wrong,
                         upstream_sha256=None, size=3, cache="keras", path="x.bin")
    messages = {}
    for language in ("qps", "es"):
        monkeypatch.setenv("GRADERS_LANG", language)
        with pytest.raises(DatasetError) as caught:
            fetch_file(data_file, mirror=tmp_path / "mirror", progress=False, label="demo: x.bin")
        messages[language] = str(caught.value)
    got = hashlib.sha256(b"abc").hexdigest()
    assert got in messages["qps"]
    assert_translated(messages["qps"], data=("demo: x.bin", str(copy), wrong, got))
    assert messages["es"].startswith("demo: x.bin: el SHA-256 de la copia del espejo ")
    assert f"no coincide: se esperaba {wrong}, se obtuvo {got}" in messages["es"]


def test_gradescope_results_speak_through_the_catalogue(tmp_path, monkeypatch):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    (root / "source" / CONFIG).write_text(json.dumps({"assignment": "C1W1_Quiz"}))
    monkeypatch.setenv("GRADERS_LANG", "qps")
    empty = gradescope.run(root)  # nothing submitted: graded by no worker
    for name in ("a.ipynb", "b.ipynb"):
        (root / "submission" / name).write_text("{}")
    two = gradescope.run(root)
    data = (*DATA, "a.ipynb", "b.ipynb", "C1_W1_Quiz.ipynb")
    for results in (empty, two):
        assert_translated(results["output"], *(t["name"] for t in results["tests"]),
                          *(t["output"] for t in results["tests"]), data=data)
    monkeypatch.setenv("GRADERS_LANG", "es")
    spanish = gradescope.run(root)
    assert spanish["output"].startswith("Puntuación: 0 / 100\nTu entrega contiene 2 cuadernos")


@pytest.mark.parametrize("weakest", [False, True], ids=["chosen sandbox", "no sandbox"])
def test_the_worker_speaks_the_graders_language_in_its_sandbox(tmp_path, monkeypatch, weakest):
    """GRADERS_LANG reaches the worker, which reads the catalogue where it is confined."""
    from graders.grading import isolation, runner

    if weakest:
        monkeypatch.setattr(runner, "sandbox", lambda: isolation.NONE)
    path = BY_NAME["raises_in_a_cell"].write(tmp_path)
    monkeypatch.setenv("GRADERS_LANG", "qps")
    result = runner.grade_notebook(path, timeout_s=60).to_json()
    assert (result["isolation"]["sandbox"] == isolation.NONE) == weakest
    assert "RuntimeError: boom" in result["tests"][2]["feedback"]
    assert_translated(*texts_of(result), data=(*DATA, "RuntimeError: boom"))
    monkeypatch.setenv("GRADERS_LANG", "es")
    spanish = runner.grade_notebook(path, timeout_s=60).to_json()["isolation"]
    assert spanish["memory"] == (
        "4096 MiB: RLIMIT_DATA en el proceso, memoria residente vigilada por el calificador"
    )
    assert spanish["network"] in ("espacio de nombres de red (sin interfaces)",
                                  "bloqueada dentro del proceso (se rechazan los sockets; el "
                                  "sistema operativo no lo impone)")


def test_what_a_fetch_in_the_setup_cell_says_speaks_through_the_catalogue(tmp_path, monkeypatch,
                                                                         capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "x.bin").write_bytes(b"abc")
    data_file = DataFile(url="https://example.invalid/x.bin", mirror_path="x.bin",
                         sha256=hashlib.sha256(b"abc").hexdigest(), upstream_sha256=None,
                         size=3, cache="keras", path="x.bin")
    monkeypatch.setenv("GRADERS_LANG", "qps")
    dest = fetch_file(data_file, mirror=tmp_path / "mirror", label="demo: x.bin")  # copied
    fetch_file(data_file, mirror=tmp_path / "mirror", label="demo: x.bin")  # already there
    said = [line for line in capsys.readouterr().err.splitlines() if str(dest) in line]
    assert len(said) == 2
    assert_translated(*said, data=("demo: x.bin", str(dest)))
    monkeypatch.setenv("GRADERS_LANG", "es")
    fetch_file(data_file, mirror=tmp_path / "mirror", label="demo: x.bin")
    assert f"demo: x.bin: ya está en {dest}" in capsys.readouterr().err
