"""A trained model measured where no learner code runs: handed over as data, rebuilt safely.

Where the learner's code ran, ``hand_over`` writes the model down as data: its Keras config
(``keras.saving.serialize_keras_object``) and its weights (each array's bytes, base64, in
pieces: in the grader's worker they are streamed to the grader as they are read). The
grader's verifier process (graders.grading.verify), which never runs a learner cell,
rebuilds it with Keras' safe mode (no Lambda code, no custom classes or functions: only
Keras' own layers) and measures it on data it loads itself, with the exercise's
``Measure``. In a notebook's test cell (no verifier there) the same rebuild and measurement
run in the learner's process, so the learner sees the grader's verdicts.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graders.checks.values import error_line
from graders.i18n import _

#: The most parameters a handed-over model may have: above the largest the model checks
#: accept (C1W4: 10 times the reference's 9.5 million, 94.7 million).
MAX_PARAMS = 100_000_000
#: Weights travel in pieces of this many bytes (5.3 bytes a float32 weight in base64).
CHUNK = 8 * 2**20
#: How much of an error's message the reasons below quote.
MESSAGE_LIMIT = 200
#: Numeric array kinds a weight may have (no objects: nothing is unpickled).
_KINDS = set("fiub")
#: False in the grader's worker: there the model is only handed over, and the verifier
#: measures it (the grader overwrites anything measured in the worker).
MEASURE_IN_PROCESS = True
#: Set by the worker before learner code runs: sends a model's weights to the grader, piece
#: by piece, as they are read (no copy of the whole model is made), and returns the number
#: the handed-over model refers to them by.
STREAM: Callable[[Any], int] | None = None


def encode_array(array: Any) -> Iterator[dict[str, Any]]:
    """One weight array as pieces: {"dtype", "shape", "data": base64 of up to CHUNK bytes}."""
    import numpy as np

    array = np.ascontiguousarray(array)
    data = memoryview(array).cast("B") if array.size else memoryview(b"")
    for start in range(0, max(len(data), 1), CHUNK):
        yield {
            "dtype": array.dtype.str,
            "shape": list(array.shape),
            "data": base64.b64encode(data[start:start + CHUNK]).decode("ascii"),
        }


def decode_chunks(chunks: Any) -> bytes:
    """One array's bytes from the base64 "data" of its pieces (encode_array), in order."""
    return b"".join(base64.b64decode(chunk) for chunk in chunks)


def _decode_arrays(arrays: Any) -> list[Any]:
    """The weight arrays from [{"dtype", "shape", "chunks": [base64...]}] (or, read by the
    verifier, "data": their bytes); raises Unverifiable."""
    import numpy as np

    values, total = [], 0
    for item in arrays if isinstance(arrays, list) else []:
        dtype, shape = np.dtype(str(item["dtype"])), [int(n) for n in item["shape"]]
        if dtype.kind not in _KINDS or dtype.itemsize > 8:
            raise Unverifiable(_("a weight array has the type {dtype}").format(dtype=dtype))
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        total += count
        if total > MAX_PARAMS:
            raise Unverifiable(
                _("its weights are more than {limit:,} parameters").format(limit=MAX_PARAMS)
            )
        data = item["data"] if "data" in item else decode_chunks(item["chunks"])
        values.append(np.frombuffer(data, dtype=dtype, count=count).reshape(shape))
    if not isinstance(arrays, list):
        raise Unverifiable(_("its weights are missing"))
    return values


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

    cls = type(model)
    if not isinstance(model, keras.Model):
        return {"refused": _("it is not a Keras model but {type}").format(type=cls.__name__)}
    if cls not in _keras_model_classes():
        methods = ", ".join(m for m in _own_methods(cls) if not m.startswith("__"))
        if methods:
            own = _("its class {name} is one of your own (its methods: {methods})")
        else:
            own = _("its class {name} is one of your own (its methods: none)")
        only = _("only a tf.keras.Sequential or functional model is accepted as the trained "
                 "model, since a class of your own can change what fit, predict or evaluate "
                 "report")
        return {"refused": f"{own.format(name=cls.__name__, methods=methods)}; {only}"}
    try:
        params = int(model.count_params())
    except Exception:  # an unbuilt model: nothing was trained
        return {"refused": _("it was never built (never called or fitted)")}
    if params > MAX_PARAMS:
        return {"refused": _("it has {params:,} parameters, more than the {limit:,} the grader "
                             "measures").format(params=params, limit=MAX_PARAMS)}
    try:
        config = keras.saving.serialize_keras_object(model)
    except Exception as error:
        return {"refused": _("Keras could not write it down as a config ({error})").format(
            error=error_line(error, MESSAGE_LIMIT))}
    if STREAM is not None:  # the grader's worker: the weights go straight to the grader
        return {"config": config, "stream": STREAM(model.weights)}
    arrays = []
    for variable in model.weights:
        pieces = list(encode_array(variable.numpy()))
        arrays.append({"dtype": pieces[0]["dtype"], "shape": pieces[0]["shape"],
                       "chunks": [piece["data"] for piece in pieces]})
    return {"config": config, "arrays": arrays}


def rebuild(export: Any) -> Any:
    """The model rebuilt from its exported data with Keras' safe mode; raises Unverifiable."""
    import keras

    if not isinstance(export, dict):
        raise Unverifiable(_("nothing was handed over"))
    if "refused" in export:
        raise Unverifiable(str(export["refused"]))
    config = export.get("config")
    if not isinstance(config, dict):
        raise Unverifiable(_("its config is missing"))
    try:
        values = _decode_arrays(export.get("arrays"))
    except Unverifiable:
        raise
    except Exception as error:
        raise Unverifiable(
            _("its weights are unreadable ({error})").format(
                error=error_line(error, MESSAGE_LIMIT))
        ) from None
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception as error:
        raise Unverifiable(
            _("Keras' safe mode cannot rebuild it from its config: Lambda layers, custom "
              "classes or custom functions need code to run ({error})").format(
                error=error_line(error, MESSAGE_LIMIT))
        ) from None
    if type(model) not in _keras_model_classes():
        raise Unverifiable(_("its config rebuilds a {type}, not a Keras model").format(
            type=type(model).__name__))
    try:
        model.set_weights(values)
    except Exception as error:
        raise Unverifiable(
            _("its weights do not fit its layers ({error})").format(
                error=error_line(error, MESSAGE_LIMIT))
        ) from None
    return model


def measure_export(measure: Measure, export: Any, data: Any) -> dict[str, Any]:
    """{"figures": {...}} measured on the rebuilt model, or {"error": why it can't be}."""
    try:
        model = rebuild(export)
        return {"figures": measure.run(model, data)}
    except Unverifiable as reason:
        return {"error": str(reason)}
    except Exception as error:  # a model that rebuilds but cannot take the data
        return {"error": _("measuring it on the grader's data failed ({error})").format(
            error=error_line(error, MESSAGE_LIMIT))}


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
