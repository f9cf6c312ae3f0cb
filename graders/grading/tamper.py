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

#: What a snapshot keeps of one module attribute: its name, the object, and for a function
#: its (__code__, __defaults__, __kwdefaults__), for a class defined there its own callable
#: members.
Entry = tuple[str, Any, "tuple[Any, Any, Any] | None", "list[tuple[str, Any]] | None"]
Snapshot = dict[str, list[Entry]]
_MISSING = object()


def _watched(name: str) -> bool:
    return name.split(".", 1)[0] in WATCHED


def _entries(name: str, module: types.ModuleType) -> list[Entry]:
    found: list[Entry] = []
    for attr, value in list(vars(module).items()):
        if isinstance(value, types.ModuleType) or not callable(value):
            continue
        parts, members = None, None
        if isinstance(value, types.FunctionType):  # never getattr on other objects: some
            parts = (value.__code__, value.__defaults__, value.__kwdefaults__)  # compute on access
        if isinstance(value, type) and getattr(value, "__module__", None) == name:
            members = [
                (member, item) for member, item in list(vars(value).items())
                if callable(item) or isinstance(item, staticmethod | classmethod | property)
            ]
        found.append((attr, value, parts, members))
    return found


def snapshot() -> Snapshot:
    """Every watched function and class member, as the objects themselves."""
    return {
        name: _entries(name, module)
        for name, module in list(sys.modules.items())
        if isinstance(module, types.ModuleType) and _watched(name)
    }


_PARTS = ("__code__", "__defaults__", "__kwdefaults__")


def changes(taken: Snapshot, limit: int = 3) -> list[str]:
    """What was replaced or deleted since the snapshot (at most limit names).

    One pass of identity checks over what the snapshot holds (about 180,000 objects once
    TensorFlow is imported), built to take a few hundredths of a second: it runs after the
    graded cells and after each exercise.
    """
    found: list[str] = []
    modules = sys.modules
    for name, entries in taken.items():
        module = modules.get(name)
        current = vars(module) if isinstance(module, types.ModuleType) else {}
        get = current.get
        for attr, value, parts, members in entries:
            if get(attr, _MISSING) is not value:
                found.append(f"{name}.{attr}")
            elif parts is not None and (
                value.__code__ is not parts[0]
                or value.__defaults__ is not parts[1]
                or value.__kwdefaults__ is not parts[2]
            ):
                now = (value.__code__, value.__defaults__, value.__kwdefaults__)
                which = next(i for i in range(3) if now[i] is not parts[i])
                found.append(f"{name}.{attr}.{_PARTS[which]}")
            elif members:
                own = vars(value)
                for member, item in members:
                    if own.get(member, _MISSING) is not item:
                        found.append(f"{name}.{attr}.{member}")
                        if len(found) >= limit:
                            return found
            if len(found) >= limit:
                return found
    return found
