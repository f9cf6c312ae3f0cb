"""Model descriptions (taken next to the learner's code) and the judges that read them."""

import keras
import pytest

from graders.checks.models import (
    compare_with_reference,
    describe_model,
    expect_compiled,
    expect_convolutions,
    expect_hidden_dense,
    expect_layers,
    expect_params,
    expect_params_at_most,
    expect_shapes,
)


def one_neuron(with_input=True):
    layers = [keras.layers.Dense(1)]
    return keras.Sequential(([keras.Input(shape=(1,))] if with_input else []) + layers)


def test_description_is_plain_data():
    model = one_neuron()
    model.compile(optimizer="sgd", loss="mse", metrics=["accuracy"])
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
    big = keras.Sequential([keras.Input(shape=(1000,)), keras.layers.Dense(1000)])
    assert "but got 1,001,000" in expect_params(describe_model(big), 2).feedback
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


def test_a_metric_is_named_as_keras_3_logs_it_and_acc_is_explained():
    model = one_neuron()
    model.compile(optimizer="sgd", loss="mse", metrics=["acc"])
    described = describe_model(model)
    assert described["metrics"] == ["acc"]  # Keras 3 logs it as "acc"
    verdict = expect_compiled(described, "SGD", {"mean_squared_error"}, {"accuracy"})
    assert not verdict.passed
    assert "metrics=['acc'] is logged as 'acc'" in verdict.feedback
    assert "use metrics=['accuracy']" in verdict.feedback


@pytest.mark.parametrize(
    "optimizer", ["adam", "Adam", "ADAM", keras.optimizers.Adam(), keras.optimizers.Adam(0.01)]
)
def test_the_optimizer_may_be_any_casing_or_an_instance(optimizer):
    model = one_neuron()
    model.compile(optimizer=optimizer, loss="mse")
    assert expect_compiled(describe_model(model), "Adam", {"mean_squared_error"}).passed


def classifier(*layers):
    return keras.Sequential([keras.Input(shape=(8, 8, 1)), *layers])


def test_convolutions_must_come_before_the_classifier():
    conv, pool = keras.layers.Conv2D(4, 3), keras.layers.MaxPooling2D()
    good = classifier(conv, pool, keras.layers.Flatten(), keras.layers.Dense(2))
    assert expect_convolutions(describe_model(good)).passed
    no_pool = classifier(keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(2))
    verdict = expect_convolutions(describe_model(no_pool))
    assert not verdict.passed and "no MaxPooling2D there" in verdict.feedback
    dense_first = [keras.layers.Dense(3), keras.layers.Conv2D(4, 3), keras.layers.MaxPooling2D()]
    after = classifier(*dense_first)
    assert not expect_convolutions(describe_model(after)).passed


def test_a_hidden_dense_layer_after_flatten():
    flat = keras.layers.Flatten()
    good = classifier(flat, keras.layers.Dense(3), keras.layers.Dropout(0.1), keras.layers.Dense(2))
    assert expect_hidden_dense(describe_model(good)).passed
    no_hidden = classifier(keras.layers.Flatten(), keras.layers.Dense(2))
    assert "a hidden Dense layer" in expect_hidden_dense(describe_model(no_hidden)).feedback


def test_the_parameter_cap_compares_with_the_reference_layer_by_layer():
    reference = [("Flatten", 0), ("Dense", 64 * 4 + 4), ("Dense", 4 * 2 + 2)]
    same = classifier(keras.layers.Flatten(), keras.layers.Dense(4), keras.layers.Dense(2))
    assert compare_with_reference(describe_model(same), reference) == (
        "270 parameters, as many as the reference."
    )
    wider = classifier(keras.layers.Flatten(), keras.layers.Dense(40), keras.layers.Dense(2))
    verdict = expect_params_at_most(describe_model(wider), 2700, reference, "10 times")
    assert verdict.passed
    assert verdict.feedback.startswith(
        "Your model has 2,682 parameters, the reference 270: the first difference is layer 2"
    )
    assert "has 2,600 where the reference's Dense has 260" in verdict.feedback
    too_wide = classifier(keras.layers.Flatten(), keras.layers.Dense(400), keras.layers.Dense(2))
    verdict = expect_params_at_most(describe_model(too_wide), 2700, reference, "10 times")
    assert not verdict.passed
    assert "expected at most 2,700 (10 times), but got 26,802." in verdict.feedback
    assert "has 26,000 where the reference's Dense has 260" in verdict.feedback
