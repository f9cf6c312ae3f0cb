"""Noticing learner code that rewrites the code grading relies on (monkeypatching).

A snapshot, taken before any learner code runs, holds every function and class of the
watched modules (the grader's own, the JSON/OS/traceback modules it uses, NumPy, Keras and
TensorFlow), the functions' code and defaults, and the classes' attributes. ``changes``
lists what is no longer the same object. New attributes are allowed (learner code may
register things); replacing or deleting existing ones is not.
"""

from __future__ import annotations

import sys
import types
from typing import Any

WATCHED = (
    "graders", "json", "os", "posixpath", "traceback", "marshal", "builtins", "socket",
    "numpy", "keras", "tensorflow", "IPython",
)

Key = tuple[str, ...]


def _watched(name: str) -> bool:
    return name.split(".", 1)[0] in WATCHED


def _entries(name: str, module: types.ModuleType) -> dict[Key, Any]:
    found: dict[Key, Any] = {}
    for attr, value in list(vars(module).items()):
        if isinstance(value, types.ModuleType) or not callable(value):
            continue
        found[(name, attr)] = value
        if isinstance(value, types.FunctionType):  # never getattr on other objects: some
            for part in ("__code__", "__defaults__", "__kwdefaults__"):  # compute on access
                found[(name, attr, part)] = getattr(value, part)
        if isinstance(value, type) and getattr(value, "__module__", None) == name:
            for member, item in list(vars(value).items()):
                if callable(item) or isinstance(item, staticmethod | classmethod | property):
                    found[(name, attr, member)] = item
    return found


def snapshot() -> dict[Key, Any]:
    """Every watched function and class member, as the objects themselves."""
    taken: dict[Key, Any] = {}
    for name, module in list(sys.modules.items()):
        if isinstance(module, types.ModuleType) and _watched(name):
            taken.update(_entries(name, module))
    return taken


def _current(key: Key) -> Any:
    missing = object()
    value: Any = sys.modules.get(key[0], missing)
    if value is missing:
        return missing
    value = vars(value).get(key[1], missing)
    if len(key) == 3 and value is not missing:
        if key[2].startswith("__") and key[2] in ("__code__", "__defaults__", "__kwdefaults__"):
            value = getattr(value, key[2]) if isinstance(value, types.FunctionType) else missing
        else:
            value = vars(value).get(key[2], missing) if isinstance(value, type) else missing
    return value


def changes(taken: dict[Key, Any], limit: int = 3) -> list[str]:
    """What was replaced or deleted since the snapshot (at most limit names)."""
    found: list[str] = []
    for key, value in taken.items():
        reported = any(".".join(key).startswith(f"{name}.") for name in found)
        if not reported and _current(key) is not value:
            found.append(".".join(key))
            if len(found) >= limit:
                break
    return found
