"""Plain-data descriptions of Keras models and the judges that read them.

``describe_model`` runs where the model lives; the ``expect_*`` judges only read its
output, so they can run in the grader's own process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graders.checks.core import Check, Verdict, fail, ok
from graders.checks.values import error_line, type_name
from graders.i18n import Text, _, lazy

#: Metric names of older Keras; Keras 3 logs a metric under the very name it was given.
_OLD_METRIC_NAMES = {"acc": "accuracy"}


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
        return {"error": error_line(error)}
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
    """The name a metric given as a string or a Metric object is logged under: the key
    of ``logs`` in a callback and of ``History.history`` (Keras 3 keeps the string given:
    ``metrics=["acc"]`` logs ``"acc"``)."""
    if isinstance(metric, str):
        return metric
    return str(getattr(metric, "name", None) or type_name(metric))


def _flatten(items: Any) -> list[Any]:
    if isinstance(items, list | tuple):
        return [leaf for item in items for leaf in _flatten(item)]
    return [items]


# ----------------------------------------------------------------------------- judges


def expect_model(described: dict[str, Any]) -> Verdict:
    """Pass when the value is a Keras model."""
    if not described.get("is_model"):
        return fail(
            # TRANSLATORS: what was checked: the Python type of the learner's value.
            _("type"), _("a tf.keras.Model (e.g. tf.keras.Sequential)"), described.get("type")
        )
    return ok()


def _fmt_shape(shape: list[int | None] | None) -> str:
    return _("unknown (no Input layer?)") if shape is None else str(tuple(shape))


def expect_shapes(
    described: dict[str, Any], input_shape: list[int | None], output_shape: list[int | None]
) -> Verdict:
    """Pass for a model with the given input and output shapes (batch axis included)."""
    if not described.get("is_model"):
        return expect_model(described)
    if described.get("input_shape") != input_shape:
        return fail(
            _("input shape"), _fmt_shape(input_shape), _fmt_shape(described["input_shape"])
        )
    if described.get("output_shape") != output_shape:
        return fail(
            _("output shape"), _fmt_shape(output_shape), _fmt_shape(described["output_shape"])
        )
    return ok()


def expect_layers(described: dict[str, Any], classes: list[str]) -> Verdict:
    """Pass when the model's layers are, in order, of the given classes."""
    if not described.get("is_model"):
        return expect_model(described)
    got = [layer["class"] for layer in described.get("layers", [])]
    if got != classes:
        return fail(_("layers"), classes, got)
    return ok()


def expect_params(described: dict[str, Any], count: int) -> Verdict:
    """Pass when the model has exactly count parameters."""
    if not described.get("is_model"):
        return expect_model(described)
    if described.get("params") != count:
        return fail(_("number of parameters"), f"{count:,}", _fmt_count(described.get("params")))
    return ok()


def _fmt_count(count: int | None) -> str:
    if count is None:
        return _("unknown (the model is not built: does it start with tf.keras.Input?)")
    return f"{count:,}"


def compare_with_reference(described: dict[str, Any], reference: list[tuple[str, int]]) -> str:
    """A sentence on the model's parameter count against the reference's, naming the first
    layer whose count differs; reference lists the reference's (layer class, parameters)."""
    total = f"{sum(params for _class, params in reference):,}"
    got = described.get("params")
    if got is None:
        return _("The reference model has {total} parameters.").format(total=total)
    layers = described.get("layers", [])
    for index, layer in enumerate(layers):
        want = reference[index] if index < len(reference) else None
        if want is None or (layer["class"], layer.get("params")) != want:
            fields = {
                "got": f"{got:,}", "total": total, "index": index + 1, "name": layer["name"],
                "layer_class": layer["class"], "params": f"{layer.get('params') or 0:,}",
            }
            if want:
                difference = _(
                    "Your model has {got} parameters, the reference {total}: the first "
                    "difference is layer {index}, {name} ({layer_class}), has {params} where "
                    "the reference's {reference_class} has {reference_params}."
                ).format(**fields, reference_class=want[0], reference_params=f"{want[1]:,}")
            else:
                difference = _(
                    "Your model has {got} parameters, the reference {total}: the first "
                    "difference is layer {index}, {name} ({layer_class}), has {params} where "
                    "the reference has no such layer."
                ).format(**fields)
            return difference + " " + _(
                "That is fine: the reference is one network that works, not the only one."
            )
    if len(layers) < len(reference):
        return _(
            "Your model has {got} parameters, the reference {total}: it has {layers} layers, "
            "the reference {reference_layers}."
        ).format(got=f"{got:,}", total=total, layers=len(layers),
                 reference_layers=len(reference))
    return _("{got} parameters, as many as the reference.").format(got=f"{got:,}")


#: How many times the reference's parameters a learner's model may have: a model at the cap
#: still trains within the assignment's time limit on 2 CPU cores (figures in each assignment
#: module's docstring).
CAP_FACTOR = 10


def parameter_cap(reference: list[tuple[str, int]]) -> int:
    """The most parameters a model may have, given the reference's (layer class, parameters)."""
    return CAP_FACTOR * sum(params for _class, params in reference)


def cap_reason(reference: list[tuple[str, int]]) -> str:
    """Why there is a parameter cap, as the feedback says it."""
    params = sum(count for _class, count in reference)
    return _(
        "{factor} times the reference's {params}, so that training stays within the grading "
        "time limit"
    ).format(factor=CAP_FACTOR, params=f"{params:,}")


def expect_params_at_most(
    described: dict[str, Any], cap: int, reference: list[tuple[str, int]], why: str
) -> Verdict:
    """Pass when the model has at most cap parameters; the feedback compares the model with
    the reference (see compare_with_reference), pass or fail. why says what the cap is for."""
    if not described.get("is_model"):
        return expect_model(described)
    got = described.get("params")
    comparison = compare_with_reference(described, reference)
    if got is None or got > cap:
        want = _("at most {cap} ({why})").format(cap=f"{cap:,}", why=why)
        verdict = fail(_("number of parameters"), want, _fmt_count(got))
        return Verdict(False, f"{verdict.feedback} {comparison}")
    return ok(comparison)


def _layer_classes(described: dict[str, Any]) -> list[str]:
    return [layer["class"] for layer in described.get("layers", [])]


#: Layers that start the classifier part of a network (after the feature extractor).
_CLASSIFIER_START = ("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Dense")


def expect_convolutions(described: dict[str, Any]) -> Verdict:
    """Pass when at least one Conv2D and one MaxPooling2D come before the classifier (the
    first Flatten, global pooling or Dense layer)."""
    if not described.get("is_model"):
        return expect_model(described)
    classes = _layer_classes(described)
    start = next((i for i, c in enumerate(classes) if c in _CLASSIFIER_START), len(classes))
    features = classes[:start]
    missing = [kind for kind in ("Conv2D", "MaxPooling2D") if kind not in features]
    if missing:
        layers = ", ".join(classes)
        if not classes:  # then both are missing
            got = _("no {first} and no {second} there (layers: none)").format(
                first=missing[0], second=missing[1]
            )
        elif len(missing) == 1:
            got = _("no {layer} there (layers: {layers})").format(layer=missing[0], layers=layers)
        else:
            got = _("no {first} and no {second} there (layers: {layers})").format(
                first=missing[0], second=missing[1], layers=layers
            )
        return fail(
            _("layers before the Flatten/Dense classifier"),
            _("at least one Conv2D and one MaxPooling2D"),
            got,
        )
    return ok()


def expect_hidden_dense(described: dict[str, Any]) -> Verdict:
    """Pass when a Flatten layer comes first among the Dense layers and at least one hidden
    Dense layer comes before the output Dense layer."""
    if not described.get("is_model"):
        return expect_model(described)
    classes = _layer_classes(described)
    dense = [i for i, c in enumerate(classes) if c == "Dense"]
    flatten = [i for i, c in enumerate(classes) if c == "Flatten"]
    got = ", ".join(classes) or _("no layers")
    if not flatten or (dense and flatten[0] > dense[0]):
        return fail(_("layers"), _("a Flatten layer before the Dense layers"), got)
    if len(dense) < 2:
        return fail(_("layers"), _("a hidden Dense layer before the output Dense layer"), got)
    return ok()


def not_compiled(described: dict[str, Any]) -> Verdict | None:
    """The failing verdict for something that is not a compiled model, else None."""
    if not described.get("is_model"):
        return expect_model(described)
    if not described.get("compiled"):
        return fail(
            _("compiled"), _("a compiled model (call model.compile)"), _("a model never compiled")
        )
    return None


def expect_compiled(
    described: dict[str, Any],
    optimizer: str | None,
    losses: set[str],
    metrics: set[str] | None = None,
) -> Verdict:
    """Pass when the model was compiled with the optimizer class (any casing; None: any
    optimizer), one of losses and metrics logged under the given names."""
    problem = not_compiled(described)
    if problem is not None:
        return problem
    got_optimizer = described["optimizer"]["class"]
    if optimizer is not None and got_optimizer.lower() != optimizer.lower():
        return fail(_("optimizer"), optimizer, got_optimizer)
    if described.get("loss") not in losses:
        return fail(_("loss"), _either(sorted(losses)), described.get("loss"))
    got_metrics = described.get("metrics", [])
    if metrics is not None and not metrics.issubset(got_metrics):
        verdict = fail(_("metrics"), sorted(metrics), got_metrics)
        old = [m for m in got_metrics if _OLD_METRIC_NAMES.get(m) in metrics]
        if old:
            return Verdict(False, verdict.feedback + " " + _(
                "Keras 3 logs a metric under the name you give it, so metrics=['{old}'] is "
                "logged as '{old}', while your callback and the tests read '{new}': use "
                "metrics=['{new}']."
            ).format(old=old[0], new=_OLD_METRIC_NAMES[old[0]]))
        return verdict
    return ok()


def _either(names: list[str]) -> str:
    """The names as one phrase: "a", "a or b", "a, b or c" (in the current language)."""
    if len(names) == 1:
        return names[0]
    # TRANSLATORS: names and last are loss names (code): "huber, mae or mse".
    return _("{names} or {last}").format(names=", ".join(names[:-1]), last=names[-1])


def expect_runs_on_batch(described: dict[str, Any], batch: str, shape: list[int]) -> Verdict:
    """Pass when the model turned the batch into probabilities of the given shape.

    Reads ``described["on_batch"]`` (what run_on_batch recorded); batch names the data, e.g.
    "a batch of 32 MNIST test images". Each row must be probabilities: in [0, 1], adding up
    to 1 (a softmax output).
    """
    if not described.get("is_model"):
        return expect_model(described)
    run = described.get("on_batch", {})
    what = _("the model applied to {batch}").format(batch=batch)
    want = _("an output of shape {shape}").format(shape=tuple(shape))
    if "error" in run:
        return fail(what, want, run["error"])
    if run.get("shape") != shape:
        return fail(what, want, tuple(run.get("shape", ())))
    if run["min"] < 0.0 or run["max"] > 1.0 or run["largest_row_sum_error"] > 1e-3:
        return fail(
            _("the {count} outputs for each image").format(count=shape[-1]),
            _("probabilities between 0 and 1 that add up to 1 (softmax on the last layer)"),
            _(
                "values from {low:.3g} to {high:.3g}, adding up to as much as {total:.3g} "
                "for one image"
            ).format(low=run["min"], high=run["max"], total=1 + run["largest_row_sum_error"]),
        )
    return ok()


def classifier_checks(
    input_shape: list[int],
    structure: tuple[str | Text, Callable[[dict[str, Any]], Verdict]],
    reference: list[tuple[str, int]],
    *,
    classes: int,
    batch: int,
    data: str,
    points: tuple[int, int, int, int, int],
    optimizer: str = "Adam",
    loss: str = "sparse_categorical_crossentropy",
    metric: str = "accuracy",
) -> tuple[Check, ...]:
    """The five checks of a compiled image classifier, with their points: input and output
    shapes; structure (name, judge): the layer kinds the exercise requires; at most 10 times
    the reference's parameters (reference: its (layer class, parameters), shown as
    information); compile settings; and softmax
    probabilities for a batch of real test images (``on_batch``, from run_on_batch). data
    names the images ("MNIST"). Any number of units or filters passes."""
    cap = parameter_cap(reference)

    def shapes(described: dict[str, Any]) -> Verdict:
        return expect_shapes(described, [None, *input_shape], [None, classes])

    def count(described: dict[str, Any]) -> Verdict:
        return expect_params_at_most(described, cap, reference, cap_reason(reference))

    def compiled(described: dict[str, Any]) -> Verdict:
        return expect_compiled(described, optimizer=optimizer, losses={loss}, metrics={metric})

    def runs(described: dict[str, Any]) -> Verdict:
        images = _("a batch of {count} {data} test images").format(count=batch, data=data)
        return expect_runs_on_batch(described, images, [batch, classes])

    shape = ", ".join(str(size) for size in input_shape)
    settings = {"optimizer": optimizer.lower(), "loss": loss.replace("_", " "), "metric": metric}
    most = f"{cap:,}"
    return (
        Check(lazy("input (None, {shape}) and output (None, {classes})", shape=shape,
                   classes=classes), points[0], shapes),
        Check(structure[0], points[1], structure[1]),
        Check(lazy("at most {cap} parameters", cap=most), points[2], count),
        Check(lazy("compiled with {optimizer}, {loss}, {metric}", **settings), points[3],
              compiled),
        Check(lazy("gives {classes} probabilities per image for {batch} {data} images",
                   classes=classes, batch=batch, data=data), points[4], runs),
    )
