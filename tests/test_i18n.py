"""Messages in English and Spanish: the catalogue is complete, and nothing bypasses it.

The pseudo-language ``qps`` wraps every message that went through the catalogue in ⟦ ⟧;
what a learner would read outside those marks in Spanish would be English, so the tests of
the learner-facing texts (here and in the other test files) assert there is none.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
from conftest import assert_translated, untranslated

from graders import catalogue, i18n
from graders.i18n import CLOSE, OPEN, lazy

PACKAGE = Path(catalogue.__file__).parent


def fields(message: str) -> set[str]:
    """The str.format fields of message, with their conversions and formats."""
    return {
        f"{name}!{conversion}:{spec}"
        for _, name, spec, conversion in string.Formatter().parse(message)
        if name is not None
    }


# ------------------------------------------------------------------------ the catalogue


def test_every_message_of_the_code_is_in_the_spanish_catalogue_and_nothing_else():
    extracted = {message.id for message in catalogue.extract() if message.id}
    spanish = {message.id for message in catalogue.read("es") if message.id}
    assert not extracted - spanish, "run `nox -s catalogue`: new messages"
    assert not spanish - extracted, "run `nox -s catalogue`: messages the code no longer has"


def test_every_spanish_translation_is_there_with_the_same_fields():
    problems = []
    for message in catalogue.read("es"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(f"untranslated: {ids[0]!r}")
        elif any(fields(text) != fields(ids[0]) for text in strings):
            problems.append(f"other fields: {ids[0]!r} -> {strings!r}")
    assert not problems, "\n".join(problems)


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in catalogue.KEYWORDS:
                yield node


def test_every_marked_message_is_a_literal_the_catalogue_can_hold():
    """_(f"...") or _(variable) would never be found by `nox -s catalogue`."""
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in _calls(ast.parse(path.read_text(), str(path))):
            count = 2 if call.func.id == "ngettext" else 1
            arguments = call.args[:count]
            if len(arguments) < count or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in arguments
            ):
                problems.append(f"{path.relative_to(PACKAGE)}:{call.lineno} {ast.unparse(call)}")
    assert not problems, "messages that are not string literals:\n" + "\n".join(problems)


# ------------------------------------------------------------------------- the language


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"GRADERS_LANG": "es"}, "es"),
        ({"GRADERS_LANG": "EN", "LANG": "es_ES.UTF-8"}, "en"),
        ({"LANG": "es_MX.UTF-8"}, "es"),
        ({"LC_ALL": "es_AR.utf8", "LANG": "en_US.UTF-8"}, "es"),
        ({"LANGUAGE": "fr:es", "LANG": "en_US.UTF-8"}, "es"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"GRADERS_LANG": "klingon", "LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_comes_from_graders_lang_then_the_locale(monkeypatch, environment, expected):
    for variable in ("GRADERS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert i18n.language() == expected


def test_a_lazy_text_is_translated_each_time_it_is_shown(monkeypatch):
    title = lazy("Week 1 assignment: housing prices")
    monkeypatch.setenv("GRADERS_LANG", "en")
    assert str(title) == "Week 1 assignment: housing prices"
    monkeypatch.setenv("GRADERS_LANG", "es")
    spanish = str(title)
    assert spanish and spanish != "Week 1 assignment: housing prices"
    monkeypatch.setenv("GRADERS_LANG", "qps")
    assert str(title) == f"{OPEN}Week 1 assignment: housing prices{CLOSE}"


def test_the_pseudo_language_marks_what_went_through_the_catalogue():
    assert untranslated(f"{OPEN}a {OPEN}b{CLOSE} c{CLOSE}: 3.") == ": 3."
    assert_translated(f"{OPEN}expected 0.98{CLOSE} (0.5)")
    with pytest.raises(AssertionError, match="bypasses"):
        assert_translated(f"{OPEN}expected{CLOSE} but got 3")


def test_a_learner_switches_a_running_notebook_to_spanish_with_env(tmp_path):
    """What the badge cell tells learners: `%env GRADERS_LANG=es`, then the next test cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    check = 'from graders.selfcheck import check_exercise\ncheck_exercise("C1W1_Quiz")'
    nb = new_notebook(cells=[
        new_code_cell("%env GRADERS_LANG=en\n"
                      + "".join(f"answer_{n} = None\n" for n in range(1, 8)) + check),
        new_code_cell("%env GRADERS_LANG=es"),
        new_code_cell(check),
    ])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={
        "metadata": {"path": str(tmp_path)}}).execute()

    def shown(cell) -> tuple[str, str]:
        data = [o["data"] for o in cell.outputs if o.get("output_type") == "display_data"]
        return data[0]["text/plain"], data[0]["text/html"]

    english, spanish = shown(nb.cells[0]), shown(nb.cells[2])
    assert "Not answered yet" in english[0] and "Not answered yet" in english[1]
    for form in spanish:
        assert "Not answered yet" not in form and "Aún sin responder" in form, form
    nbformat.validate(nb)
