"""Plain-data descriptions of a training run (a Keras History) and the judges that read them."""

from __future__ import annotations

from typing import Any

from graders.checks.core import Check, Verdict, fail, ok, returned
from graders.checks.values import type_name
from graders.checks.verification import Measure, hand_over
from graders.i18n import N_, Text, _, lazy, ngettext

#: How a metric that Keras logs under these keys is named in prose (its key stays in code:
#: logs['accuracy'], metrics=['accuracy']).
METRIC_NAMES = {"accuracy": N_("accuracy"), "loss": N_("loss")}


def metric_name(metric: str) -> str | Text:
    """The metric as a learner reads it in a sentence: a Text for the metrics Keras names
    (translated when shown), the key itself for any other."""
    return Text(METRIC_NAMES[metric]) if metric in METRIC_NAMES else metric


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
        history = returned(call(), name)
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
            _("return value"), _("the History returned by model.fit"), described.get("type")
        )
    if described.get("epochs_run", 0) == 0:
        return fail(_("training"), _("at least one epoch"), _("a History with no epochs"))
    return ok()


def expect_measured(described: dict[str, Any]) -> Verdict:
    """Pass when the grader's verifier measured the trained model (it says why it could not)."""
    measured = described.get("measured")
    if not isinstance(measured, dict):
        return fail(_("the trained model"), _("measured by the grader"), _("no measurement"))
    if "error" in measured:
        return Verdict(
            False, _("The trained model can't be verified: {reason}.").format(
                reason=measured["error"])
        )
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
            _("the History"),
            _("the one model.fit returned (the grader records every fit)"),
            _("a History that no model.fit call returned while the function ran"),
        )
    if described.get("forged"):
        return Verdict(
            False,
            _("the History: expected the one model.fit returned, as it recorded it, but it was "
              "changed after training: {difference}.").format(difference=described["forged"]),
        )
    verdict = expect_measured(described)
    if not verdict.passed:
        return verdict
    claimed = observed.get("metrics", {}).get(metric)
    figures = described["measured"]["figures"]
    if claimed and metric in figures and claimed[-1] - figures[metric] > tolerance:
        return Verdict(
            False,
            _("{metric}: the History says {claimed:.4f} on its last epoch, but the trained "
              "model measures {measured:.4f} on the {examples:,} training examples the grader "
              "measured it on: the History's claim is not borne out by the model.").format(
                metric=metric_name(metric), claimed=claimed[-1], measured=figures[metric],
                examples=figures.get("examples", 0)),
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
        return fail(_("epochs passed to fit"), _("at most {limit}").format(limit=limit), asked)
    run = observed["epochs_run"]
    if run > limit:
        return fail(_("epochs trained"), _("at most {limit}").format(limit=limit), run)
    return ok(ngettext("trained for {epochs} epoch", "trained for {epochs} epochs", run).format(
        epochs=run))


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
        found = sorted(described["observed"].get("metrics", {})) or _("no metrics")
        return fail(
            _("'{metric}' in the History").format(metric=metric),
            _("'{metric}' (compile with metrics=['{metric}'])").format(metric=metric),
            found,
        )
    name = metric_name(metric)
    figures = described["measured"]["figures"]
    measured = figures.get(metric)
    if measured is None:
        return fail(_("{metric} of the trained model").format(metric=name), _("a measurement"),
                    _("none among the grader's figures"))
    last_epoch = _("{metric} on the last epoch").format(metric=name)
    at_least = _("at least {threshold}").format(threshold=threshold)
    if values[-1] < threshold:
        return fail(
            last_epoch,
            at_least,
            _("{claimed:.4f} (as the grader recorded the fit; the trained model measures "
              "{measured:.4f})").format(claimed=values[-1], measured=measured),
        )
    if measured < threshold - tolerance:
        return fail(
            last_epoch,
            at_least,
            _("{measured:.4f}, the trained model's accuracy as the grader measured it on the "
              "{examples:,} training examples (tolerance {tolerance}; the History says "
              "{claimed:.4f})").format(measured=measured, examples=figures.get("examples", 0),
                                       tolerance=tolerance, claimed=values[-1]),
        )
    return ok(_("{metric} {measured:.4f} measured by the grader (the History says "
                "{claimed:.4f} on epoch {epoch})").format(
        metric=name, measured=measured, claimed=values[-1], epoch=len(values)))


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
            _("how training ended"),
            _("stopped by the callback (model.stop_training set)"),
            _("ran all {epochs} epochs asked for, no callback stopped it").format(
                epochs=observed.get("epochs_asked")),
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
            lazy("returns the History of at most {epochs} epochs", epochs=max_epochs),
            points[0],
            lambda described: expect_epochs_at_most(described, max_epochs, metric, tolerance),
        ),
        Check(
            lazy("reaches {percent} {metric} on the last epoch", percent=percent,
                 metric=metric_name(metric)),
            points[1],
            lambda described: expect_reached(described, metric, threshold, tolerance),
        ),
        Check(
            lazy("stopped by the callback"),
            points[2],
            lambda described: expect_stopped_by_callback(described, metric, threshold, tolerance),
        ),
    )
