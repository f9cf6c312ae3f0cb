"""The W1 assignment in a real JupyterLab, in headless Chromium, as a learner uses it.

Run All on the untouched template reaches the end and every test cell shows its result
table (every test failed, saying what is missing); Run All on the solved copy passes every
test; a locked cell cannot be typed into and an undeletable cell cannot be deleted.
"""

from __future__ import annotations

from labpage import (
    Cell,
    cell_node,
    cells,
    menu,
    notebook_cells,
    open_notebook,
    replace_source,
    run_all,
    save,
    source,
)

TEMPLATE = "notebooks/W1/C1W1_Assignment.ipynb"
SOLVED = "solutions/W1/C1W1_Assignment.ipynb"
#: Run All on the solved W1 takes about 40 s (two 500-epoch fits); a loaded machine, more.
RUN_ALL_S = 600
WRONG_EXERCISE_1 = """def create_training_data():
    n_bedrooms = np.array([1, 2, 3, 4, 5, 6], dtype=float)
    price_in_hundreds_of_thousands = n_bedrooms * 0.5
    return n_bedrooms, price_in_hundreds_of_thousands
"""
ERROR_MIMES = {"application/vnd.jupyter.error", "application/vnd.jupyter.stderr"}


def self_check_cells(server, path: str) -> list[int]:
    """Indices of the notebook's "test your code" cells."""
    return [
        index for index, cell in enumerate(notebook_cells(server.root / path))
        if cell["cell_type"] == "code" and "check_exercise(" in source(cell)
    ]


def errors(shown: list[Cell]) -> list[str]:
    """Each error or traceback output the page shows, with its cell's number."""
    return [
        f"cell {cell.index}: {output['text'][:300]}"
        for cell in shown for output in cell.outputs
        if output["mime"] == "application/vnd.jupyter.error"
        or (output["mime"] in ERROR_MIMES and "Traceback" in output["text"])
    ]


def run_all_to_the_end(page, jupyter_server, path: str) -> tuple[list[Cell], list[int]]:
    """Open path, Run All, check every code cell ran and none shows an error; the cells
    shown and the indices of the three test cells."""
    open_notebook(page, jupyter_server, path)
    run_all(page, RUN_ALL_S)
    shown = cells(page)
    assert len(shown) == len(notebook_cells(jupyter_server.root / path))
    stopped = [cell.index for cell in shown if cell.code and not cell.ran]
    assert not stopped, f"Run All did not reach cells {stopped}; errors: {errors(shown)}"
    assert not errors(shown)
    tests = self_check_cells(jupyter_server, path)
    assert len(tests) == 3
    return shown, tests


def test_run_all_on_the_template_reaches_every_test_cell(page, jupyter_server, screenshots):
    shown, tests = run_all_to_the_end(page, jupyter_server, TEMPLATE)
    for index in tests:
        cell = shown[index]
        assert cell.rows, f"test cell {index} shows no result table: {cell.outputs}"
        assert {row["status"] for row in cell.rows} == {"failed"}, cell.rows
        assert all("Not implemented yet" in row["text"] for row in cell.rows), cell.rows
        assert cell.summary and cell.summary.endswith("none passed.")
    cell_node(page, tests[0]).screenshot(path=screenshots / "template-test-cell.png")

    # A learner's first, wrong try at exercise 1: the table says which test failed and
    # shows what was expected and what was found in their own columns.
    exercise = next(
        index for index, cell in enumerate(notebook_cells(jupyter_server.root / TEMPLATE))
        if source(cell).startswith("def create_training_data")
    )
    replace_source(page, exercise, WRONG_EXERCISE_1)
    run_all(page, RUN_ALL_S)
    cell = cells(page)[tests[0]]
    assert [row["status"] for row in cell.rows] == ["passed", "passed", "failed"], cell.rows
    _, _, points, expected, got = cell.rows[2]["columns"]
    assert (points, expected, got) == (
        "0 / 10", "[1.0, 1.5, 2.0, 2.5, 3.0, 3.5]", "[0.5, 1.0, 1.5, 2.0, 2.5, 3.0]"
    )
    assert cell.summary == "1 failed, 2 passed."
    cell_node(page, tests[0]).screenshot(path=screenshots / "wrong-answer-test-cell.png")


def test_run_all_on_the_solved_copy_passes_every_test(page, jupyter_server, screenshots):
    shown, tests = run_all_to_the_end(page, jupyter_server, SOLVED)
    for index in tests:
        cell = shown[index]
        assert cell.rows and {row["status"] for row in cell.rows} == {"passed"}, cell.rows
        assert cell.summary == f"All {len(cell.rows)} passed!"
    for index in tests:
        cell_node(page, index).screenshot(path=screenshots / f"solved-test-cell-{index}.png")
    menu(page, "Settings", "Theme", "JupyterLab Dark")
    page.wait_for_selector('body[data-jp-theme-name="JupyterLab Dark"]', state="attached")
    page.wait_for_timeout(500)  # the theme's stylesheet applies just after the attribute
    cell_node(page, tests[-1]).screenshot(path=screenshots / "solved-test-cell-dark.png")
    menu(page, "Settings", "Theme", "JupyterLab Light")
    page.wait_for_selector('body[data-jp-theme-name="JupyterLab Light"]', state="attached")


def test_locked_cells_cannot_be_edited_or_deleted(page, jupyter_server, screenshots):
    path = TEMPLATE
    file = jupyter_server.root / path
    before = notebook_cells(file)
    locked = next(
        i for i, c in enumerate(before)
        if c["metadata"].get("editable") is False and c["metadata"].get("deletable") is False
        and "check_exercise(" in source(c)
    )
    writable = next(
        i for i, c in enumerate(before)
        if c["metadata"].get("deletable") is False and c["metadata"].get("editable") is not False
    )
    open_notebook(page, jupyter_server, path)
    shown_before = cells(page)

    # Typing into the locked test cell changes nothing.
    editor = cell_node(page, locked).locator(".cm-content")
    editor.click()
    assert page.locator(".jp-Notebook.jp-mod-editMode").count() == 1
    page.keyboard.type("x = 1  # changed")
    page.keyboard.press("Enter")
    page.keyboard.press("Backspace")
    page.keyboard.press("Escape")
    assert cells(page)[locked].editor == shown_before[locked].editor

    # Neither the undeletable exercise cell nor the locked one can be deleted: "d d" in
    # command mode, then Edit > Delete Cell (confirming, should JupyterLab ask).
    for index in (writable, locked):
        cell_node(page, index).locator(".jp-InputPrompt").click()
        page.keyboard.press("Escape")
        page.keyboard.press("d")
        page.keyboard.press("d")
        menu(page, "Edit", "Delete Cell")
        confirm = page.locator(".jp-Dialog .jp-mod-warn")
        if confirm.count():
            confirm.click()
        page.keyboard.press("Escape")  # the menu stays open when its item is disabled
    shown_after = cells(page)
    assert len(shown_after) == len(shown_before)
    assert [c.editor for c in shown_after] == [c.editor for c in shown_before]
    page.screenshot(path=screenshots / "locks-held.png")

    # What the file holds once saved says the same.
    save(page)
    after = notebook_cells(file)
    assert [c.get("id") for c in after] == [c.get("id") for c in before]
    assert [source(c) for c in after] == [source(c) for c in before]
