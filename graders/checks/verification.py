"""A trained model measured where no learner code runs: handed over as data, rebuilt safely.

Where the learner's code ran, ``hand_over`` writes the model down as data: its Keras config
(``keras.saving.serialize_keras_object``) and its weights (one ``.npz``, base64). The
grader's verifier process (graders.grading.verify), which never runs a learner cell,
rebuilds it with Keras' safe mode (no Lambda code, no custom classes or functions: only
Keras' own layers) and measures it on data it loads itself, with the exercise's
``Measure``. In a notebook's test cell (no verifier there) the same rebuild and measurement
run in the learner's process, so the learner sees the grader's verdicts.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The most parameters a handed-over model may have: the W4 reference has 9.5 million, and
#: a learner's W4 model with wider layers (three blocks of 32/64/128 filters) 19 million. A
#: float32 weight is 4 bytes, 5.3 in base64 (see channel.MAX_BYTES).
MAX_PARAMS = 32_000_000
#: False in the grader's worker: there the model is only handed over, and the verifier
#: measures it (the grader overwrites anything measured in the worker).
MEASURE_IN_PROCESS = True


class Unverifiable(Exception):
    """The model cannot be rebuilt or measured without running learner code."""


@dataclass(frozen=True)
class Measure:
    """How the verifier measures one exercise's trained model.

    ``data`` loads what the model is measured on (the verifier calls it before the model
    arrives); ``run(model, data)`` returns plain figures, e.g. ``{"accuracy": 0.98}``.
    """

    data: Callable[[], Any]
    run: Callable[[Any, Any], dict[str, Any]]


def _keras_model_classes() -> tuple[type, ...]:
    import keras
    from keras.src.models.functional import Functional

    return (keras.Sequential, Functional)


def _own_methods(cls: type) -> list[str]:
    """Methods that classes of the learner's own (before Keras' in the MRO) define."""
    found: list[str] = []
    for klass in cls.__mro__:
        if klass.__module__.split(".", 1)[0] == "keras":
            break
        found += [name for name, value in vars(klass).items() if callable(value)]
    return sorted(set(found))


def export_model(model: Any) -> dict[str, Any]:
    """The model as plain data ({"config", "weights"}), or {"refused": why} in learner terms."""
    import keras
    import numpy as np

    cls = type(model)
    if not isinstance(model, keras.Model):
        return {"refused": f"it is not a Keras model but {cls.__name__}"}
    if cls not in _keras_model_classes():
        methods = ", ".join(m for m in _own_methods(cls) if not m.startswith("__")) or "none"
        return {
            "refused": f"its class {cls.__name__} is one of your own (its methods: {methods}); "
            "only a tf.keras.Sequential or functional model is accepted as the trained "
            "model, since a class of your own can change what fit, predict or evaluate report"
        }
    try:
        params = int(model.count_params())
    except Exception:  # an unbuilt model: nothing was trained
        return {"refused": "it was never built (never called or fitted)"}
    if params > MAX_PARAMS:
        return {"refused": f"it has {params:,} parameters, more than the {MAX_PARAMS:,} "
                           "the grader measures"}
    try:
        config = keras.saving.serialize_keras_object(model)
        buffer = io.BytesIO()
        np.savez(buffer, *[np.asarray(w) for w in model.get_weights()])
    except Exception as error:
        return {"refused": f"Keras could not write it down as a config ({_first_line(error)})"}
    return {"config": config, "weights": base64.b64encode(buffer.getvalue()).decode("ascii")}


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__


def rebuild(export: Any) -> Any:
    """The model rebuilt from its exported data with Keras' safe mode; raises Unverifiable."""
    import keras
    import numpy as np

    if not isinstance(export, dict):
        raise Unverifiable("nothing was handed over")
    if "refused" in export:
        raise Unverifiable(str(export["refused"]))
    config, weights = export.get("config"), export.get("weights")
    if not isinstance(config, dict) or not isinstance(weights, str):
        raise Unverifiable("its config or weights are missing")
    if len(weights) > MAX_PARAMS * 6 + 2**16:
        raise Unverifiable(f"its weights are larger than {MAX_PARAMS:,} parameters")
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception as error:
        raise Unverifiable(
            "Keras' safe mode cannot rebuild it from its config: Lambda layers, custom "
            f"classes or custom functions need code to run ({_first_line(error)})"
        ) from None
    if type(model) not in _keras_model_classes():
        raise Unverifiable(f"its config rebuilds a {type(model).__name__}, not a Keras model")
    try:
        with np.load(io.BytesIO(base64.b64decode(weights)), allow_pickle=False) as arrays:
            values = [arrays[f"arr_{i}"] for i in range(len(arrays.files))]
        model.set_weights(values)
    except Exception as error:
        raise Unverifiable(f"its weights do not fit its layers ({_first_line(error)})") from None
    return model


def measure_export(measure: Measure, export: Any, data: Any) -> dict[str, Any]:
    """{"figures": {...}} measured on the rebuilt model, or {"error": why it can't be}."""
    try:
        model = rebuild(export)
        return {"figures": measure.run(model, data)}
    except Unverifiable as reason:
        return {"error": str(reason)}
    except Exception as error:  # a model that rebuilds but cannot take the data
        return {"error": f"measuring it on the grader's data failed ({_first_line(error)})"}


def hand_over(model: Any, measure: Measure) -> dict[str, Any]:
    """What an observer adds for a trained model: {"verify": export} in the grader's worker,
    {"measured": ...} (rebuilt and measured here) in a notebook."""
    export = export_model(model)
    if not MEASURE_IN_PROCESS:
        return {"verify": export}
    return {"measured": measure_export(measure, export, measure.data())}


def predict(model: Any, inputs: Any, batch: int = 1000) -> Any:
    """The model's outputs for inputs: one eager call for up to a batch (model.predict would
    first trace a function, longer than the call), model.predict in batches beyond (its
    compiled function is 2.5 times faster than eager calls over the 60,000 MNIST images)."""
    import numpy as np

    inputs = np.asarray(inputs, dtype=np.float32)
    if len(inputs) <= batch:
        return np.asarray(model(inputs, training=False))
    return np.asarray(model.predict(inputs, batch_size=batch, verbose=0))


def accuracy(model: Any, inputs: Any, labels: Any) -> dict[str, Any]:
    """The model's accuracy on inputs as Keras' 'accuracy' metric counts it: one output unit
    is a probability (> 0.5 is class 1), several are classes (the largest wins)."""
    import numpy as np

    output = predict(model, inputs)
    if output.ndim == 1 or output.shape[-1] == 1:
        predicted = (output.reshape(len(output)) > 0.5).astype(int)
    else:
        predicted = output.reshape(len(output), -1).argmax(axis=-1)
    labels = np.asarray(labels).reshape(-1)
    return {"accuracy": float((predicted == labels).mean()), "examples": int(len(labels))}
