"""The shared callback, History and array checks, on real Keras objects and synthetic logs."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from graders.checks.callbacks import expect_stops_at, probe_callback, probe_values
from graders.checks.training import (
    describe_history,
    expect_epochs_at_most,
    expect_reached,
    expect_stopped_by_callback,
)
from graders.checks.values import describe_array, expect_float_array, expect_range

THRESHOLD = 0.98


class Right(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if logs.get("accuracy") >= THRESHOLD:
            self.model.stop_training = True


class Strict(keras.callbacks.Callback):  # '>' instead of '>='
    def on_epoch_end(self, epoch, logs={}):  # noqa: B006 - the course's old signature
        if logs["accuracy"] > THRESHOLD:
            self.model.stop_training = True


class Loss(keras.callbacks.Callback):  # watches the wrong metric
    def on_epoch_end(self, epoch, logs=None):
        if logs["loss"] < 0.4:
            self.model.stop_training = True


class Never(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        pass


class Raises(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if logs.get("acc") >= THRESHOLD:  # Keras 3 logs 'accuracy', not 'acc'
            self.model.stop_training = True


class NoMethod(keras.callbacks.Callback):
    pass


class NotACallback:
    def on_epoch_end(self, epoch, logs=None):
        pass


def judge(callback):
    return expect_stops_at(probe_callback(callback, "accuracy", probe_values(THRESHOLD)),
                           "accuracy", THRESHOLD)


def test_probe_values_straddle_the_threshold():
    values = probe_values(THRESHOLD)
    assert THRESHOLD in values and 1.0 in values
    assert any(THRESHOLD - 0.001 < v < THRESHOLD for v in values)
    assert any(v > THRESHOLD for v in values)


def test_a_right_callback_passes():
    assert judge(Right).passed


@pytest.mark.parametrize(
    ("callback", "fragment"),
    [
        (Strict, "accuracy = 0.98 (threshold 0.98): expected stop_training set to True"),
        (Loss, "expected training left running, but got stop_training set"),
        (Never, "expected stop_training set to True, but got training left running"),
        (Raises, "TypeError"),
        (NoMethod, "on_epoch_end: expected a method"),
        (NotACallback, "a subclass of tf.keras.callbacks.Callback"),
        (Right(), "expected a class (not an instance)"),
    ],
)
def test_each_wrong_callback_fails_with_its_reason(callback, fragment):
    verdict = judge(callback)
    assert not verdict.passed
    assert fragment in verdict.feedback


def _fit(epochs, callbacks=()):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2, "softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.array([[0.0], [1.0]] * 8)
    y = np.array([0, 1] * 8)
    return model.fit(x, y, epochs=epochs, verbose=0, callbacks=list(callbacks))


class StopAtOnce(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.model.stop_training = True


def test_history_of_a_run_stopped_by_a_callback():
    described = describe_history(_fit(5, [StopAtOnce()]))
    assert described["epochs_run"] == 1 and described["epochs_asked"] == 5
    assert described["stopped_early"]
    acc = described["metrics"]["accuracy"][-1]
    assert expect_stopped_by_callback(described, "accuracy", acc).passed
    assert expect_epochs_at_most(described, 5).passed
    assert "expected at most 4, but got 5" in expect_epochs_at_most(described, 4).feedback


def test_history_of_a_run_that_ran_out_of_epochs():
    described = describe_history(_fit(3))
    assert described["epochs_run"] == 3 and not described["stopped_early"]
    assert "ran all 3 epochs" in expect_stopped_by_callback(described, "accuracy", 0.0).feedback
    assert "expected at most 2, but got 3" in expect_epochs_at_most(described, 2).feedback
    assert "expected at least 1.5" in expect_reached(described, "accuracy", 1.5).feedback
    assert "'accuracy' (compile with" not in expect_reached(described, "accuracy", 0).feedback
    assert "expected 'acc'" in expect_reached(described, "acc", 0.5).feedback


def test_a_model_is_not_a_history():
    verdict = expect_epochs_at_most(describe_history(keras.Sequential()), 10)
    assert "expected the History returned by model.fit" in verdict.feedback


def test_image_arrays_shape_dtype_and_range():
    images = np.zeros((5, 28, 28, 1), dtype="float32")
    images[0, 0, 0, 0] = 1.0
    described = describe_array(images)
    assert expect_float_array(described, "images", [None, 28, 28, 1]).passed
    assert expect_range(described, "images", 0.0, 1.0).passed
    flat = describe_array(np.zeros((5, 28, 28)))
    assert "expected (N, 28, 28, 1), but got (5, 28, 28)" in expect_float_array(
        flat, "images", [None, 28, 28, 1]).feedback
    raw = describe_array(images * 255)
    assert "between 0 and 1" in expect_range(raw, "images", 0.0, 1.0).feedback
    dim = describe_array(images / 2)
    assert "maximum: expected 1 (divide by 255)" in expect_range(
        dim, "images", 0.0, 1.0, hint="divide by 255").feedback
    ints = describe_array(np.zeros((2, 28, 28, 1), dtype="uint8"))
    assert "float dtype" in expect_float_array(ints, "images", [None, 28, 28, 1]).feedback


class Template(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        """What the released notebook holds before the learner writes anything."""
        # Stop training once the accuracy reaches the threshold
        pass


def test_an_empty_on_epoch_end_is_not_implemented_yet():
    from graders.checks.callbacks import does_nothing, observe_callback_class
    from graders.checks.core import NotImplementedYet

    assert does_nothing(Template.on_epoch_end) and does_nothing(Never.on_epoch_end)
    assert not does_nothing(Right.on_epoch_end) and not does_nothing(Raises.on_epoch_end)
    with pytest.raises(NotImplementedYet, match="on_epoch_end does nothing yet"):
        observe_callback_class({"Callback": Template}, "Callback", "accuracy", THRESHOLD)
    probed = observe_callback_class({"Callback": Right}, "Callback", "accuracy", THRESHOLD)
    assert expect_stops_at(probed, "accuracy", THRESHOLD).passed
