"""The "test your code" cells in Spanish: every word a learner reads went through the catalogue.

In the pseudo-language ``qps`` every message comes out wrapped in ⟦ ⟧, so a word outside the
marks bypassed the catalogue. The self-check of every assignment and quiz runs here on the
templates' namespaces (nothing defined yet, then the template's graded cells run) and on
the wrong solutions the grading tests and the learner corpus already keep (reused, not
copied), for every exercise that does not train; the judges of the training exercises get
observations built by hand. The text report, the HTML table's visible text, the title and
the check names are asserted, and so are the parts of each failing verdict one by one
(split_feedback), since a message's fields sit inside the marks of the sentence around them.
A few real Spanish reports are asserted too.
"""

from __future__ import annotations

import builtins
import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
import test_grading_w1
import test_grading_w2
import test_grading_w3
import test_grading_w4
import test_learners
from conftest import NOTEBOOKS, assert_translated, untranslated
from test_learners import VARIANTS, _Shell, defined_elsewhere, reference_cells
from test_selfcheck import create_training_data

from graders.assignments import ASSIGNMENTS, c1w1, c1w1_quiz, c1w2, c1w3, c1w4
from graders.checks import run
from graders.datasets import fetch
from graders.grading.worker import run_cells
from graders.notebook.cells import graded_cells
from graders.selfcheck import Row, SelfCheckReport, self_check, split_feedback

MODULES = {"C1W1": c1w1, "C1W2": c1w2, "C1W3": c1w3, "C1W4": c1w4}
#: The exercises that train: each assignment's verifier measures exactly those.
TRAINING = {name for module in MODULES.values() for name in module.MEASURES}
#: Words that are not messages: what the learner writes (exercise and answer names), the
#: assignments' ids and the cell ids the feedback points to.
NAMES = tuple(
    {spec.id for spec in ASSIGNMENTS.values()}
    | {exercise.name for spec in ASSIGNMENTS.values() for exercise in spec.exercises}
)


@pytest.fixture
def qps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADERS_LANG", "qps")


@pytest.fixture(scope="module")
def happy_or_sad() -> None:
    """W4's images in the dataset cache (the observers read them)."""
    fetch([c1w4.DATASET], progress=False)


def visible(markup: str) -> list[str]:
    """What a browser shows of an HTML report: the text of each element, entities decoded
    (one by one, so that a column holding part of a message cannot hide the next).

    A collapsed text's preview (its first line, cut at 80 characters, perhaps inside a
    message's marks) is left out: the whole text follows it, in the details.
    """
    shown = re.sub(r"<summary[^>]*>.*?</summary>", " ", markup, flags=re.DOTALL)
    return [html.unescape(text) for text in re.split(r"<[^>]+>", shown) if text.strip()]


def assert_report_translated(report: SelfCheckReport, data: tuple[str, ...] = ()) -> None:
    """The report's text, HTML, title, check names and failing verdicts' parts are all marked.

    A failing verdict's parts are looked at one by one, without their code: inside the
    sentence's marks an unmarked part would not show, and in the table each has a column
    of its own. What was found may be the learner's value (a type's name, an exception's
    text), which is not a message.
    """
    allowed = NAMES + data
    parts = [split_feedback(row.feedback) for row in report.rows if row.status == "failed"]
    # what a column shows outside the marks: checked below, part by part
    columns = tuple(
        bare for part in parts if part for bare in map(untranslated, part) if bare.strip()
    )
    assert_translated(
        report.text, report.title, report.summary,
        *(row.name for row in report.rows), data=allowed,
    )
    assert_translated(*visible(report._repr_html_()), data=allowed + columns)
    for what, want, got in filter(None, parts):
        assert_translated(without_code(what), without_code(want), data=allowed)
        if not _ERROR.match(got):
            assert_translated(without_code(got), data=allowed + TYPE_NAMES)


#: The names of the types a learner's value may have, shown as found.
TYPE_NAMES = tuple(n for n, v in vars(builtins).items() if isinstance(v, type)) + ("ndarray",)
#: What a learner's code raised, shown as found: the exception's name and text.
_ERROR = re.compile(r"\w+(Error|Exception|Warning)\b")


#: Code inside a verdict's parts (``'accuracy'``, ``n_bedrooms``, ``(None, 1)``, ``SGD``,
#: ``Conv2D``): quoted text, names with an underscore, a dot or a digit, capitalized names.
_CODE = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\b\w*[_.\d]\w*\b|\b[A-Z]\w*\b")


def without_code(part: str) -> str:
    """part without its code, so that only words of a message are left to be marked."""
    return _CODE.sub(" ", part)


# ------------------------------------------------------------------------ the templates


def run_graded_cells(path: Path, replaced: dict[str, str] | None = None) -> dict[str, Any]:
    """The namespace of the notebook's graded cells (some replaced), run as the grader's
    worker runs them."""
    nb = nbformat.read(path, as_version=4)
    sources = {cell.id: cell.source for cell in graded_cells(nb)} | (replaced or {})
    namespace: dict[str, Any] = {"__name__": "__main__"}
    run_cells([{"id": i, "source": s} for i, s in sources.items()], namespace, _Shell())
    return namespace


@pytest.mark.parametrize("assignment", sorted(ASSIGNMENTS))
def test_the_templates_self_check_is_all_spanish(qps, assignment, happy_or_sad):
    spec = ASSIGNMENTS[assignment]
    nothing = self_check(assignment, None, {})
    assert [row.status for row in nothing.rows] == ["failed"] * len(spec.exercises)
    assert_report_translated(nothing)
    template = run_graded_cells(NOTEBOOKS / spec.notebook)
    unfinished = self_check(assignment, None, template)
    assert [row.status for row in unfinished.rows] == ["failed"] * len(spec.exercises)
    assert_report_translated(unfinished)
    for exercise in spec.exercises[:2]:  # one exercise's title and report
        one = self_check(assignment, exercise.name, template)
        assert one.title == f"{assignment} \u00b7 {exercise.name}"
        assert_report_translated(one)


def test_every_title_and_check_name_is_translated(qps):
    """Hidden checks too (a quiz question's topic is shown by the grader)."""
    names = [
        text
        for spec in ASSIGNMENTS.values()
        for text in (spec.title, *(check.name for e in spec.exercises for check in e.checks))
    ]
    assert len(names) > 80
    assert_translated(*names)


def test_an_unknown_assignment_is_named_in_spanish(qps):
    with pytest.raises(KeyError) as raised:
        self_check("C9", None, {})
    assert_translated(raised.value.args[0], data=("C9", *NAMES))


@pytest.mark.parametrize("assignment", sorted(a for a in ASSIGNMENTS if a.endswith("_Quiz")))
def test_quiz_answers_recorded_and_malformed_are_all_spanish(qps, assignment):
    spec = ASSIGNMENTS[assignment]
    letters = {e.name: "a" for e in spec.exercises}
    recorded = self_check(assignment, None, letters)
    assert [row.status for row in recorded.rows] == ["recorded"] * len(spec.exercises)
    assert_report_translated(recorded)
    for value in ("z", "a b", 3, ["a", 1]):
        malformed = self_check(assignment, None, {**letters, spec.exercises[0].name: value})
        assert malformed.rows[0].status == "failed"
        assert_report_translated(malformed, data=(repr(value),))


def test_every_summary_line_is_a_whole_translated_sentence(qps):
    statuses = ("passed", "failed", "recorded")
    for passed in (0, 2):
        for failed in (0, 1):
            for recorded in (0, 3):
                rows = [Row("passed", "a", 1, 1)] * passed + [Row("failed", "b", 0, 1)] * failed
                rows += [Row("recorded", "c", None, 1)] * recorded
                report = SelfCheckReport("t", tuple(rows))
                assert [report.count(s) for s in statuses] == [passed, failed, recorded]
                assert_translated(report.summary, report.text, *visible(report._repr_html_()),
                                  data=("a", "b", "c", "t"))


# ------------------------------------------------------------- wrong solutions, reused


def wrong_solutions() -> Iterator[tuple[str, str, dict[str, str], tuple[str, ...]]]:
    """(id, assignment, replaced cells, exercises it gets wrong) of every wrong solution the
    grading tests and the learner corpus keep, for the exercises that do not train."""
    found: list[tuple[str, str, dict[str, str], tuple[str, ...]]] = []
    for name, (cells, expected) in test_grading_w1.WRONG.items():
        found.append((f"w1/{name}", "C1W1", cells, tuple(t.split(":")[0] for t in expected)))
    for name, (cells, _tests, expected) in test_grading_w2.WRONG.items():
        found.append((f"w2/{name}", "C1W2", cells, tuple(t.split(":")[0] for t in expected)))
    exercise_of_cell = {
        test_grading_w3.EX_RESHAPE: "reshape_and_normalize",
        test_grading_w3.EX_CALLBACK: "EarlyStoppingCallback",
        test_grading_w3.EX_MODEL: "convolutional_model",
    }
    for name, (cell_id, source, _expected) in test_grading_w3.WRONG.items():
        found.append((f"w3/{name}", "C1W3", {cell_id: source}, (exercise_of_cell[cell_id],)))
    for name, (cells, exercises, expected) in test_grading_w4.WRONG.items():
        if expected:  # not one of the right solutions kept with them
            found.append((f"w4/{name}", "C1W4", cells, exercises))
    for variant in VARIANTS:
        if any(want != "pass" for want in variant.expect.values()):  # a mistake to report
            found.append((
                f"learners/{variant.name}", variant.assignment.upper(), variant.cells,
                tuple(e for e, want in variant.expect.items() if want != "pass"),
            ))
    for key, assignment, cells, exercises in found:  # the exercises with a mistake, untrained
        untrained = tuple(dict.fromkeys(e for e in exercises if e not in TRAINING))
        if untrained:
            yield key, assignment, cells, untrained


WRONG = {key: rest for key, *rest in wrong_solutions()}


def namespace_of(assignment: str, cells: dict[str, str], monkeypatch, folder) -> dict:
    """The reference's graded cells, some replaced, run as the grader's worker runs them
    (with the names the other cells define known, for NameError feedback)."""
    monkeypatch.setattr(run, "DEFINED_ELSEWHERE", defined_elsewhere(assignment.lower()))
    monkeypatch.chdir(folder)
    return run_graded_cells(test_learners.NOTEBOOKS[assignment.lower()], cells)


@pytest.mark.parametrize("key", WRONG)
def test_wrong_solutions_feedback_is_all_spanish(qps, key, monkeypatch, tmp_path, happy_or_sad):
    assignment, cells, exercises = WRONG[key]
    namespace = namespace_of(assignment, cells, monkeypatch, tmp_path)
    cell_ids = tuple(reference_cells(assignment.lower()))
    failed = 0
    for exercise in exercises:
        report = self_check(assignment, exercise, namespace)
        failed += report.count("failed")
        assert_report_translated(report, data=cell_ids)
    assert failed, f"{key}: no check failed"


def test_the_corpus_and_the_grading_tests_are_what_is_reused():
    assert test_learners.LEARNERS.is_dir() and len(VARIANTS) >= test_learners.MINIMUM
    assert {assignment for assignment, _, _ in WRONG.values()} == set(MODULES)


# --------------------------------------------- mistakes no kept solution makes, cheaply

#: A train_model that fits one epoch (6 samples), then hands back another History.
SWAPPED_HISTORY = """def train_model():
    n_bedrooms, prices = create_training_data()
    model = define_and_compile_model()
    model.fit(n_bedrooms, prices, epochs=1, verbose=0)
    model.history = tf.keras.callbacks.History()
    return model
"""
#: A reshape_and_normalize that keeps working on the first images it was given.
FIRST_IMAGES_ONLY = """FIRST = []
def reshape_and_normalize(images):
    FIRST.append(FIRST[0] if FIRST else images)
    return FIRST[0].reshape(-1, 28, 28, 1) / 255.0
"""
RARER = {
    "w1/one_array": ("C1W1", {"ex1-create-training-data": "def create_training_data():\n"
                              "    return np.arange(1.0, 7.0)\n"}, "create_training_data"),
    "w1/swapped_history": ("C1W1", {"ex3-train-model": SWAPPED_HISTORY}, "train_model"),
    "w3/first_images_only": (
        "C1W3", {test_grading_w3.EX_RESHAPE: FIRST_IMAGES_ONLY}, "reshape_and_normalize"
    ),
    "w4/three_outputs": (
        "C1W4", test_grading_w4.model_cell(units=3, activation="softmax"),
        "create_and_compile_model",
    ),
}


@pytest.mark.parametrize("key", RARER)
def test_rarer_mistakes_feedback_is_all_spanish(qps, key, monkeypatch, tmp_path, happy_or_sad):
    assignment, cells, exercise = RARER[key]
    namespace = namespace_of(assignment, cells, monkeypatch, tmp_path)
    report = self_check(assignment, exercise, namespace)
    assert report.count("failed")
    assert_report_translated(report, data=tuple(reference_cells(assignment.lower())))


# ------------------------------------------------- the training judges, observed by hand


def _model(**changes: Any) -> dict[str, Any]:
    return {"is_model": True, "type": "Sequential", **changes}


#: What C1W1's train_model observer could report (its judges are C1W1's own; the other
#: assignments' training checks are graders.checks.training's, tested with it).
W1_TRAINING_OBSERVATIONS = {
    "returns_a_history": {"model": {"is_model": False, "type": "History"}},
    "never_fitted": {"model": _model(), "fits": 0, "epochs": 0},
    "history_changed": {"model": _model(), "fits": 1, "epochs": 500, "forged": "x"},
    "one_epoch": {"model": _model(), "fits": 1, "epochs": 1, "forged": "",
                  "measured": {"figures": {"prediction": [4.0]}}},
    "two_predictions": {"model": _model(), "fits": 2, "epochs": 1000, "forged": "",
                        "measured": {"figures": {"prediction": [1.0, 2.0]}}},
    "far_off": {"model": _model(), "fits": 1, "epochs": 500, "forged": "",
                "measured": {"figures": {"prediction": [7.5]}}},
}


@pytest.mark.parametrize("name", W1_TRAINING_OBSERVATIONS)
def test_w1_training_judges_speak_spanish(qps, name):
    observation = W1_TRAINING_OBSERVATIONS[name]
    checks = c1w1.ASSIGNMENT.exercise("train_model").checks
    verdicts = [check.judge(observation) for check in checks]
    assert not all(verdict.passed for verdict in verdicts)
    for check, verdict in zip(checks, verdicts, strict=True):
        assert_translated(check.name, verdict.feedback, data=("x",))
        parts = split_feedback(verdict.feedback)
        if parts:  # what was found: a type's name, or the judge's own words
            assert_translated(*parts, data=("History",))


# ---------------------------------------------------------------------- real Spanish


@pytest.fixture
def spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADERS_LANG", "es")


def test_the_w1_template_reports_in_spanish(spanish):
    template = run_graded_cells(NOTEBOOKS / c1w1.ASSIGNMENT.notebook)
    report = self_check("C1W1", None, template)
    assert report.title == "C1W1 \u00b7 todos los ejercicios"
    assert report.summary == "Fallidas: 3; ninguna aprobada."
    assert "\u274c create_training_data\n   Aún sin implementar: n_bedrooms y " \
        "price_in_hundreds_of_thousands deben tener un valor los dos (uno sigue siendo None)." \
        in report.text
    assert "\u274c train_model\n   Aún sin implementar: train_model() devolvió None." in report.text
    markup = report._repr_html_()
    for header in ("resultado", "prueba", "puntos", "esperado", "obtenido"):
        assert f">{header}</th>" in markup
    assert "\u2717 fallida" in markup and 'class="graders-failed"' in markup


def test_a_correct_exercise_passes_in_spanish(spanish):
    report = self_check("C1W1", "create_training_data",
                        {"create_training_data": create_training_data})
    assert report.summary == "¡Todas aprobadas! (3 de 3)"
    assert report.rows[0].name == (
        "create_training_data: devuelve dos arrays de tipo float con forma (6,)"
    )
    assert "\u2713 aprobada" in report._repr_html_()


def test_split_feedback_splits_a_spanish_failing_verdict(spanish):
    import numpy as np

    report = self_check("C1W1", "create_training_data",
                        {"create_training_data": lambda: np.arange(1.0, 7.0)})
    failed = [row for row in report.rows if row.status == "failed"]
    assert len(failed) == 3 and report.summary == "Fallidas: 3; ninguna aprobada."
    assert failed[0].feedback == (
        "valor devuelto: se esperaba una tupla de dos arrays, pero se obtuvo ndarray."
    )
    assert split_feedback(failed[0].feedback) == (
        "valor devuelto", "una tupla de dos arrays", "ndarray"
    )
    markup = report._repr_html_()
    assert ">una tupla de dos arrays</td>" in markup and ">ndarray</td>" in markup


def test_a_quiz_is_recorded_in_spanish(spanish):
    answers = {f"answer_{n}": "a" for n in range(1, 8)}
    report = self_check("C1W1_Quiz", None, answers)
    assert report.summary == "¡Todas registradas para la calificación! (7 de 7)"
    first = c1w1_quiz.ASSIGNMENT.exercises[0].checks[0]  # hidden: shown by the grader
    assert "(programación tradicional frente a aprendizaje automático)" in first.name
    assert "registrada (se comprueba cuando se califica el cuaderno)" in report.text
    mixed = self_check("C1W1_Quiz", None, {**answers, "answer_2": None})
    assert mixed.summary == "Fallidas: 1; registradas para la calificación: 6."
