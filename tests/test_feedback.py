"""Feedback that names the learner's mistake: describe_error and the callback probe."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from graders.checks import run
from graders.checks.callbacks import callback_checks, observe_callback_class
from graders.checks.core import Check

CELL = "<cell ex-learner>"


def learner_namespace(source: str, **names) -> dict:
    """Run source as the grader's worker runs a graded cell (compiled under <cell ...>)."""
    run.remember_source(CELL, source)
    namespace = {"keras": keras, "np": np, **names}
    exec(compile(source, CELL, "exec"), namespace)  # noqa: S102 (test data)
    return namespace


def error_of(function, *args) -> str:
    with pytest.raises(Exception) as raised:  # noqa: PT011 (any error the learner causes)
        function(*args)
    return run.describe_error(function.__name__, raised.value)


def test_a_call_that_received_none_names_the_arguments_not_keras_internals():
    namespace = learner_namespace(
        "def train(images, labels):\n"
        "    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"
        "    model.compile(optimizer='sgd', loss='mse')\n"
        "    epochs = None\n"
        "    return model.fit(images,\n"
        "                     labels, epochs=epochs, verbose=0)\n"
    )
    message = error_of(namespace["train"], None, np.zeros(2))
    assert message == (
        "`train` failed (in cell ex-learner, line 5): `model.fit(...)` received None for "
        "argument 1 (`images`) and `epochs`. Replace each None with a value."
    )
    assert "pop from an empty set" not in message


def test_an_error_in_the_learners_own_line_keeps_its_message_and_place():
    namespace = learner_namespace("def f(x):\n    y = None\n    return y + x\n")
    assert error_of(namespace["f"], 1) == (
        "`f` raised TypeError: unsupported operand type(s) for +: 'NoneType' and 'int' "
        "(in cell ex-learner, line 3)."
    )


def test_a_name_from_a_cell_the_grader_does_not_run(monkeypatch):
    cells = [
        ("load-data", "training_images = load()\nfrom os import path as p\n"),
        ("demo", "for index, (a, b) in enumerate(x):\n    pass\nclass MyCallback: pass\n"),
        ("broken", "%time x = 1\n"),
    ]
    defined = run.defining_cells(cells)
    assert defined == {
        "training_images": "load-data", "p": "load-data", "index": "demo", "a": "demo",
        "b": "demo", "MyCallback": "demo",
    }
    monkeypatch.setattr(run, "DEFINED_ELSEWHERE", defined)
    namespace = learner_namespace("def train():\n    return training_images.shape\n")
    assert error_of(namespace["train"]).endswith(
        "(in cell ex-learner, line 2). `training_images` is defined in cell load-data, which "
        "the grader does not run: graded cells must be self-contained (define or import it "
        "inside your function, or call the function that makes it)."
    )


def test_older_keras_argument_names_are_translated():
    namespace = learner_namespace("def opt():\n    return keras.optimizers.Adam(lr=0.01)\n")
    assert error_of(namespace["opt"]).endswith(
        "`lr=` is the name older Keras used: Keras 3 calls it `learning_rate=`."
    )


def test_a_missing_file_points_to_what_the_notebook_gives():
    namespace = learner_namespace(
        "def read():\n    return np.load('/no/such/mnist.npz')\n", DATA_DIR="/data"
    )
    assert "Your code names the folder '/no/such/mnist.npz'" in error_of(namespace["read"])
    assert "read the data from DATA_DIR" in error_of(namespace["read"])


CALLBACK = """class Stop(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if {condition}:
            self.model.stop_training = True
"""


def judged(condition: str, threshold: float = 0.98) -> dict[str, tuple[bool, str]]:
    namespace = learner_namespace(CALLBACK.format(condition=condition))
    described = observe_callback_class(namespace, "Stop", "accuracy", threshold)
    checks: tuple[Check, ...] = callback_checks("accuracy", threshold, (1, 1, 1, 1))
    return {check.name: (check.judge(described).passed, check.judge(described).feedback)
            for check in checks}


BELOW, AT, ABOVE = (
    "keeps training below 98% accuracy",
    "stops training at exactly 98% accuracy",
    "stops training above 98% accuracy",
)


def test_greater_than_fails_only_the_boundary_and_says_use_greater_or_equal():
    results = judged("logs['accuracy'] > 0.98")
    assert results[BELOW][0] and results[ABOVE][0]
    assert results[AT] == (False, (
        "accuracy = 0.98 (threshold 0.98): expected stop_training set to True, but got training "
        "left running. At exactly 0.98 your callback keeps training: use >= (greater than or "
        "equal), not >."
    ))


@pytest.mark.parametrize("condition", ["logs['acc'] >= 0.98", "logs.get('acc') >= 0.98",
                                       "'acc' in logs and logs['acc'] >= 0.98"])
def test_the_old_acc_key_is_named_with_what_keras_3_calls_it(condition):
    results = judged(condition)
    # Reading logs with `in` raises nothing: below the threshold it behaves right.
    assert results[BELOW][0] == condition.startswith("'acc' in")
    for name in (AT, ABOVE) if condition.startswith("'acc' in") else (BELOW, AT, ABOVE):
        passed, feedback = results[name]
        assert not passed
        assert feedback.startswith(
            "your callback reads logs['acc'], the name older Keras used: Keras 3 logs it as "
            "'accuracy'"
        )


def test_a_right_callback_passes_all_three_and_a_wrong_threshold_fails_below():
    assert all(passed for passed, _ in judged("logs.get('accuracy') >= 0.98").values())
    results = judged("logs['accuracy'] >= 0.97")
    assert not results[BELOW][0] and results[AT][0] and results[ABOVE][0]
    assert "accuracy = 0.97 (threshold 0.98): expected training left running" in (
        results[BELOW][1]
    )


def test_none_given_where_none_is_the_default_is_not_blamed():
    namespace = learner_namespace(
        "def train(images, labels):\n"
        "    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"
        "    model.compile(optimizer='sgd', loss='mse')\n"
        "    return model.fit(images, labels, epochs=1, validation_data=None, verbose=0)\n"
    )
    message = error_of(namespace["train"], np.zeros((4, 3)), np.zeros(4))
    assert "received None" not in message
    assert message.startswith("`train` raised ValueError") and "line 4)" in message


def test_names_bound_inside_blocks_of_a_cell_count_as_defined_there_but_not_in_functions():
    cells = [
        ("load-data", "with np.load(path) as data:\n    training_images = data['x_train']\n"),
        ("setup", "try:\n    import scipy\nexcept ImportError:\n    scipy = None\n"
                  "if True:\n    DATA_DIR = 'x'\nelse:\n    other = 1\n"),
        ("helpers", "def f():\n    hidden = 1\n"),
    ]
    assert run.defining_cells(cells) == {
        "data": "load-data", "training_images": "load-data", "scipy": "setup",
        "DATA_DIR": "setup", "other": "setup", "f": "helpers",
    }


def test_a_tensorflow_tensor_counts_as_an_array_and_a_list_does_not():
    import tensorflow as tf

    from graders.checks.values import describe_array, expect_float_array

    tensor = tf.expand_dims(tf.zeros((3, 28, 28)), -1) / 255.0
    assert expect_float_array(describe_array(tensor), "images", [None, 28, 28, 1]).passed
    verdict = expect_float_array(describe_array([[0.0]]), "images", [None, 28, 28, 1])
    assert not verdict.passed and "a numpy array" in verdict.feedback
