"""The grader's own record of every ``model.fit``: epochs, metrics and how it ended.

``install`` wraps ``keras.Model.fit`` once (the worker does it before any learner code runs,
so the wrapper is covered by its tamper snapshot). The wrapper puts a callback of the
grader's first in every fit's callback list, so it reads each epoch's logs before any
learner callback can change them, and reads ``stop_training`` as soon as fit returns.
``watching`` collects the fits run while an exercise is observed; the training checks then
believe these records, never the History object the learner hands back.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import keras

from graders.i18n import _

#: The fits made while an observer watches (outside, fit runs unrecorded).
_FITS: list[Fit] = []
_INSTALLED: list[Any] = []
_WATCHING = [0]


@dataclass
class Fit:
    """One call of model.fit as the grader saw it."""

    model: Any
    epochs_asked: int | None = None
    steps: int | None = None
    epoch_logs: list[dict[str, float]] = field(default_factory=list)
    history: Any = None
    stopped: bool = False
    finished: bool = False

    def describe(self) -> dict[str, Any]:
        """Plain data: epochs run and asked for, per-epoch metrics, whether it was stopped."""
        metrics: dict[str, list[float]] = {}
        for logs in self.epoch_logs:
            for name, value in logs.items():
                metrics.setdefault(name, []).append(value)
        return {
            "epochs_run": len(self.epoch_logs),
            "epochs_asked": self.epochs_asked,
            "steps_per_epoch": self.steps,
            "metrics": metrics,
            "stopped_early": self.stopped,
            "finished": self.finished,
        }


def _floats(logs: Any) -> dict[str, float]:
    found = {}
    for name, value in dict(logs or {}).items():
        try:
            found[str(name)] = float(value)
        except (TypeError, ValueError):
            continue
    return found


class FitWatch(keras.callbacks.Callback):
    """The grader's callback: records the fit's parameters and each epoch's logs."""

    def __init__(self, record: Fit) -> None:
        super().__init__()
        self.record = record

    def on_train_begin(self, logs: Any = None) -> None:
        params = self.params or {}
        self.record.epochs_asked = params.get("epochs")
        self.record.steps = params.get("steps")

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.record.epoch_logs.append(_floats(logs))


def install() -> None:
    """Wrap keras.Model.fit so that every fit is recorded (idempotent)."""
    if _INSTALLED:
        return
    original = keras.Model.fit
    signature = inspect.signature(original)
    fits, watch, watching_now = _FITS, FitWatch, _WATCHING

    @functools.wraps(original)
    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not watching_now[0]:
            return original(self, *args, **kwargs)
        record = Fit(model=self)
        fits.append(record)
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError:  # let Keras report the learner's wrong arguments
            return original(self, *args, **kwargs)
        given = bound.arguments.get("callbacks")
        ours = watch(record)
        if isinstance(given, keras.callbacks.CallbackList):
            ours.set_model(self)
            given.callbacks.insert(0, ours)
        else:
            bound.arguments["callbacks"] = [ours, *(given or [])]
        history = original(*bound.args, **bound.kwargs)
        record.history, record.stopped = history, bool(getattr(self, "stop_training", False))
        record.finished = True
        return history

    _INSTALLED.append(original)
    keras.Model.fit = fit


@contextlib.contextmanager
def watching() -> Iterator[list[Fit]]:
    """The fits run inside the with block (installing the recorder if need be)."""
    install()
    del _FITS[:]
    seen: list[Fit] = []
    _WATCHING[0] += 1
    try:
        yield seen
    finally:
        _WATCHING[0] -= 1
        seen.extend(_FITS)
        del _FITS[:]


def find_fit(seen: list[Fit], history: Any = None, model: Any = None) -> Fit | None:
    """The last fit that returned history (or, given model, that trained that model)."""
    for record in reversed(seen):
        if history is not None and record.history is history:
            return record
        if model is not None and record.model is model and record.finished:
            return record
    return None


def history_differences(history: Any, record: Fit) -> str | None:
    """How the History's values differ from the fit the grader recorded, or None."""
    values = getattr(history, "history", None)
    if not isinstance(values, dict):
        return _("its values are not the dict model.fit writes")
    epochs = list(getattr(history, "epoch", None) or [])
    if epochs != list(range(len(record.epoch_logs))):
        return _("it lists {listed} epochs, the fit ran {ran}").format(
            listed=len(epochs), ran=len(record.epoch_logs))
    for name, recorded in record.describe()["metrics"].items():
        try:
            claimed = [float(v) for v in values.get(name)]  # type: ignore[union-attr]
        except TypeError:
            return _("'{name}' is missing from it").format(name=name)
        if len(claimed) != len(recorded):
            return _("'{name}' has {count} values, the fit ran {ran} epochs").format(
                name=name, count=len(claimed), ran=len(recorded))
        for epoch, (want, got) in enumerate(zip(recorded, claimed, strict=True), start=1):
            if abs(want - got) > 1e-9 * max(1.0, abs(want)):
                return _("'{name}' on epoch {epoch} is {got:.4f} in it, {want:.4f} in the "
                         "fit").format(name=name, epoch=epoch, got=got, want=want)
    return None
