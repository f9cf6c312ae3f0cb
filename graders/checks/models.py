"""Plain-data descriptions of Keras models and the judges that read them.

``describe_model`` runs where the model lives; the ``expect_*`` judges only read its
output, so they can run in the grader's own process.
"""

from __future__ import annotations

from typing import Any

from graders.checks.core import Check, Verdict, fail, ok
from graders.checks.values import type_name

_METRIC_ALIASES = {"acc": "accuracy"}


def describe_model(model: Any) -> dict[str, Any]:
    """Class, shapes, layers, parameter count and compile settings of a Keras model."""
    import keras

    if not isinstance(model, keras.Model):
        return {"is_model": False, "type": type_name(model)}
    described: dict[str, Any] = {
        "is_model": True,
        "type": type(model).__name__,
        "built": bool(model.built),
        "input_shape": _shape(lambda: model.inputs[0].shape),
        "output_shape": _shape(lambda: model.outputs[0].shape),
        "params": int(model.count_params()) if model.built else None,
        "layers": [_describe_layer(layer) for layer in model.layers],
        "compiled": bool(getattr(model, "compiled", False)),
    }
    if described["compiled"]:
        described.update(_compile_settings(model))
    return described


def _shape(read: Any) -> list[int | None] | None:
    try:
        return [None if d is None else int(d) for d in read()]
    except Exception:  # an unbuilt model has no inputs yet
        return None


def _describe_layer(layer: Any) -> dict[str, Any]:
    config = layer.get_config()
    keep = ("units", "activation", "filters", "kernel_size", "pool_size", "rate", "scale")
    return {
        "class": type(layer).__name__,
        "name": layer.name,
        "config": {k: config[k] for k in keep if k in config},
        "output_shape": _shape(lambda: layer.output.shape),
        "params": int(layer.count_params()) if layer.built else None,
    }


def _compile_settings(model: Any) -> dict[str, Any]:
    optimizer = model.optimizer
    try:
        learning_rate = float(optimizer.learning_rate.numpy())
    except Exception:  # a schedule or a plain float
        learning_rate = None
    config = model.get_compile_config() or {}
    metrics = config.get("metrics") or []
    if isinstance(metrics, dict):
        metrics = list(metrics.values())
    return {
        "optimizer": {"class": type(optimizer).__name__, "learning_rate": learning_rate},
        "loss": loss_name(model.loss),
        "metrics": sorted({metric_name(m) for m in _flatten(metrics)}),
    }


def run_on_batch(model: Any, batch: Any) -> dict[str, Any]:
    """The shape and range of what model.predict gives for a batch, or the error it raised.

    ``largest_row_sum_error`` is how far the outputs of one example are, at worst, from
    adding up to 1 (0 for a softmax output).
    """
    import numpy as np

    try:
        out = np.asarray(model.predict(batch, verbose=0), dtype=float)
    except Exception as error:  # the learner's model may reject the batch
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return {"error": f"{type(error).__name__}: {message}"}
    described: dict[str, Any] = {"shape": list(out.shape)}
    if out.size:
        described.update(min=float(out.min()), max=float(out.max()))
        described["largest_row_sum_error"] = float(np.abs(out.sum(axis=-1) - 1.0).max())
    return described


def loss_name(loss: Any) -> str | None:
    """The canonical name of a loss given as a string, a function or a Loss object."""
    import keras

    if loss is None:
        return None
    if isinstance(loss, str):
        try:
            loss = keras.losses.get(loss)
        except Exception:
            return loss
    if isinstance(loss, keras.losses.Loss):
        fn = getattr(loss, "fn", None)
        return getattr(fn, "__name__", None) or loss.name
    return getattr(loss, "__name__", type_name(loss))


def metric_name(metric: Any) -> str:
    """The canonical name of a metric given as a string or a Metric object."""
    name = metric if isinstance(metric, str) else getattr(metric, "name", type_name(metric))
    return _METRIC_ALIASES.get(name, name)


def _flatten(items: Any) -> list[Any]:
    if isinstance(items, list | tuple):
        return [leaf for item in items for leaf in _flatten(item)]
    return [items]


# ----------------------------------------------------------------------------- judges


def expect_model(described: dict[str, Any]) -> Verdict:
    """Pass when the value is a Keras model."""
    if not described.get("is_model"):
        return fail("type", "a tf.keras.Model (e.g. tf.keras.Sequential)", described.get("type"))
    return ok()


def _fmt_shape(shape: list[int | None] | None) -> str:
    return "unknown (no Input layer?)" if shape is None else str(tuple(shape))


def expect_shapes(
    described: dict[str, Any], input_shape: list[int | None], output_shape: list[int | None]
) -> Verdict:
    """Pass for a model with the given input and output shapes (batch axis included)."""
    if not described.get("is_model"):
        return expect_model(described)
    if described.get("input_shape") != input_shape:
        return fail("input shape", _fmt_shape(input_shape), _fmt_shape(described["input_shape"]))
    if described.get("output_shape") != output_shape:
        return fail("output shape", _fmt_shape(output_shape), _fmt_shape(described["output_shape"]))
    return ok()


def expect_layers(described: dict[str, Any], classes: list[str]) -> Verdict:
    """Pass when the model's layers are, in order, of the given classes."""
    if not described.get("is_model"):
        return expect_model(described)
    got = [layer["class"] for layer in described.get("layers", [])]
    if got != classes:
        return fail("layers", classes, got)
    return ok()


def expect_params(described: dict[str, Any], count: int) -> Verdict:
    """Pass when the model has exactly count parameters."""
    if not described.get("is_model"):
        return expect_model(described)
    if described.get("params") != count:
        return fail("number of parameters", f"{count:,}", described.get("params"))
    return ok()


def expect_compiled(
    described: dict[str, Any],
    optimizer: str,
    losses: set[str],
    metrics: set[str] | None = None,
) -> Verdict:
    """Pass when the model was compiled with the optimizer class, one of losses, metrics."""
    if not described.get("is_model"):
        return expect_model(described)
    if not described.get("compiled"):
        return fail("compiled", "a compiled model (call model.compile)", "a model never compiled")
    got_optimizer = described["optimizer"]["class"]
    if got_optimizer != optimizer:
        return fail("optimizer", optimizer, got_optimizer)
    if described.get("loss") not in losses:
        return fail("loss", " or ".join(sorted(losses)), described.get("loss"))
    if metrics is not None and not metrics.issubset(described.get("metrics", [])):
        return fail("metrics", sorted(metrics), described.get("metrics"))
    return ok()


def expect_runs_on_batch(described: dict[str, Any], batch: str, shape: list[int]) -> Verdict:
    """Pass when the model turned the batch into probabilities of the given shape.

    Reads ``described["on_batch"]`` (what run_on_batch recorded); batch names the data, e.g.
    "a batch of 32 MNIST test images". Each row must be probabilities: in [0, 1], adding up
    to 1 (a softmax output).
    """
    if not described.get("is_model"):
        return expect_model(described)
    run = described.get("on_batch", {})
    what, want = f"the model applied to {batch}", f"an output of shape {tuple(shape)}"
    if "error" in run:
        return fail(what, want, run["error"])
    if run.get("shape") != shape:
        return fail(what, want, tuple(run.get("shape", ())))
    if run["min"] < 0.0 or run["max"] > 1.0 or run["largest_row_sum_error"] > 1e-3:
        return fail(
            f"the {shape[-1]} outputs for each image",
            "probabilities between 0 and 1 that add up to 1 (softmax on the last layer)",
            f"values from {run['min']:.3g} to {run['max']:.3g}, adding up to as much as "
            f"{1 + run['largest_row_sum_error']:.3g} for one image",
        )
    return ok()


def classifier_checks(
    input_shape: list[int],
    layers: list[str],
    params: int,
    *,
    classes: int,
    batch: int,
    data: str,
    points: int,
    optimizer: str = "Adam",
    loss: str = "sparse_categorical_crossentropy",
    metric: str = "accuracy",
) -> tuple[Check, ...]:
    """The five checks of a compiled image classifier, each worth points: input and output
    shapes, layer kinds, parameter count, compile settings, and softmax probabilities for a
    batch of real test images (``on_batch``, from run_on_batch). data names the images
    ("MNIST")."""

    def shapes(described: dict[str, Any]) -> Verdict:
        return expect_shapes(described, [None, *input_shape], [None, classes])

    def kinds(described: dict[str, Any]) -> Verdict:
        return expect_layers(described, layers)

    def count(described: dict[str, Any]) -> Verdict:
        return expect_params(described, params)

    def compiled(described: dict[str, Any]) -> Verdict:
        return expect_compiled(described, optimizer=optimizer, losses={loss}, metrics={metric})

    def runs(described: dict[str, Any]) -> Verdict:
        return expect_runs_on_batch(
            described, f"a batch of {batch} {data} test images", [batch, classes]
        )

    shape = ", ".join(str(size) for size in input_shape)
    return (
        Check(f"input (None, {shape}) and output (None, {classes})", points, shapes),
        Check("layers " + ", ".join(layers), points, kinds),
        Check(f"{params:,} parameters", points, count),
        Check(f"compiled with {optimizer.lower()}, {loss.replace('_', ' ')}, {metric}", points,
              compiled),
        Check(f"gives {classes} probabilities per image for {batch} {data} images", points,
              runs),
    )
