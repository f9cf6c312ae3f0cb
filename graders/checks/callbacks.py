"""Probing a learner's Keras callback with synthetic logs, and the judges that read the probe.

``probe_callback`` runs where the callback class lives: it instantiates the class, attaches
it to a tiny model and calls ``on_epoch_end`` with hand-made logs, one value at a time,
recording whether each call set ``model.stop_training`` and which keys it read from the
logs. No training is needed, so the probe takes milliseconds. The judges only read the
probe's plain-data outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graders.checks.core import Check, Exercise, NotImplementedYet, Verdict, fail, ok
from graders.checks.training import metric_name
from graders.checks.values import type_name
from graders.i18n import _, lazy

#: The loss reported beside the probed metric: Keras always logs both.
_OTHER_LOGS = {"loss": 0.05, "accuracy": 0.5}
#: Keys of older Keras' logs, and what Keras 3 calls them.
_OLD_KEYS = {"acc": "accuracy", "val_acc": "val_accuracy"}


class _RecordingLogs(dict):
    """The logs handed to on_epoch_end: a dict that remembers which keys were read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read: list[str] = []

    def _note(self, key: Any) -> None:
        if isinstance(key, str) and key not in self.read:
            self.read.append(key)

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key: Any) -> bool:
        self._note(key)
        return super().__contains__(key)


def probe_values(threshold: float) -> list[float]:
    """Metric values to try around threshold: well below, just below, at, just above, 1.0."""
    below = [0.0, round(threshold / 2, 6), round(threshold - 0.01, 6), round(threshold - 0.0005, 6)]
    above = [threshold, round(min(1.0, threshold + 0.0005), 6), 1.0]
    return sorted({v for v in below + above if v >= 0.0})


def probe_callback(callback: Any, metric: str, values: list[float]) -> dict[str, Any]:
    """Call on_epoch_end of callback (a class or an instance) once per value of metric.

    Returns ``{"is_class", "is_callback", "type", "probes": [{"value", "stopped", "error"}]}``;
    a class is instantiated without arguments before each probe, so state kept between calls
    cannot leak from one probe to the next.
    """
    import keras

    is_class = isinstance(callback, type)
    kind = callback if is_class else type(callback)
    described: dict[str, Any] = {
        "is_class": is_class,
        "is_callback": isinstance(kind, type) and issubclass(kind, keras.callbacks.Callback),
        "type": kind.__name__ if is_class else type_name(callback),
        "probes": [],
    }
    if not described["is_callback"]:
        return described
    if "on_epoch_end" not in _own_methods(kind):
        described["overrides_on_epoch_end"] = False
        return described
    described["overrides_on_epoch_end"] = True
    model = _tiny_model()
    for epoch, value in enumerate(values):
        described["probes"].append(_probe_once(callback, is_class, model, epoch, metric, value))
    return described


def _own_methods(kind: type) -> set[str]:
    """Names defined by kind or its bases below keras' Callback."""
    import keras

    names: set[str] = set()
    for base in kind.__mro__:
        if base is keras.callbacks.Callback:
            break
        names.update(vars(base))
    return names


def _tiny_model() -> Any:
    import keras

    return keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])


def _probe_once(
    callback: Any, is_class: bool, model: Any, epoch: int, metric: str, value: float
) -> dict[str, Any]:
    outcome: dict[str, Any] = {"value": value, "stopped": False, "error": None}
    logs = _RecordingLogs(_OTHER_LOGS, **{metric: value})
    try:
        instance = callback() if is_class else callback
        instance.set_model(model)
        model.stop_training = False
        instance.on_epoch_end(epoch, logs)
        outcome["stopped"] = bool(model.stop_training)
    except Exception as error:  # the learner's method may raise anything
        outcome["error"] = f"{type(error).__name__}: {error}"
    outcome["read"] = [key for key in logs.read if key not in logs]
    return outcome


def observe_callback_class(namespace: Any, name: str, metric: str, threshold: float) -> dict:
    """Probe the callback class called name in namespace around threshold of metric.

    A class whose own on_epoch_end is still the template's empty body (only ``pass``,
    comments or a docstring) is reported as not implemented yet rather than probed.
    """
    callback = namespace[name]
    if callback is None:
        raise NotImplementedYet(_("{name} is still None.").format(name=name))
    kind = callback if isinstance(callback, type) else type(callback)
    method = vars(kind).get("on_epoch_end")
    if method is not None and does_nothing(method):
        raise NotImplementedYet(
            _("{name}.on_epoch_end does nothing yet (its body is empty).").format(name=name)
        )
    return probe_callback(callback, metric, probe_values(threshold))


def does_nothing(function: Any) -> bool:
    """True for a Python function whose body is only ``pass``, comments or a docstring."""
    import dis

    if not hasattr(function, "__code__"):
        return False
    for instruction in dis.get_instructions(function):
        name = instruction.opname
        if name in ("RESUME", "NOP", "CACHE", "RETURN_VALUE"):
            continue
        if name in ("LOAD_CONST", "RETURN_CONST") and instruction.argval is None:
            continue
        return False
    return True


# ----------------------------------------------------------------------------- judges


def expect_callback_class(described: dict[str, Any]) -> Verdict:
    """Pass for a subclass of tf.keras.callbacks.Callback that overrides on_epoch_end."""
    if not described.get("is_class"):
        return fail(_("type"), _("a class (not an instance)"), described.get("type"))
    if not described.get("is_callback"):
        return fail(
            _("base class"), _("a subclass of tf.keras.callbacks.Callback"), described.get("type")
        )
    if not described.get("overrides_on_epoch_end"):
        return fail(
            "on_epoch_end", _("a method on_epoch_end(self, epoch, logs)"), _("none defined")
        )
    return ok()


def _old_key(probe: dict[str, Any]) -> Verdict | None:
    """A failing verdict naming a key of older Keras' logs the callback read, if it did."""
    old = [key for key in probe.get("read", []) if key in _OLD_KEYS]
    if not old:
        return None
    new = _OLD_KEYS[old[0]]
    return Verdict(False, _(
        "your callback reads logs['{old}'], the name older Keras used: Keras 3 logs it "
        "as '{new}' (with metrics=['{new}']), so read logs['{new}']."
    ).format(old=old[0], new=new))


def _probe_error(probe: dict[str, Any], metric: str) -> Verdict:
    """A failing verdict for a probe whose on_epoch_end raised."""
    old = _old_key(probe)
    if old is not None:
        return old
    missing = probe.get("read", [])
    if missing:
        return Verdict(False, _(
            "on_epoch_end with logs {{'loss': ..., '{metric}': {value}}}: your "
            "callback reads logs['{missing}'], which the logs do not have "
            "({error}); read logs['{metric}']."
        ).format(metric=metric, value=probe["value"], missing=missing[0], error=probe["error"]))
    return fail(
        _("on_epoch_end with logs {{'{metric}': {value}}}").format(
            metric=metric, value=probe["value"]),
        _("no error"),
        probe["error"],
    )


def expect_stops_at(
    described: dict[str, Any], metric: str, threshold: float, where: str = "all"
) -> Verdict:
    """Pass when the callback stops training for metric >= threshold and only then.

    where picks the probes judged: "below" the threshold, "at" it exactly, "above" it, or
    "all".
    """
    structure = expect_callback_class(described)
    if not structure.passed:
        return structure
    chosen = {
        "below": lambda v: v < threshold,
        "at": lambda v: v == threshold,
        "above": lambda v: v > threshold,
        "all": lambda v: True,
    }[where]
    for probe in described.get("probes", []):
        value = probe["value"]
        if not chosen(value):
            continue
        if probe.get("error"):
            return _probe_error(probe, metric)
        should_stop = value >= threshold
        if probe["stopped"] != should_stop:
            old = _old_key(probe)
            if old is not None:
                return old
            running = _("training left running")
            got = _("stop_training set") if probe["stopped"] else running
            want = _("stop_training set to True") if should_stop else running
            verdict = fail(
                _("{metric} = {value} (threshold {threshold})").format(
                    metric=metric_name(metric), value=value, threshold=threshold),
                want,
                got,
            )
            if value == threshold:
                advice = _("At exactly {threshold} your callback keeps training: use >= "
                           "(greater than or equal), not >.").format(threshold=threshold)
                return Verdict(False, f"{verdict.feedback} {advice}")
            return verdict
    return ok()


def callback_checks(
    metric: str, threshold: float, points: tuple[int, int, int, int]
) -> tuple[Check, ...]:
    """The four checks of a callback class that stops training at threshold of metric, with
    their points: its structure (a Callback overriding on_epoch_end), and its behaviour below,
    exactly at and above the threshold (so that a ``>`` written for ``>=`` costs only the
    boundary)."""
    percent = f"{threshold:.1%}".replace(".0%", "%")
    name = metric_name(metric)

    def behaviour(where: str) -> Any:
        return lambda described: expect_stops_at(described, metric, threshold, where)

    return (
        Check(lazy("a tf.keras.callbacks.Callback with on_epoch_end"), points[0],
              expect_callback_class),
        Check(lazy("keeps training below {percent} {metric}", percent=percent, metric=name),
              points[1], behaviour("below")),
        Check(lazy("stops training at exactly {percent} {metric}", percent=percent, metric=name),
              points[2], behaviour("at")),
        Check(lazy("stops training above {percent} {metric}", percent=percent, metric=name),
              points[3], behaviour("above")),
    )


def callback_exercise(
    name: str, metric: str, threshold: float, points: tuple[int, int, int, int]
) -> Exercise:
    """The exercise of the callback class called name that stops training at threshold of
    metric: probed around the threshold (observe_callback_class, no training, so unseeded)
    and judged by callback_checks with their points."""

    def observe(namespace: Mapping[str, Any]) -> dict[str, Any]:
        return observe_callback_class(namespace, name, metric, threshold)

    return Exercise(name, observe, callback_checks(metric, threshold, points), seeded=False)
