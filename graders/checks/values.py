"""Plain-data descriptions of arrays and other values, and the judges that read them."""

from __future__ import annotations

from typing import Any

from graders.checks.core import Verdict, fail, ok

#: Arrays up to this many elements are described with their values.
MAX_VALUES = 1000


def type_name(value: Any) -> str:
    """The qualified type name of a value, e.g. 'numpy.ndarray' or 'NoneType'."""
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


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


def expect_float_array(described: dict[str, Any], what: str, shape: list[int]) -> Verdict:
    """Pass when the described value is a floating-point numpy array of the given shape."""
    if described.get("type") != "numpy.ndarray":
        return fail(f"{what} type", "a numpy array", described.get("type"))
    if not str(described.get("dtype", "")).startswith("float"):
        return fail(f"{what} dtype", "a float dtype (e.g. float64)", described.get("dtype"))
    if described.get("shape") != shape:
        return fail(f"{what} shape", tuple(shape), tuple(described.get("shape", ())))
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
