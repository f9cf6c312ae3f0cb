"""The class report in a real browser: a small batch of W1 quiz variants (right, blank,
wrong, a hostile name and answer) graded into gradebook.html, opened in Chromium from the
file system: plots drawn, tables filled, nothing loaded from elsewhere, no script run,
a submission's link opening its own report. Screenshots: gradebook.png, report.png."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUIZ = ROOT / "solutions" / "W1" / "C1_W1_Quiz.ipynb"
TEMPLATE = ROOT / "notebooks" / "W1" / "C1_W1_Quiz.ipynb"
INJECTION = "<img src=x onerror=alert(1)><script>alert(2)</script>"
HOSTILE_NAME = "evil<img src=x onerror=alert(3)>.ipynb"


def _variant(target: Path, cell_id: str, source: str) -> None:
    notebook = json.loads(QUIZ.read_text(encoding="utf-8"))
    (cell,) = [c for c in notebook["cells"] if c.get("id") == cell_id]
    cell["source"] = source
    target.write_text(json.dumps(notebook), encoding="utf-8")


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("class")
    folder, out = base / "submissions", base / "out"
    folder.mkdir()
    shutil.copy(QUIZ, folder / "right.ipynb")
    shutil.copy(TEMPLATE, folder / "blank.ipynb")
    for name in ("wrong.ipynb", "wrong_again.ipynb"):
        _variant(folder / name, "answer-2", 'answer_2 = "a"')
    for name in (HOSTILE_NAME, "hostile.ipynb"):
        _variant(folder / name, "answer-3", f"answer_3 = {INJECTION!r}")
    (folder / "unreadable.ipynb").write_text("not a notebook", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "graders", "grade", str(folder), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    return out / "gradebook.html"


def test_the_class_report_renders_and_links_each_report(page, screenshots, gradebook):
    requests, dialogs, errors = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(gradebook.as_uri())

    assert page.title() == "Class report"
    quiz = page.locator("section#C1W1_Quiz")
    assert "6 submissions, 6 graded in full" in quiz.locator("p.summary").inner_text()
    plots = quiz.locator("figure svg")
    assert plots.count() == 2
    for n in range(2):  # drawn at a real size, with their bars
        box = plots.nth(n).bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100
        assert plots.nth(n).locator("path").count() > 10
    rows = quiz.locator("table").nth(0).locator("tr")
    assert rows.count() == 1 + 7  # a row per test
    second = rows.nth(2).inner_text()
    assert "3 / 6 (50%)" in second and "'a', which is not it" in second and "(2 of 6)" in second
    third = rows.nth(3).inner_text()
    assert INJECTION in third and "(2 of 6)" in third  # shown as text: escaped, never run
    links = quiz.locator("table").nth(1).locator("a")
    assert links.count() == 6
    assert page.get_by_role("link", name=HOSTILE_NAME, exact=False).count() == 1
    assert page.locator("section#unidentified").get_by_text("Cannot grade unreadable.ipynb")
    assert page.locator("img, script").count() == 0
    page.screenshot(path=str(screenshots / "gradebook.png"), full_page=True)

    page.get_by_role("link", name="right.ipynb", exact=False).click()
    page.wait_for_load_state()
    assert page.url.endswith(".html") and "/reports/" in page.url
    assert "100 / 100" in page.locator("body").inner_text()
    assert page.locator("table tr").count() == 1 + 7
    page.screenshot(path=str(screenshots / "report.png"), full_page=True)

    assert not dialogs and not errors, (dialogs, errors)
    assert all(url.startswith("file://") for url in requests), requests
    assert (screenshots / "gradebook.png").stat().st_size > 10_000
