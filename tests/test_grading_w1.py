"""Grading Week 1 end to end: the reference scores 100, the template 0, and each wrong
solution (kept here as data) loses exactly the points of the checks it breaks."""

from __future__ import annotations

import json

import pytest
from conftest import NOTEBOOKS, SOLUTIONS, grade, run_cli, write_variant

ASSIGNMENT = SOLUTIONS / "W1" / "C1W1_Assignment.ipynb"
QUIZ = SOLUTIONS / "W1" / "C1_W1_Quiz.ipynb"

T1 = "create_training_data: returns two float arrays of shape (6,)"
T2 = "create_training_data: bedrooms are 1 to 6, ascending"
T3 = "create_training_data: prices are 1.0 to 3.5 in steps of 0.5"
T4 = "define_and_compile_model: input (None, 1), one Dense layer, 2 parameters"
T5 = "define_and_compile_model: compiled with SGD and mean squared error"
T6 = "train_model: fitted for 500 epochs"
T7 = "train_model: predicts about 4.0 for 7 bedrooms"

DATA = """def create_training_data():
    n_bedrooms = np.array([1, 2, 3, 4, 5, 6])
    price_in_hundreds_of_thousands = np.array({prices})
    return n_bedrooms, price_in_hundreds_of_thousands
"""
MODEL = """def define_and_compile_model():
    model = tf.keras.Sequential([{layers}])
    model.compile(optimizer={optimizer!r}, loss="mean_squared_error")
    return model
"""
TRAIN = """def train_model():
    n_bedrooms, price_in_hundreds_of_thousands = create_training_data()
    model = define_and_compile_model()
    {body}
"""
GOOD_LAYERS = "tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(units=1)"
GOOD_FLOAT_DATA = DATA.replace("6])", "6], dtype=float)").format(
    prices="[1.0, 1.5, 2.0, 2.5, 3.0, 3.5]"
)

#: name -> (cells to replace, {test name: fragment of its feedback} for every test that fails)
WRONG = {
    "integer_arrays": (
        {"ex1-create-training-data": DATA.format(prices="[1, 1.5, 2, 2.5, 3, 3.5]")},
        {T1: "n_bedrooms dtype: expected a float dtype (e.g. float64), but got int64"},
    ),
    "prices_in_thousands": (
        {
            "ex1-create-training-data": GOOD_FLOAT_DATA.replace(
                "[1.0, 1.5, 2.0, 2.5, 3.0, 3.5]", "[100., 150, 200, 250, 300, 350]"
            )
        },
        {
            T3: "expected [1.0, 1.5, 2.0, 2.5, 3.0, 3.5], but got [100.0",
            T7: "expected 4.0 \u00b1 0.25",
        },
    ),
    "no_input_layer": (
        {
            "ex2-define-and-compile-model": MODEL.format(
                layers="tf.keras.layers.Dense(units=1)", optimizer="sgd"
            )
        },
        # Without an Input, Keras cannot fit the 1-D arrays either.
        {
            T4: "input shape: expected (None, 1), but got unknown (no Input layer?)",
            T6: "expected min_ndim=2, found ndim=1",
            T7: "expected min_ndim=2, found ndim=1",
        },
    ),
    "adam_optimizer": (
        {"ex2-define-and-compile-model": MODEL.format(layers=GOOD_LAYERS, optimizer="adam")},
        {T5: "optimizer: expected SGD, but got Adam", T7: "prediction for 7 bedrooms"},
    ),
    "trains_1000_epochs": (
        {
            "ex3-train-model": TRAIN.format(
                body="model.fit(n_bedrooms, price_in_hundreds_of_"
                "thousands, epochs=1000, verbose=0)\n    return model"
            )
        },
        {T6: "training length: expected 500 epochs, but got 1000 epochs"},
    ),
    "returns_history": (
        {
            "ex3-train-model": TRAIN.format(
                body="return model.fit(n_bedrooms, price_in_hundreds_of_"
                "thousands, epochs=500, verbose=0)"
            )
        },
        {
            T6: "expected the trained model, but got keras.src.callbacks.history.History",
            T7: "expected the trained model",
        },
    ),
    "syntax_error": (
        {"ex1-create-training-data": "def create_training_data(:\n    return 1\n"},
        {
            T1: "SyntaxError",
            T2: "SyntaxError",
            T3: "SyntaxError",
            T6: "NameError: name 'create_training_data' is not defined",
            T7: "NameError: name 'create_training_data' is not defined",
        },
    ),
    # Feedback that names the learner's mistake (none of these variants trains).
    "a_model_from_another_cell": (
        {
            "ex3-train-model": "def train_model():\n"
            "    n_bedrooms, prices = create_training_data()\n"
            "    untrained_model.fit(n_bedrooms, prices, epochs=500, verbose=0)\n"
            "    return untrained_model\n"
        },
        {
            test: "NameError: name 'untrained_model' is not defined (in cell ex3-train-model, "
            "line 3). `untrained_model` is defined in cell ex2-demo, which the grader does not "
            "run: graded cells must be self-contained"
            for test in (T6, T7)
        },
    ),
    "fit_with_none": (
        {
            "ex3-train-model": TRAIN.format(
                body="model.fit(None, None, epochs=None)\n    return model"
            )
        },
        {
            test: "`train_model` failed (in cell ex3-train-model, line 4): `model.fit(...)` "
            "received None for argument 1, argument 2 and `epochs`. Replace each None with a "
            "value."
            for test in (T6, T7)
        },
    ),
    "dense_of_none_units": (
        {
            "ex2-define-and-compile-model": MODEL.format(
                layers="tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(units=None)",
                optimizer="sgd",
            )
        },
        {
            test: "(in cell ex2-define-and-compile-model, line 2): `tf.keras.layers.Dense(...)` "
            "received None for `units`."
            for test in (T4, T5, T6, T7)
        },
    ),
    "grade_up_to_here": (
        {
            "ex2-define-and-compile-model": "# grade-up-to-here\n"
            + MODEL.format(layers=GOOD_LAYERS, optimizer="sgd")
        },
        {T6: "`train_model` is not defined", T7: "`train_model` is not defined"},
    ),
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Grade the reference twice, the template, and every wrong solution, in one run."""
    folder = tmp_path_factory.mktemp("w1")
    paths = [ASSIGNMENT, ASSIGNMENT, NOTEBOOKS / "W1" / "C1W1_Assignment.ipynb"]
    for name, (cells, _) in WRONG.items():
        paths.append(write_variant(ASSIGNMENT, folder / f"{name}.ipynb", sources=cells))
    graded = grade(*paths)
    return {
        "reference": graded[0],
        "reference_again": graded[1],
        "template": graded[2],
        **{name: graded[3 + i] for i, name in enumerate(WRONG)},
    }


def test_reference_scores_100_every_time(results):
    first, second = results["reference"], results["reference_again"]
    assert (first["status"], first["score"], first["max_score"]) == ("graded", 100, 100)
    assert all(test["passed"] for test in first["tests"])
    drop = {"duration_s", "timings"}
    assert {k: v for k, v in first.items() if k not in drop} == {
        k: v for k, v in second.items() if k not in drop
    }


def test_result_has_the_documented_shape(results):
    result = results["reference"]
    assert set(result) == {
        "assignment",
        "notebook",
        "status",
        "score",
        "max_score",
        "tests",
        "duration_s",
        "message",
        "notes",
        "isolation",
        "timings",
    }
    assert result["assignment"] == "C1W1"
    assert [t["name"] for t in result["tests"]] == [T1, T2, T3, T4, T5, T6, T7]
    for test in result["tests"]:
        assert set(test) == {"name", "passed", "points", "max_points", "feedback"}
    assert sum(t["max_points"] for t in result["tests"]) == 100


def test_result_says_where_the_time_went(results):
    timings = results["reference"]["timings"]
    steps = ["start_up_s", "cells_s", "create_training_data_s", "define_and_compile_model_s",
             "train_model_s", "verify_s", "grader_s"]
    assert list(timings) == steps
    assert all(value >= 0 for value in timings.values())
    assert timings["train_model_s"] > timings["create_training_data_s"]  # 500 epochs vs none
    assert sum(timings.values()) <= results["reference"]["duration_s"] + 0.05


def test_template_scores_zero_with_not_implemented_everywhere(results):
    result = results["template"]
    assert (result["status"], result["score"]) == ("graded", 0)
    for test in result["tests"]:
        assert test["feedback"].startswith("Not implemented yet:"), test


@pytest.mark.parametrize("name", WRONG)
def test_wrong_solution_loses_exactly_its_points(results, name):
    result = results[name]
    expected_failures = WRONG[name][1]
    assert result["status"] == "graded", result["message"]
    failed = {t["name"]: t for t in result["tests"] if not t["passed"]}
    assert set(failed) == set(expected_failures)
    for test_name, fragment in expected_failures.items():
        assert fragment in failed[test_name]["feedback"]
    lost = sum(t["max_points"] for t in failed.values())
    assert result["score"] == 100 - lost


def test_quiz_reference_and_template(variant):
    wrong = variant(
        QUIZ,
        "wrong.ipynb",
        sources={
            "answer-2": 'answer_2 = "a"',
            "answer-3": 'answer_3 = "z"',
            "answer-4": "pass",
        },
    )
    reference, template, mistakes = grade(QUIZ, NOTEBOOKS / "W1" / "C1_W1_Quiz.ipynb", wrong)
    assert (reference["assignment"], reference["score"]) == ("C1W1_Quiz", 100)
    assert template["score"] == 0
    assert all("is still None" in t["feedback"] for t in template["tests"])
    assert mistakes["score"] == 100 - 15 - 14 - 14
    lost = {t["name"]: t["feedback"] for t in mistakes["tests"] if not t["passed"]}
    assert "'a', which is not it" in lost["answer_2: question 2 (labelling the data)"]
    assert "names no valid option" in lost["answer_3: question 3 (what a Dense layer is)"]
    assert "`answer_4` is not defined" in lost["answer_4: question 4 (measuring a guess: the loss)"]


def test_renamed_notebook_grades_by_its_metadata(variant):
    (result,) = grade(variant(QUIZ, "my quiz (1).ipynb"))
    assert (result["assignment"], result["score"]) == ("C1W1_Quiz", 100)


def test_notebook_without_metadata_grades_by_its_file_name(variant):
    (result,) = grade(variant(QUIZ, metadata={}))
    assert (result["assignment"], result["score"]) == ("C1W1_Quiz", 100)


def test_unidentifiable_and_broken_files_get_an_error_result(tmp_path, variant):
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    unknown = variant(QUIZ, "whatever.ipynb", metadata={})
    not_notebook = tmp_path / "data.ipynb"
    not_notebook.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    results = grade(broken, unknown, not_notebook)
    assert [r["status"] for r in results] == ["error"] * 3
    assert [r["score"] for r in results] == [0, 0, 0]
    assert "not valid JSON" in results[0]["message"]
    assert "cannot tell which assignment" in results[1]["message"]
    assert "no 'cells'" in results[2]["message"]
    assert [r["max_score"] for r in results] == [0, 0, 0]


def test_a_broken_file_named_like_an_assignment_scores_zero_on_each_test(tmp_path):
    broken = tmp_path / "C1W1_Assignment.ipynb"
    broken.write_text("not json at all", encoding="utf-8")
    (result,) = grade(broken)
    assert (result["assignment"], result["status"], result["score"]) == ("C1W1", "error", 0)
    assert result["max_score"] == 100 and len(result["tests"]) == 7
    assert all("Not graded: not a notebook" in t["feedback"] for t in result["tests"])


def test_a_process_killed_mid_grading_keeps_earlier_points(variant):
    hostile = variant(
        ASSIGNMENT,
        sources={
            "ex3-train-model": "import os\n\ndef train_model():\n    os._exit(3)\n",
        },
    )
    (result,) = grade(hostile)
    assert result["status"] == "error"
    assert "exit code 3" in result["message"]
    assert result["score"] == 60
    lost = [t for t in result["tests"] if not t["passed"]]
    assert [t["name"] for t in lost] == [T6, T7]
    assert all(t["feedback"].startswith("Not graded:") for t in lost)


def test_sys_exit_in_a_cell_is_just_an_error_of_that_cell(variant):
    exits = variant(QUIZ, sources={"answer-1": "import sys\nsys.exit(0)"})
    (result,) = grade(exits)
    assert (result["status"], result["score"]) == ("graded", 85)
    assert "SystemExit" in result["tests"][0]["feedback"]


def test_cli_usage_errors_exit_2(tmp_path):
    assert run_cli("grade", str(tmp_path / "nope.ipynb")).returncode == 2
    assert run_cli("grade").returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_list_shows_every_assignment_and_test_with_points():
    out = run_cli("list").stdout
    assert "C1W1  Week 1 assignment: housing prices" in out
    assert f" 25  {T7}" in out
    assert "C1W1_Quiz" in out and "(grader only)" in out


def test_graded_cells_run_like_a_kernel_magics_included(variant):
    magic = variant(QUIZ, sources={"answer-1": "%time x = 1\nanswer_1 = 'a' if x == 1 else 'b'"})
    (result,) = grade(magic)
    assert (result["status"], result["score"]) == ("graded", 100)
