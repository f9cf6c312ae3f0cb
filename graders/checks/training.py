"""Plain-data descriptions of a training run (a Keras History) and the judges that read them."""

from __future__ import annotations

from typing import Any

from graders.checks.core import Check, NotImplementedYet, Verdict, fail, ok
from graders.checks.values import type_name


def describe_history(history: Any) -> dict[str, Any]:
    """Epochs run, epochs asked for, per-epoch metrics and whether a callback stopped fit.

    ``stopped_early`` is True when fit ended because ``model.stop_training`` was set (by a
    callback) rather than because it ran out of epochs; Keras leaves the flag set after fit.
    """
    import keras

    if not isinstance(history, keras.callbacks.History):
        return {"is_history": False, "type": type_name(history)}
    metrics = {
        str(name): [float(v) for v in values] for name, values in (history.history or {}).items()
    }
    params = history.params or {}
    model = getattr(history, "model", None)
    return {
        "is_history": True,
        "epochs_run": len(history.epoch),
        "epochs_asked": params.get("epochs"),
        "metrics": metrics,
        "stopped_early": bool(getattr(model, "stop_training", False)),
    }


def observe_fit(train: Any, images: Any, labels: Any, name: str) -> dict[str, Any]:
    """Describe the History that the learner's function called name returns for train(images,
    labels); NotImplementedYet while it returns the template's None."""
    history = train(images, labels)
    if history is None:
        raise NotImplementedYet(f"{name}() returned None.")
    return describe_history(history)


# ----------------------------------------------------------------------------- judges


def expect_history(described: dict[str, Any]) -> Verdict:
    """Pass for a keras History (what model.fit returns)."""
    if not described.get("is_history"):
        return fail(
            "return value", "the History returned by model.fit", described.get("type")
        )
    if described.get("epochs_run", 0) == 0:
        return fail("training", "at least one epoch", "a History with no epochs")
    return ok()


def expect_epochs_at_most(described: dict[str, Any], limit: int) -> Verdict:
    """Pass when fit was asked for, and ran, at most limit epochs."""
    verdict = expect_history(described)
    if not verdict.passed:
        return verdict
    asked = described.get("epochs_asked")
    if asked is not None and asked > limit:
        return fail("epochs passed to fit", f"at most {limit}", asked)
    if described["epochs_run"] > limit:
        return fail("epochs trained", f"at most {limit}", described["epochs_run"])
    return ok(f"trained for {described['epochs_run']} epochs")


def expect_reached(described: dict[str, Any], metric: str, threshold: float) -> Verdict:
    """Pass when metric is at least threshold on the last epoch."""
    verdict = expect_history(described)
    if not verdict.passed:
        return verdict
    values = described.get("metrics", {}).get(metric)
    if not values:
        found = sorted(described.get("metrics", {})) or "no metrics"
        return fail(
            f"'{metric}' in the History", f"'{metric}' (compile with metrics=['{metric}'])", found
        )
    if values[-1] < threshold:
        return fail(f"{metric} on the last epoch", f"at least {threshold}", round(values[-1], 4))
    return ok(f"{metric} {values[-1]:.4f} on epoch {len(values)}")


def expect_stopped_by_callback(described: dict[str, Any], metric: str, threshold: float) -> Verdict:
    """Pass when fit ended because a callback stopped it, on reaching the threshold."""
    verdict = expect_reached(described, metric, threshold)
    if not verdict.passed:
        return verdict
    if not described.get("stopped_early"):
        return fail(
            "how training ended",
            "stopped by the callback (model.stop_training set)",
            f"ran all {described.get('epochs_asked')} epochs asked for, no callback stopped it",
        )
    return ok()


def early_stopping_checks(
    metric: str, threshold: float, max_epochs: int, points: tuple[int, int, int]
) -> tuple[Check, Check, Check]:
    """The three checks of a fit that a callback must stop at threshold within max_epochs:
    epochs, threshold reached on the last epoch, stopped by the callback (with their points)."""
    percent = f"{threshold:.1%}".replace(".0%", "%")
    return (
        Check(
            f"returns the History of at most {max_epochs} epochs",
            points[0],
            lambda described: expect_epochs_at_most(described, max_epochs),
        ),
        Check(
            f"reaches {percent} {metric} on the last epoch",
            points[1],
            lambda described: expect_reached(described, metric, threshold),
        ),
        Check(
            "stopped by the callback",
            points[2],
            lambda described: expect_stopped_by_callback(described, metric, threshold),
        ),
    )
