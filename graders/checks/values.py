"""Plain-data descriptions of arrays and other values, and the judges that read them."""

from __future__ import annotations

from typing import Any

from graders.checks.core import Verdict, fail, ok
from graders.i18n import _

#: Arrays up to this many elements are described with their values.
MAX_VALUES = 1000


def type_name(value: Any) -> str:
    """The qualified type name of a value, e.g. 'numpy.ndarray' or 'NoneType'."""
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def first_line(error: BaseException) -> str:
    """The first line of an exception's message, "" when the message is empty."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""


def error_line(error: BaseException, limit: int | None = None) -> str:
    """An exception in one line: its type and the first line of its message (at most limit
    characters), e.g. "ValueError: bad shape"; only its type when the message is empty."""
    message = first_line(error)[:limit]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def describe_array(value: Any) -> dict[str, Any]:
    """Type, dtype, shape, range and (for small arrays) values of an array-like."""
    import numpy as np

    described: dict[str, Any] = {"type": type_name(value)}
    if not hasattr(value, "shape") or not hasattr(value, "dtype"):
        return described
    array = np.asarray(value)
    described.update(dtype=str(array.dtype), shape=list(array.shape))
    if array.size and np.issubdtype(array.dtype, np.number):
        described.update(min=float(array.min()), max=float(array.max()))
    if array.size <= MAX_VALUES and np.issubdtype(array.dtype, np.number):
        described["values"] = array.astype(float).ravel().tolist()
    return described


def is_array_type(name: str) -> bool:
    """Whether a qualified type name (from type_name) is a numpy array or a TensorFlow tensor
    (tf.expand_dims, tf.reshape and tf.constant return tensors, which Keras takes as well)."""
    return name == "numpy.ndarray" or (
        name.startswith("tensorflow.") and name.rsplit(".", 1)[-1] in {"EagerTensor", "Tensor"}
    )


def expect_float_array(
    described: dict[str, Any], what: str, shape: list[int | None]
) -> Verdict:
    """Pass when the described value is a floating-point numpy array (or TensorFlow tensor)
    of the given shape.

    A None in shape accepts any length on that axis, e.g. [None, 28, 28, 1].
    """
    if not is_array_type(str(described.get("type"))):
        # TRANSLATORS: {what} is the learner's variable (n_bedrooms) or what it holds (images).
        return fail(_("{what} type").format(what=what), _("a numpy array"), described.get("type"))
    if not str(described.get("dtype", "")).startswith("float"):
        return fail(
            _("{what} dtype").format(what=what), _("a float dtype (e.g. float64)"),
            described.get("dtype"),
        )
    got = described.get("shape", [])
    fits = len(got) == len(shape) and all(
        w is None or g == w for g, w in zip(got, shape, strict=True)
    )
    if not fits:
        want = "(" + ", ".join("N" if w is None else str(w) for w in shape) + ")"
        return fail(
            _("{what} shape").format(what=what), want if len(shape) > 1 else tuple(shape),
            tuple(got),
        )
    return ok()


def expect_range(
    described: dict[str, Any], what: str, low: float, high: float, hint: str = ""
) -> Verdict:
    """Pass when the described array's values lie in [low, high] and reach high.

    hint is added to the expectation when the maximum falls short, e.g. "divide by 255".
    """
    values = _("{what} values").format(what=what)
    if "max" not in described:
        want = _("numbers between {low} and {high}").format(low=low, high=high)
        return fail(values, want, _("no numbers"))
    if described["min"] < low or described["max"] > high:
        got = _("values from {low:g} to {high:g}").format(
            low=described["min"], high=described["max"]
        )
        return fail(values, _("between {low:g} and {high:g}").format(low=low, high=high), got)
    if described["max"] != high:
        want = f"{high:g} ({hint})" if hint else f"{high:g}"
        return fail(_("{what} maximum").format(what=what), want, f"{described['max']:g}")
    return ok()


def expect_values(
    described: dict[str, Any], what: str, want: list[float], tolerance: float = 1e-6
) -> Verdict:
    """Pass when the described array holds want (element by element, within tolerance)."""
    got = described.get("values")
    if got is None or len(got) != len(want):
        return fail(what, want, got)
    if any(abs(g - w) > tolerance for g, w in zip(got, want, strict=True)):
        return fail(what, want, got)
    return ok()


def first_failure(*verdicts: Verdict) -> Verdict:
    """The first failing verdict, or a pass when all pass."""
    for verdict in verdicts:
        if not verdict.passed:
            return verdict
    return ok()
