"""The class report: a batch of W1 quiz variants (right, blank, wrong, hostile) and an
unreadable file graded into gradebook.html and reports/*.html, read back with html.parser."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import NOTEBOOKS, SOLUTIONS, run_cli, write_variant

from graders.grading import batch
from graders.grading.runner import Limits

QUIZ = SOLUTIONS / "W1" / "C1_W1_Quiz.ipynb"
INJECTION = "<script>alert(1)</script>"
HOSTILE_NAME = 'evil"><b onmouseover=x>&amp; <i>.ipynb'
SECOND = "answer_2: question 2 (labelling the data)"
THIRD = "answer_3: question 3 (what a Dense layer is)"


class Page(HTMLParser):
    """Every element (tag, attributes, the id of the section it is in) and the text per
    section, table rows as lists of cell texts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], str | None]] = []
        self.text: dict[str | None, list[str]] = {}
        self.rows: dict[str | None, list[list[str]]] = {}
        self._section: str | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section":
            self._section = attributes.get("id")
        self.elements.append((tag, attributes, self._section))
        if tag == "tr":
            self.rows.setdefault(self._section, []).append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[self._section][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "section":
            self._section = None

    def handle_data(self, data):
        self.text.setdefault(self._section, []).append(data)
        if self._cell is not None:
            self._cell.append(data)

    def tags(self, name: str, section: str | None = "") -> list[dict[str, str | None]]:
        return [a for t, a, s in self.elements if t == name and section in ("", s)]

    def section_text(self, section: str | None) -> str:
        return " ".join(self.text.get(section, []))


def _submissions(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(QUIZ, folder / "right.ipynb")
    shutil.copy(NOTEBOOKS / "W1" / "C1_W1_Quiz.ipynb", folder / "blank.ipynb")
    for name in ("wrong_a.ipynb", "wrong_b.ipynb"):
        write_variant(QUIZ, folder / name, sources={"answer-2": 'answer_2 = "a"'})
    for name in (HOSTILE_NAME, "hostile_copy.ipynb"):
        write_variant(QUIZ, folder / name, sources={"answer-3": f"answer_3 = {INJECTION!r}"})
    (folder / "unreadable.ipynb").write_text("not a notebook {", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    folder, out = _submissions(root / "submissions"), root / "out"
    done = run_cli("grade", str(folder), "--out", str(out), "--workers", "2")
    assert done.returncode == 0, done.stderr
    return out


def _links(page: Page) -> list[str]:
    return [a["href"] for a in page.tags("a") if a.get("href")]


def test_each_assignment_has_its_histogram_pass_rates_and_failures(graded):
    page = Page((graded / "gradebook.html").read_text(encoding="utf-8"))
    assert [s["id"] for s in page.tags("section")] == ["C1W1_Quiz", "unidentified"]
    quiz = page.section_text("C1W1_Quiz")
    assert "6 submissions, 6 graded in full" in quiz
    # right 100, blank 0, two wrong on question 2 (-15), two hostile ones wrong on 3 (-14)
    assert "mean score 73.7, median 85.5" in quiz
    assert len(page.tags("svg", "C1W1_Quiz")) == 2  # histogram and pass rates
    rows = {row[1]: row for row in page.rows["C1W1_Quiz"] if len(row) == 5}
    assert rows[SECOND][3].startswith("3 / 6 (50%)")
    assert "'a', which is not it" in rows[SECOND][4] and rows[SECOND][4].endswith("(2 of 6)")
    assert rows[THIRD][4] == (
        f"`answer_3` = {INJECTION!r} names no valid option: choose among a, b, c, d. (2 of 6)"
    )
    (first,) = [row for name, row in rows.items() if name.startswith("answer_1: ")]
    assert first[3].startswith("5 / 6 (83%)") and "is still None" in first[4]


def test_a_row_per_submission_links_its_own_report(graded):
    page = Page((graded / "gradebook.html").read_text(encoding="utf-8"))
    rows = {row[0]: row for row in page.rows["C1W1_Quiz"] if len(row) == 4}
    names = {Path(n).name for n in rows if n != "notebook"}
    assert names == {"right.ipynb", "blank.ipynb", "wrong_a.ipynb", "wrong_b.ipynb",
                     HOSTILE_NAME, "hostile_copy.ipynb"}
    scores = {Path(n).name: row[2] for n, row in rows.items()}
    assert (scores["right.ipynb"], scores["blank.ipynb"]) == ("100 / 100", "0 / 100")
    (broken,) = [row for row in page.rows["unidentified"] if row[0] != "notebook"]
    assert broken[1] == "error" and "Cannot grade unreadable.ipynb" in broken[3]
    reports = [link for link in _links(page) if link.startswith("reports/")]
    assert len(reports) == 7
    for link in reports:
        report = graded / unquote(link)
        assert report.is_file() and report.with_suffix(".md").is_file()
        record = json.loads((graded / "results" / f"{report.stem}.json").read_text())
        text = Page(report.read_text(encoding="utf-8")).section_text(None)
        assert record["notebook"] in text
        assert f"{record['score']} / {record['max_score']}" in text


def test_every_link_resolves_and_nothing_is_loaded_from_elsewhere(graded):
    pages = [graded / "gradebook.html", *sorted((graded / "reports").glob("*.html"))]
    assert len(pages) == 8
    for path in pages:
        text = path.read_text(encoding="utf-8")
        page = Page(text)
        for tag in ("script", "link", "img", "iframe", "object", "embed", "image", "audio",
                    "video", "source", "base", "form"):
            assert not page.tags(tag), (path.name, tag)
        assert "@import" not in text and "<?xml" not in text
        ids = [a["id"] for _, a, _ in page.elements if a.get("id")]
        assert len(ids) == len(set(ids)), path.name  # the plots' ids do not collide
        for target in re.findall(r"url\(\s*['\"]?([^)'\"]*)", text):
            assert target.startswith("#") and target[1:] in ids, (path.name, target)
        for _, attributes, _ in page.elements:
            for name in ("src", "href", "xlink:href", "srcset", "poster", "data"):
                value = attributes.get(name)
                if value is None:
                    continue
                parts = urlsplit(value)
                assert not parts.scheme and not parts.netloc, (path.name, value)
                if value.startswith("#"):
                    assert value[1:] in ids, (path.name, value)
                else:
                    assert (path.parent / unquote(parts.path)).is_file(), (path.name, value)


def test_what_comes_from_a_submission_is_escaped(graded):
    for path in [graded / "gradebook.html", *(graded / "reports").glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        page = Page(text)
        assert INJECTION not in text and "<b onmouseover" not in text
        assert not page.tags("script") and not page.tags("i")
        assert all("onmouseover" not in a for _, a, _ in page.elements)
    page = Page((graded / "gradebook.html").read_text(encoding="utf-8"))
    quiz = page.section_text("C1W1_Quiz")
    assert HOSTILE_NAME in quiz  # shown as the text it is
    assert INJECTION in quiz


def _record(name: str, score: int) -> dict:
    return {"assignment": "C1W1_Quiz", "notebook": name, "status": "graded", "score": score,
            "max_score": 100, "tests": [{"name": "q", "passed": bool(score), "points": score,
                                         "max_points": 100, "feedback": "" if score else "no"}],
            "message": None, "notes": [], "isolation": {}, "duration_s": 1.0}


def test_an_interrupted_batch_still_writes_the_class_report(tmp_path, monkeypatch):
    paths = [tmp_path / f"s{n}.ipynb" for n in range(3)]
    for path in paths:
        path.write_text("{}")

    def runner(calls):
        yield _record(calls[0][0], 100)
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "_local", lambda workers: runner)
    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(paths, tmp_path / "out", Limits())
    page = Page((tmp_path / "out" / "gradebook.html").read_text(encoding="utf-8"))
    assert "1 submission, 1 graded in full" in page.section_text("C1W1_Quiz")
    (link,) = [h for h in _links(page) if h.startswith("reports/")]
    assert (tmp_path / "out" / link).is_file()


def test_resumed_results_of_an_older_version_get_their_html_report(tmp_path, monkeypatch):
    path = tmp_path / "s.ipynb"
    path.write_text("{}")
    out = tmp_path / "out"
    key = batch.result_key(path)
    (out / "results").mkdir(parents=True)
    record = dict(_record(str(path), 0), key=key, sha256=batch._read(path)[1])
    (out / "results" / f"{key}.json").write_text(json.dumps(record))
    monkeypatch.setattr(batch, "_local", lambda workers: lambda calls: iter(()))
    batch.run_batch([path], out, Limits(), resume=True)
    report = Page((out / "reports" / f"{key}.html").read_text(encoding="utf-8"))
    assert "0 / 100" in report.section_text(None)


def test_the_class_report_does_not_depend_on_the_order_results_came_in(graded):
    from graders.grading.classreport import render_class_report

    records = [json.loads(p.read_text()) for p in sorted((graded / "results").glob("*.json"))]
    text = (graded / "gradebook.html").read_text(encoding="utf-8")
    assert render_class_report(records) == text
    assert render_class_report(records[::-1]) == text
