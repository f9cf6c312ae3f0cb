"""The shared callback, History and array checks, on real Keras objects and synthetic logs;
the grader's record of each fit, and forged training claims measured against the model."""

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
    observe_training_call,
)
from graders.checks.values import describe_array, expect_float_array, expect_range
from graders.checks.verification import Measure, Unverifiable, accuracy, export_model, rebuild

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
        (Raises, "Keras 3 logs it as 'accuracy'"),
        (NoMethod, "on_epoch_end: expected a method"),
        (NotACallback, "a subclass of tf.keras.callbacks.Callback"),
        (Right(), "expected a class (not an instance)"),
    ],
)
def test_each_wrong_callback_fails_with_its_reason(callback, fragment):
    verdict = judge(callback)
    assert not verdict.passed
    assert fragment in verdict.feedback


X = np.array([[0.0], [1.0]] * 8)
Y = np.array([0, 1] * 8)
TOY = Measure(lambda: (X, Y), lambda model, data: accuracy(model, *data))


def _model(layers=None):
    keras.utils.set_random_seed(0)
    layers = layers or [keras.layers.Dense(2, "softmax")]
    model = keras.Sequential([keras.Input(shape=(1,)), *layers])
    model.compile(
        keras.optimizers.Adam(0.1), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def _fit(epochs, callbacks=()):
    return _model().fit(X, Y, epochs=epochs, verbose=0, callbacks=list(callbacks))


def _observe(train):
    return observe_training_call(train, "train", TOY)


class StopAtOnce(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.model.stop_training = True


#: Epoch accuracy is measured before each step's update: on a toy fit of one step per epoch
#: it can be far from the final model's. These tests are not about that gap (see below).
ANY = 1.0


def test_history_of_a_run_stopped_by_a_callback():
    described = _observe(lambda: _fit(5, [StopAtOnce()]))
    observed = described["observed"]
    assert observed["epochs_run"] == 1 and observed["epochs_asked"] == 5
    assert observed["stopped_early"] and described["forged"] is None
    assert expect_stopped_by_callback(described, "accuracy", 0.0, ANY).passed
    assert expect_epochs_at_most(described, 5, tolerance=ANY).passed
    verdict = expect_epochs_at_most(described, 4, tolerance=ANY)
    assert "expected at most 4, but got 5" in verdict.feedback


def test_history_of_a_run_that_ran_out_of_epochs():
    described = _observe(lambda: _fit(3))
    assert described["observed"]["epochs_run"] == 3 and not described["observed"]["stopped_early"]
    verdict = expect_stopped_by_callback(described, "accuracy", 0.0, ANY)
    assert "ran all 3 epochs" in verdict.feedback
    verdict = expect_epochs_at_most(described, 2, tolerance=ANY)
    assert "expected at most 2, but got 3" in verdict.feedback
    assert "expected at least 2.5" in expect_reached(described, "accuracy", 2.5, ANY).feedback
    assert "'accuracy' (compile with" not in expect_reached(described, "accuracy", 0, ANY).feedback
    assert "expected 'acc'" in expect_reached(described, "acc", 0.5, ANY).feedback


def test_a_model_is_not_a_history():
    verdict = expect_epochs_at_most(describe_history(keras.Sequential()), 10)
    assert "expected the History returned by model.fit" in verdict.feedback


def test_the_grader_sees_the_fit_even_when_a_learner_callback_rewrites_the_logs():
    class Boast(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["accuracy"] = 0.999

    described = _observe(lambda: _fit(2, [Boast()]))
    assert described["metrics"]["accuracy"] == [0.999, 0.999]  # what the History claims
    assert described["observed"]["metrics"]["accuracy"] != [0.999, 0.999]  # what the fit did
    verdict = expect_reached(described, "accuracy", 0.5)
    assert not verdict.passed
    assert "changed after training: 'accuracy' on epoch 1" in verdict.feedback


def _rewritten():
    history = _fit(2)
    history.history["accuracy"] = [0.93, 0.99]
    return history


def _hand_made():
    history = keras.callbacks.History()
    history.set_model(_model())
    history.epoch, history.history = [0, 1], {"accuracy": [0.93, 0.99], "loss": [0.2, 0.1]}
    history.params = {"epochs": 10}
    history.model.stop_training = True
    return history


def _weights_swapped():
    history = _fit(20)
    history.model.set_weights([np.zeros_like(w) for w in history.model.get_weights()])
    return history


@pytest.mark.parametrize(
    ("train", "fragment"),
    [
        (_rewritten, "changed after training: 'accuracy' on epoch 1 is 0.9300 in it"),
        (_hand_made, "a History that no model.fit call returned"),
        (_weights_swapped, "the History's claim is not borne out by the model"),
    ],
    ids=["rewritten", "hand_made", "weights_swapped_after_training"],
)
def test_a_forged_claim_fails_every_training_check(train, fragment):
    described = _observe(train)
    for verdict in (
        expect_epochs_at_most(described, 10),
        expect_reached(described, "accuracy", 0.5),
        expect_stopped_by_callback(described, "accuracy", 0.5),
    ):
        assert not verdict.passed and fragment in verdict.feedback, verdict.feedback


def test_the_trained_model_is_rebuilt_from_data_with_the_same_outputs():
    model = _fit(3).model
    rebuilt = rebuild(export_model(model))
    assert type(rebuilt) is keras.Sequential and rebuilt is not model
    np.testing.assert_allclose(rebuilt.predict(X, verbose=0), model.predict(X, verbose=0))


class Confident(keras.Sequential):
    def predict(self, x, **kwargs):
        return np.eye(2)[Y]


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: _model([keras.layers.Lambda(lambda t: t * 2), keras.layers.Dense(2, "softmax")]),
         "Keras' safe mode cannot rebuild it from its config"),
        (lambda: Confident([keras.Input(shape=(1,)), keras.layers.Dense(2, "softmax")]),
         "its class Confident is one of your own (its methods: predict)"),
    ],
    ids=["lambda_layer", "subclass_overrides_predict"],
)
def test_a_model_that_needs_code_to_rebuild_cannot_be_verified(make, fragment):
    model = make()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    described = _observe(lambda: model.fit(X, Y, epochs=1, verbose=0))
    verdict = expect_reached(described, "accuracy", 0.0, ANY)
    assert not verdict.passed
    assert verdict.feedback.startswith("The trained model can't be verified:")
    assert fragment in verdict.feedback, verdict.feedback


def test_weights_that_do_not_fit_the_config_cannot_be_verified():
    export = export_model(_fit(1).model)
    export["arrays"] = export_model(_model([keras.layers.Dense(3, "softmax")]))["arrays"]
    with pytest.raises(Unverifiable, match="its weights do not fit its layers"):
        rebuild(export)


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
