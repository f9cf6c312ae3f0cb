"""Time to threshold: each graded training exercise's reference, seconds and epochs until
it reaches its threshold, against the public course's reference model for the same exercise,
trained the same way (the learner's training function, data, callback, epoch limit and seed
are ours; only the model factory is swapped). Goal: ours is no slower.

`python -m bench.threshold ASSIGNMENT VARIANT` trains once and prints its figures as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

from bench.measure import PY, ROOT, last_json, median, ratio, repeated, run_timed, save

NAME = "threshold"
TITLE = "4. Time to threshold"
#: The model factory each assignment's training function calls, and the public course's
#: reference model for it (C1W1 is left out: it trains a fixed 500 epochs, no threshold).
FACTORIES = {
    "C1W2": "create_and_compile_model",
    "C1W3": "convolutional_model",
    "C1W4": "create_and_compile_model",
}
PUBLIC = {
    "C1W2": "Flatten / Dense(512) / Dense(10), adam",
    "C1W3": "Conv2D(32) / MaxPooling2D / Flatten / Dense(128) / Dense(10), adam",
    "C1W4": "three Conv2D+MaxPooling2D blocks (16, 32, 64) / Dense(512) / Dense(1), RMSprop(0.001)",
}


def public_model(assignment_id: str) -> Any:
    """The public course's reference model for the assignment, compiled as it compiles it."""
    import tensorflow as tf

    layers = tf.keras.layers
    if assignment_id == "C1W2":
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(28, 28)), layers.Flatten(),
            layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    elif assignment_id == "C1W3":
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D(2, 2), layers.Flatten(),
            layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax"),
        ])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    else:
        blocks = []
        for filters in (16, 32, 64):
            blocks += [layers.Conv2D(filters, (3, 3), activation="relu"), layers.MaxPooling2D(2, 2)]
        model = tf.keras.Sequential([
            tf.keras.Input(shape=(150, 150, 3)), *blocks, layers.Flatten(),
            layers.Dense(512, activation="relu"), layers.Dense(1, activation="sigmoid"),
        ])
        model.compile(loss="binary_crossentropy",
                      optimizer=tf.keras.optimizers.RMSprop(learning_rate=0.001),
                      metrics=["accuracy"])
    return model


def _timing_fit() -> list[dict[str, Any]]:
    """Make every model.fit record its start and the end of each epoch (with its logs)."""
    import keras

    fits: list[dict[str, Any]] = []
    original = keras.Model.fit

    class EpochClock(keras.callbacks.Callback):
        def __init__(self, record: dict[str, Any]) -> None:
            super().__init__()
            self.record = record

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.record["epochs"].append((time.monotonic(), dict(logs or {})))

    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        record = {"started": time.monotonic(), "epochs": []}
        fits.append(record)
        kwargs["callbacks"] = [EpochClock(record), *(kwargs.get("callbacks") or [])]
        return original(self, *args, **kwargs)

    keras.Model.fit = fit
    return fits


def train(assignment_id: str, variant: str) -> dict[str, Any]:
    """Train once with the reference's training function and ours or the public model."""
    from bench.plain import execute_cells
    from graders.assignments import get_assignment
    from graders.checks.run import OK, observe_exercise
    from graders.determinism import SEED, seed_everything
    from graders.grading.submission import load_submission

    assignment = get_assignment(assignment_id)
    submission = load_submission(ROOT / "solutions" / assignment.notebook, assignment_id)
    seed_everything(SEED)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    execute_cells([{"id": cell.id, "source": cell.source} for cell in submission.cells], namespace)
    if variant == "public":
        namespace[FACTORIES[assignment_id]] = lambda: public_model(assignment_id)
    fits = _timing_fit()
    exercise = assignment.exercises[-1]
    observation = observe_exercise(exercise, namespace, SEED)
    if observation["status"] != OK or len(fits) != 1:
        raise SystemExit(f"{assignment_id} {variant}: {observation} ({len(fits)} fits)")
    threshold = import_module(f"graders.assignments.{assignment_id.lower()}").THRESHOLD
    record = fits[0]
    reached = next(
        (n for n, (_, logs) in enumerate(record["epochs"]) if logs.get("accuracy", 0) >= threshold),
        None,
    )
    return {
        "threshold": threshold,
        "epochs": None if reached is None else reached + 1,
        "seconds": None if reached is None
        else record["epochs"][reached][0] - record["started"],
        "epochs_run": len(record["epochs"]),
        "fit_s": record["epochs"][-1][0] - record["started"],
    }


def _measure(assignment_id: str) -> dict[str, Any]:
    class Run:  # what repeated() needs: a wall_s, here the seconds of the fit
        def __init__(self, variant: str) -> None:
            self.figures = last_json(
                run_timed([PY, "-m", "bench.threshold", assignment_id, variant]).stdout
            )
            self.wall_s = self.figures["fit_s"]

    runs = repeated(lambda: (Run("ours"), Run("public")))
    row: dict[str, Any] = {"assignment": assignment_id, "runs": len(runs),
                           "public_model": PUBLIC[assignment_id]}
    for index, variant in enumerate(("ours", "public")):
        figures = [run[index].figures for run in runs]
        epochs = {f["epochs"] for f in figures}
        seconds = [f["seconds"] for f in figures if f["seconds"] is not None]
        row[variant] = {
            "threshold": figures[0]["threshold"],
            "epochs": epochs.pop() if len(epochs) == 1 else sorted(epochs, key=str),
            "seconds": median(seconds) if len(seconds) == len(figures) else None,
            "epochs_run": figures[0]["epochs_run"],
        }
    ours, public = row["ours"]["seconds"], row["public"]["seconds"]
    row["ratio"] = ratio(ours, public) if ours and public else None
    return row


def run(command: str) -> Path:
    """Measure every assignment with a threshold and save the figures."""
    return save(NAME, {"rows": [_measure(a) for a in FACTORIES]}, command)


def render(record: dict[str, Any]) -> list[str]:
    """The RESULTS.md section of this benchmark."""
    lines = [
        "Each assignment's reference training function (`train_mnist`,",
        "`train_convolutional_model`, `train_happy_sad_model`) run as the grader runs it (seed",
        "42, op determinism, the grader's data), once with our reference model and once with the",
        "public course's model for the exercise swapped in; seconds from the start of `fit` to the",
        "end of the epoch that reached the threshold (medians; ours and the public model",
        "alternate). Goal: ours no slower (ratio at most 1.0, within the noise).",
        "",
        "| assignment | threshold | ours: epochs, s | public model | public: epochs, s | "
        "ours / public |",
        "|---|---|---|---|---|---|",
    ]
    for row in record["rows"]:
        ours, public = row["ours"], row["public"]

        def cell(side: dict[str, Any]) -> str:
            if side["seconds"] is None:
                return f"not reached in {side['epochs_run']} epochs"
            return f"{side['epochs']}, {side['seconds']:.1f}"

        share = f"{row['ratio']:.2f}" if row["ratio"] is not None else "n/a"
        lines.append(
            f"| {row['assignment']} | {ours['threshold']} | {cell(ours)} | "
            f"{row['public_model']} | {cell(public)} | {share} |"
        )
    lines.append("")
    for row in record["rows"]:
        ours, public = row["ours"], row["public"]
        if ours["seconds"] and public["seconds"] and row["ratio"] is not None:
            per_ours = ours["seconds"] / ours["epochs"]
            per_public = public["seconds"] / public["epochs"]
            verdict = "no slower" if row["ratio"] <= 1.02 else "**slower**"
            lines.append(
                f"- {row['assignment']}: ours {verdict} ({row['ratio']:.2f}x): {ours['epochs']} "
                f"against {public['epochs']} epochs, {per_ours:.2f} s against "
                f"{per_public:.2f} s per epoch."
            )
    return lines


if __name__ == "__main__":
    print(json.dumps(train(sys.argv[1], sys.argv[2])))


FINDINGS = """
**Reading the figures.** C1W2's reference *is* the public model (Flatten, Dense(512),
Dense(10), adam), so its ratio is the measurement's own noise. C1W3's reference uses 16
filters where the public one uses 32: the same 5 epochs, each cheaper. C1W4's reference is
the public architecture compiled with Adam instead of RMSprop: it stops an epoch sooner, but
each Adam step updates two moment estimates for the 9.5 million weights of Dense(512), so an
epoch of 8 small batches costs more and the total comes out slower. That goal is not met on
purpose: Adam is the reference because it stops well inside the 15-epoch limit on every seed
tried (at worst epoch 13), where RMSprop needed all 15 with seed 0 (graders/assignments/c1w4.py);
a reference that might miss its threshold on another machine would cost more than half a
second.
"""
