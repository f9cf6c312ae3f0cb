"""Plain-data descriptions of a training run (a Keras History) and the judges that read them."""

from __future__ import annotations

from typing import Any

from graders.checks.core import Check, NotImplementedYet, Verdict, fail, ok
from graders.checks.values import type_name
from graders.checks.verification import Measure, hand_over


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


def observe_fit(
    train: Any, images: Any, labels: Any, name: str, measure: Measure
) -> dict[str, Any]:
    """Describe the training run of the learner's function called name, train(images,
    labels), as the grader saw it; NotImplementedYet while it returns the template's None."""
    return observe_training_call(lambda: train(images, labels), name, measure)


def observe_training_call(call: Any, name: str, measure: Measure) -> dict[str, Any]:
    """Run call() (the learner's training function), which must return a History, and
    describe: what the History claims, the fit the grader recorded that returned it
    (``observed``), how the History differs from that fit (``forged``), and the trained
    model, handed over for measuring (see verification.hand_over)."""
    from graders.checks import fits

    with fits.watching() as seen:
        history = call()
    if history is None:
        raise NotImplementedYet(f"{name}() returned None.")
    described = describe_history(history)
    if not described["is_history"]:
        return described
    record = fits.find_fit(seen, history=history)
    described["observed"] = record.describe() if record else None
    if record is not None:
        described["forged"] = fits.history_differences(history, record)
        described.update(hand_over(record.model, measure))
    return described


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


def expect_measured(described: dict[str, Any]) -> Verdict:
    """Pass when the grader's verifier measured the trained model (it says why it could not)."""
    measured = described.get("measured")
    if not isinstance(measured, dict):
        return fail("the trained model", "measured by the grader", "no measurement")
    if "error" in measured:
        return Verdict(False, f"The trained model can't be verified: {measured['error']}.")
    return ok()


def expect_observed(described: dict[str, Any], metric: str, tolerance: float) -> Verdict:
    """Pass when the History is the one a fit the grader watched returned, unchanged, its
    model was measured, and the measurement bears out the History's last-epoch metric
    (within tolerance: the epoch figure is a running average while the weights change)."""
    verdict = expect_history(described)
    if not verdict.passed:
        return verdict
    observed = described.get("observed")
    if observed is None:
        return fail(
            "the History",
            "the one model.fit returned (the grader records every fit)",
            "a History that no model.fit call returned while the function ran",
        )
    if described.get("forged"):
        return Verdict(
            False,
            "the History: expected the one model.fit returned, as it recorded it, but it was "
            f"changed after training: {described['forged']}.",
        )
    verdict = expect_measured(described)
    if not verdict.passed:
        return verdict
    claimed = observed.get("metrics", {}).get(metric)
    figures = described["measured"]["figures"]
    if claimed and metric in figures and claimed[-1] - figures[metric] > tolerance:
        return Verdict(
            False,
            f"{metric}: the History says {claimed[-1]:.4f} on its last epoch, but the trained "
            f"model measures {figures[metric]:.4f} on the {figures.get('examples', 0):,} "
            "training examples the grader measured it on: the History's claim is not borne "
            "out by the model.",
        )
    return ok()


def expect_epochs_at_most(
    described: dict[str, Any], limit: int, metric: str = "accuracy", tolerance: float = 0.0
) -> Verdict:
    """Pass when the fit the grader watched was asked for, and ran, at most limit epochs."""
    verdict = expect_observed(described, metric, tolerance)
    if not verdict.passed:
        return verdict
    observed = described["observed"]
    asked = observed.get("epochs_asked")
    if asked is not None and asked > limit:
        return fail("epochs passed to fit", f"at most {limit}", asked)
    if observed["epochs_run"] > limit:
        return fail("epochs trained", f"at most {limit}", observed["epochs_run"])
    return ok(f"trained for {observed['epochs_run']} epochs")


def expect_reached(
    described: dict[str, Any], metric: str, threshold: float, tolerance: float = 0.0
) -> Verdict:
    """Pass when the last epoch of the fit the grader recorded reached threshold on metric,
    and the trained model, measured by the grader, reaches it too (less tolerance)."""
    verdict = expect_observed(described, metric, tolerance)
    if not verdict.passed:
        return verdict
    values = described["observed"].get("metrics", {}).get(metric)
    if not values:
        found = sorted(described["observed"].get("metrics", {})) or "no metrics"
        return fail(
            f"'{metric}' in the History", f"'{metric}' (compile with metrics=['{metric}'])", found
        )
    figures = described["measured"]["figures"]
    measured = figures.get(metric)
    if measured is None:
        return fail(f"{metric} of the trained model", "a measurement", "none")
    if values[-1] < threshold:
        return fail(
            f"{metric} on the last epoch",
            f"at least {threshold}",
            f"{values[-1]:.4f} (as the grader recorded the fit; the trained model measures "
            f"{measured:.4f})",
        )
    if measured < threshold - tolerance:
        return fail(
            f"{metric} on the last epoch",
            f"at least {threshold}",
            f"{measured:.4f}, the trained model's accuracy as the grader measured it on the "
            f"{figures.get('examples', 0):,} training examples (tolerance {tolerance}; the "
            f"History says {values[-1]:.4f})",
        )
    return ok(f"{metric} {measured:.4f} measured by the grader (the History says "
              f"{values[-1]:.4f} on epoch {len(values)})")


def expect_stopped_by_callback(
    described: dict[str, Any], metric: str, threshold: float, tolerance: float = 0.0
) -> Verdict:
    """Pass when the fit the grader watched ended because a callback stopped it, and the
    model reached the threshold."""
    verdict = expect_reached(described, metric, threshold, tolerance)
    if not verdict.passed:
        return verdict
    observed = described["observed"]
    if not observed.get("stopped_early"):
        return fail(
            "how training ended",
            "stopped by the callback (model.stop_training set)",
            f"ran all {observed.get('epochs_asked')} epochs asked for, no callback stopped it",
        )
    return ok()


def early_stopping_checks(
    metric: str,
    threshold: float,
    max_epochs: int,
    points: tuple[int, int, int],
    tolerance: float = 0.0,
) -> tuple[Check, Check, Check]:
    """The three checks of a fit that a callback must stop at threshold within max_epochs:
    epochs, threshold reached, stopped by the callback (with their points). Each first
    requires the History to be the grader-observed fit's, unchanged, and borne out by the
    trained model as the grader measured it (within tolerance), so a forged claim scores 0."""
    percent = f"{threshold:.1%}".replace(".0%", "%")
    return (
        Check(
            f"returns the History of at most {max_epochs} epochs",
            points[0],
            lambda described: expect_epochs_at_most(described, max_epochs, metric, tolerance),
        ),
        Check(
            f"reaches {percent} {metric} on the last epoch",
            points[1],
            lambda described: expect_reached(described, metric, threshold, tolerance),
        ),
        Check(
            "stopped by the callback",
            points[2],
            lambda described: expect_stopped_by_callback(described, metric, threshold, tolerance),
        ),
    )
