"""Model descriptions (taken next to the learner's code) and the judges that read them."""

import keras
import pytest

from graders.checks.models import (
    describe_model,
    expect_compiled,
    expect_layers,
    expect_params,
    expect_shapes,
)


def one_neuron(with_input=True):
    layers = [keras.layers.Dense(1)]
    return keras.Sequential(([keras.Input(shape=(1,))] if with_input else []) + layers)


def test_description_is_plain_data():
    model = one_neuron()
    model.compile(optimizer="sgd", loss="mse", metrics=["acc"])
    described = describe_model(model)
    assert described["input_shape"] == [None, 1] and described["output_shape"] == [None, 1]
    assert described["params"] == 2
    assert described["layers"][0]["class"] == "Dense"
    assert described["layers"][0]["config"] == {"units": 1, "activation": "linear"}
    assert described["optimizer"]["class"] == "SGD"
    assert described["loss"] == "mean_squared_error"
    assert described["metrics"] == ["accuracy"]


@pytest.mark.parametrize(
    "loss",
    ["mse", "mean_squared_error", keras.losses.MeanSquaredError(), keras.losses.mean_squared_error],
)
def test_every_spelling_of_a_loss_is_recognised(loss):
    model = one_neuron()
    model.compile(optimizer=keras.optimizers.SGD(), loss=loss)
    assert expect_compiled(describe_model(model), "SGD", {"mean_squared_error"}).passed


def test_judges_say_what_they_wanted_and_found():
    model = keras.Sequential(
        [keras.Input(shape=(1,)), keras.layers.Dense(4), keras.layers.Dense(1)]
    )
    described = describe_model(model)
    layers = expect_layers(described, ["Dense"])
    assert not layers.passed
    assert "expected ['Dense'], but got ['Dense', 'Dense']" in layers.feedback
    params = expect_params(described, 2)
    assert "expected 2, but got 13" in params.feedback
    compiled = expect_compiled(described, "SGD", {"mean_squared_error"})
    assert "never compiled" in compiled.feedback


def test_a_model_without_input_has_unknown_shapes():
    verdict = expect_shapes(describe_model(one_neuron(with_input=False)), [None, 1], [None, 1])
    assert not verdict.passed and "no Input layer" in verdict.feedback


def test_something_that_is_not_a_model():
    described = describe_model([1, 2])
    assert described == {"is_model": False, "type": "list"}
    assert "tf.keras.Model" in expect_params(described, 2).feedback


def test_wrong_optimizer_and_loss():
    model = one_neuron()
    model.compile(optimizer="adam", loss="mae")
    assert (
        "expected SGD, but got Adam"
        in expect_compiled(describe_model(model), "SGD", {"mean_squared_error"}).feedback
    )
    model.compile(optimizer="sgd", loss="mae")
    assert (
        "but got mean_absolute_error"
        in expect_compiled(describe_model(model), "SGD", {"mean_squared_error"}).feedback
    )
