"""C1W2: handwritten digits (MNIST), with a callback that stops training at 98% accuracy.

The grader loads MNIST itself, from the fetched dataset cache (``graders data fetch mnist``),
scales it to [0, 1] and hands it to the learner's ``train_mnist``; nothing the notebook left
in its namespace is trusted.

The reference (Flatten / Dense(512, relu) / Dense(10, softmax), adam) reaches 98% training
accuracy on epoch 3 with every seed tried, on this 2-core CPU machine with op determinism:
seed 42 (the grader's) 0.9414 / 0.9754 / 0.9851; seeds 0, 1, 2 and 3 also stop on epoch 3,
with 0.9851 to 0.9858 there. The limit is 10 epochs, so the margin is 7 epochs; one fit
takes about 50 s here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graders.checks.callbacks import expect_callback_class, expect_stops_at, observe_callback_class
from graders.checks.core import Assignment, Check, Exercise, NotImplementedYet, Verdict, fail, ok
from graders.checks.models import (
    describe_model,
    expect_compiled,
    expect_layers,
    expect_model,
    expect_params,
    expect_shapes,
)
from graders.checks.training import (
    describe_history,
    expect_epochs_at_most,
    expect_reached,
    expect_stopped_by_callback,
)

DATASET = "mnist"
METRIC, THRESHOLD = "accuracy", 0.98
MAX_EPOCHS = 10
#: Flatten (784 values) -> Dense(512): 784 * 512 + 512; Dense(512) -> Dense(10): 512 * 10 + 10.
PARAMS = 784 * 512 + 512 + 512 * 10 + 10
LAYERS = ["Flatten", "Dense", "Dense"]
#: How many real images the model is tried on.
BATCH = 32


def load_mnist(split: str = "train") -> tuple[Any, Any]:
    """MNIST images of one split scaled to [0, 1], and their labels, from the dataset cache."""
    import numpy as np

    from graders.datasets import load_manifest

    path = load_manifest().select([DATASET])[0].files[0].destination()
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST is not at {path}: fetch it with `python -m graders data fetch {DATASET}`"
        )
    with np.load(path) as data:
        return data[f"x_{split}"] / 255.0, data[f"y_{split}"]


# -------------------------------------------------------------- create_and_compile_model


def observe_model(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Describe the model create_and_compile_model() returns and run it on real images."""
    model = namespace["create_and_compile_model"]()
    if model is None:
        raise NotImplementedYet("create_and_compile_model() returned None.")
    described = describe_model(model)
    if described["is_model"]:
        images, _ = load_mnist("test")
        described["on_batch"] = run_on_batch(model, images[:BATCH])
    return described


def run_on_batch(model: Any, batch: Any) -> dict[str, Any]:
    """The shape and range of what the model outputs for a batch, or the error it raised."""
    import numpy as np

    try:
        out = np.asarray(model.predict(batch, verbose=0), dtype=float)
    except Exception as error:  # the learner's model may reject the batch
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return {"error": f"{type(error).__name__}: {message}"}
    described: dict[str, Any] = {"shape": list(out.shape)}
    if out.size:
        described.update(min=float(out.min()), max=float(out.max()))
        described["largest_row_sum_error"] = float(np.abs(out.sum(axis=-1) - 1.0).max())
    return described


def _shapes(obs: dict[str, Any]) -> Verdict:
    return expect_shapes(obs, [None, 28, 28], [None, 10])


def _layers(obs: dict[str, Any]) -> Verdict:
    return expect_layers(obs, LAYERS)


def _params(obs: dict[str, Any]) -> Verdict:
    return expect_params(obs, PARAMS)


def _compiled(obs: dict[str, Any]) -> Verdict:
    return expect_compiled(
        obs, optimizer="Adam", losses={"sparse_categorical_crossentropy"}, metrics={METRIC}
    )


def _runs_on_images(obs: dict[str, Any]) -> Verdict:
    if not obs.get("is_model"):
        return expect_model(obs)
    run = obs["on_batch"]
    what = f"the model applied to a batch of {BATCH} MNIST images"
    if "error" in run:
        return fail(what, f"an output of shape ({BATCH}, 10)", run["error"])
    if run["shape"] != [BATCH, 10]:
        return fail(what, f"an output of shape ({BATCH}, 10)", tuple(run["shape"]))
    if run["min"] < 0.0 or run["largest_row_sum_error"] > 1e-3:
        return fail(
            "the 10 outputs for each image",
            "probabilities between 0 and 1 that add up to 1 (softmax on the last layer)",
            f"values from {run['min']:.3g} to {run['max']:.3g}, adding up to as much as "
            f"{1 + run['largest_row_sum_error']:.3g} for one image",
        )
    return ok()


# ----------------------------------------------------------------- EarlyStoppingCallback


def observe_callback(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Probe EarlyStoppingCallback's on_epoch_end with accuracies around 98%."""
    return observe_callback_class(namespace, "EarlyStoppingCallback", METRIC, THRESHOLD)


def _callback_class(obs: dict[str, Any]) -> Verdict:
    return expect_callback_class(obs)


def _callback_stops(obs: dict[str, Any]) -> Verdict:
    return expect_stops_at(obs, METRIC, THRESHOLD)


# --------------------------------------------------------------------------- train_mnist


def observe_training(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Train with the learner's train_mnist on MNIST loaded here, and describe the History."""
    images, labels = load_mnist("train")
    return training_observation(namespace["train_mnist"], images, labels)


def training_observation(train_mnist: Any, images: Any, labels: Any) -> dict[str, Any]:
    """Describe the History train_mnist(images, labels) returns."""
    history = train_mnist(images, labels)
    if history is None:
        raise NotImplementedYet("train_mnist() returned None.")
    return describe_history(history)


def _epochs(obs: dict[str, Any]) -> Verdict:
    return expect_epochs_at_most(obs, MAX_EPOCHS)


def _reached(obs: dict[str, Any]) -> Verdict:
    return expect_reached(obs, METRIC, THRESHOLD)


def _stopped(obs: dict[str, Any]) -> Verdict:
    return expect_stopped_by_callback(obs, METRIC, THRESHOLD)


ASSIGNMENT = Assignment(
    id="C1W2",
    title="Week 2 assignment: handwritten digits with a callback",
    notebook="W2/C1W2_Assignment.ipynb",
    exercises=(
        Exercise(
            "create_and_compile_model",
            observe_model,
            (
                Check("input (None, 28, 28) and output (None, 10)", 8, _shapes),
                Check("layers Flatten, Dense, Dense", 8, _layers),
                Check(f"{PARAMS:,} parameters", 8, _params),
                Check("compiled with adam, sparse categorical crossentropy, accuracy", 8,
                      _compiled),
                Check(f"gives 10 probabilities per image for {BATCH} MNIST images", 8,
                      _runs_on_images),
            ),
        ),
        Exercise(
            "EarlyStoppingCallback",
            observe_callback,
            (
                Check("a tf.keras.callbacks.Callback with on_epoch_end", 10, _callback_class),
                Check("stops training at 98% accuracy and only then", 15, _callback_stops),
            ),
            kind="class",
            seeded=False,
        ),
        Exercise(
            "train_mnist",
            observe_training,
            (
                Check(f"returns the History of at most {MAX_EPOCHS} epochs", 10, _epochs),
                Check("reaches 98% accuracy on the last epoch", 15, _reached),
                Check("stopped by the callback", 10, _stopped),
            ),
        ),
    ),
    timeout_s=600,
)
