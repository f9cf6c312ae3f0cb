"""C1W3: handwritten digits (MNIST) with convolutions, stopped by a callback at 99.5% accuracy.

The grader loads MNIST itself, from the fetched dataset cache (``graders data fetch mnist``):
``reshape_and_normalize`` is called on the raw training images, the model is tried on test
images and ``train_convolutional_model`` gets the training set reshaped and scaled here, so
nothing the notebook left in its namespace is trusted.

The reference model is Conv2D(16, 3x3) / MaxPooling2D / Flatten / Dense(128) / Dense(10),
adam, fitted with the default batches of 32. On this 2-core CPU machine, with op determinism,
it reaches 99.5% training accuracy on epoch 5 with every seed tried (EPOCHS_NEEDED; the
grader's seed is 42; last-epoch accuracy 0.9952 to 0.9959): a margin of 5 epochs on the limit
of 10. Against the public course's model (the same with 32 filters, 693,962 parameters),
trained the same way: it needed 5, 5, 4 and 5 epochs with seeds 42, 0, 1 and 2, and an epoch
of ours costs 0.69 times its CPU time (0.88 times its wall time; median of 4 interleaved runs
in one process, on a machine shared with other jobs). So ours reaches 99.5% in 0.69 times its
CPU time with the grader's seed, and 0.86 times with seed 1, where the public model needs one
epoch fewer.

What the model must be (the exercise's words): input (None, 28, 28, 1); at least one Conv2D
and one MaxPooling2D before the classifier (the first Flatten or Dense layer); a 10-way
softmax output; compiled with Adam (string in any casing, or an instance), sparse categorical
crossentropy (string, function or Loss object) and the metric logged as "accuracy". Filters,
units and the number of blocks are free, up to 10 times the reference's parameters
(PARAMS_CAP), so that grading stays within its time limit: a model at the cap (the reference
with Dense(1280), 3,475,370 parameters) trained by the reference's train_convolutional_model
with the grader's observer and seed stopped on epoch 4 (accuracy 0.9962) after 340 s,
measured on this 2-core machine loaded by other jobs (load average 9.4 before, 13.8 after;
nice 10) on 2026-12-02: inside the 900 s limit even so. The reference's own count is shown
as information in the feedback, with the first layer whose count differs.

``reshape_and_normalize`` is called twice, on the 60,000 training images and on the 10,000
test images, so that a size written into the code (``reshape(60000, 28, 28, 1)``) or images
taken from another cell fail, with feedback saying so. ``train_convolutional_model`` is called
once, on the training set: training is what grading costs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graders.checks.callbacks import callback_exercise
from graders.checks.core import Assignment, Check, Exercise, Verdict, call_learner, fail, returned
from graders.checks.datasets import load_mnist
from graders.checks.models import (
    classifier_checks,
    describe_model,
    expect_convolutions,
    parameter_cap,
    run_on_batch,
)
from graders.checks.training import early_stopping_checks, observe_fit
from graders.checks.values import describe_array, expect_float_array, expect_range
from graders.checks.verification import Measure, accuracy
from graders.i18n import _, lazy

METRIC, THRESHOLD = "accuracy", 0.995
MAX_EPOCHS = 10
IMAGE_SHAPE = [28, 28, 1]
#: The reference's filters. Conv2D(16, 3x3) on one channel: 16 * (3 * 3 * 1 + 1); it leaves
#: 26x26, pooled to 13x13, flattened to 13 * 13 * 16 = 2704 values; Dense(128): 2704 * 128 + 128;
#: Dense(10): 128 * 10 + 10.
FILTERS = 16
REFERENCE = [
    ("Conv2D", FILTERS * (3 * 3 + 1)),
    ("MaxPooling2D", 0),
    ("Flatten", 0),
    ("Dense", 13 * 13 * FILTERS * 128 + 128),
    ("Dense", 128 * 10 + 10),
]
PARAMS = sum(params for _, params in REFERENCE)
#: The most parameters a model may have: 10 times the reference (see the module docstring).
PARAMS_CAP = parameter_cap(REFERENCE)
#: How many real test images the model is tried on.
BATCH = 32
#: The epoch on which the reference reaches 99.5% (CPU, op determinism), by seed.
EPOCHS_NEEDED = {42: 5, 0: 5, 1: 5, 2: 5, 3: 5}
#: How far the History's last-epoch accuracy may exceed the trained model's accuracy on the
#: training images as the grader's verifier measures it, and how far below the threshold
#: that measurement may be. `python -m bench.gap C1W3` measured History minus model of
#: 0.00095, 0.00138 and 0.00415 for seeds 42, 0 and 1 on all 60,000 images, and on the
#: 10,000 the verifier measures 0.0028 (seed 42) and 0.0063 (seed 1: the model measures
#: 0.9896); the learner corpus (`--corpus`, seeds 42, 0-3) reached 0.0096
#: (two_convolutions_trains, seed 1: the model measures 0.9861); about 2 times the largest.
TOLERANCE = 0.02


def prepared(images: Any) -> Any:
    """Images as the model expects them: a channel axis added, pixels scaled to [0, 1]."""
    return images.reshape(-1, *IMAGE_SHAPE) / 255.0


# ------------------------------------------------------------------ reshape_and_normalize


def observe_reshape_and_normalize(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Call reshape_and_normalize on the raw MNIST training images, then on the test images,
    and describe both results (or the error of the second call)."""
    from graders.checks.run import describe_error

    reshape = namespace["reshape_and_normalize"]
    runs: list[dict[str, Any]] = []
    for split in ("train", "test"):
        images, _labels = load_mnist(split)
        try:
            result = reshape(images.copy())
        except Exception as error:
            if not runs:
                raise  # the first input: reported as the exercise's error
            runs.append({"count": int(images.shape[0]),
                         "error": describe_error("reshape_and_normalize", error)})
            continue
        runs.append(_describe_reshaped(images, returned(result, "reshape_and_normalize")))
    return {"runs": runs}


def _describe_reshaped(images: Any, result: Any) -> dict[str, Any]:
    import numpy as np

    described: dict[str, Any] = {"images": describe_array(result),
                                 "count": int(images.shape[0])}
    if described["images"].get("max") is not None:
        array = np.asarray(result, dtype=np.float64)
        # The images it kept (a wrong count is the shape check's business), divided by 255.
        kept = images[: len(array)] if array.ndim and len(array) <= len(images) else images
        described["mean"] = float(array.mean())
        described["want_mean"] = float(kept.mean(dtype=np.float64) / 255.0)
    return described


def _on_every_input(obs: dict[str, Any], judge: Any, errors_count: bool = True) -> Verdict:
    """judge applied to each run of reshape_and_normalize; when only a later input fails,
    the feedback says it worked on the first and how to read the size from the images.
    With errors_count False, a later input that raised is left to the other check."""
    runs = obs["runs"]
    first = judge(runs[0])
    if not first.passed:
        return first
    for run in runs[1:]:
        if "error" in run:
            if not errors_count:
                continue
            verdict = Verdict(False, run["error"])
        else:
            verdict = judge(run)
        if verdict.passed:
            continue
        shape = run.get("images", {}).get("shape") or []
        if shape and shape[0] == runs[0]["count"]:
            why = _(
                "works on {first:,} images, fails on {count:,}: it returned {first:,} images "
                "when given {count:,}: work on the images argument, not on a variable from "
                "another cell."
            )
        else:
            why = _(
                "works on {first:,} images, fails on {count:,}: read N from images.shape (or "
                "reshape to (-1, 28, 28, 1)) instead of writing it."
            )
        why = why.format(first=runs[0]["count"], count=run["count"])
        return Verdict(False, f"{why} {verdict.feedback}")
    return first


def _reshaped_one(run: dict[str, Any]) -> Verdict:
    images = run["images"]
    verdict = expect_float_array(images, _("images"), [None, *IMAGE_SHAPE])
    if verdict.passed and images["shape"][0] != run["count"]:
        return fail(
            _("number of images"),
            _("all {count:,}").format(count=run["count"]),
            f"{images['shape'][0]:,}",
        )
    return verdict


def _normalized_one(run: dict[str, Any]) -> Verdict:
    verdict = expect_range(run["images"], _("pixel"), 0.0, 1.0, hint=_("divide by 255"))
    if verdict.passed and abs(run["mean"] - run["want_mean"]) > 1e-6:
        return fail(
            _("mean pixel value"),
            _("{mean:.6f} (each pixel divided by 255)").format(mean=run["want_mean"]),
            f"{run['mean']:.6f}",
        )
    return verdict


def _reshape_and_normalize_reshaped(obs: dict[str, Any]) -> Verdict:
    return _on_every_input(obs, _reshaped_one)


def _reshape_and_normalize_normalized(obs: dict[str, Any]) -> Verdict:
    return _on_every_input(obs, _normalized_one, errors_count=False)


# ------------------------------------------------------------------- convolutional_model


def observe_convolutional_model(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Describe the model convolutional_model() returns and run it on real test images."""
    model = call_learner(namespace, "convolutional_model")
    described = describe_model(model)
    if described["is_model"]:
        images, _labels = load_mnist("test")
        described["on_batch"] = run_on_batch(model, prepared(images[:BATCH]))
    return described


# ------------------------------------------------------------- train_convolutional_model


def observe_train_convolutional_model(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Train with the learner's function on MNIST prepared here, and describe the History."""
    images, labels = load_mnist("train")
    train = namespace["train_convolutional_model"]
    return observe_fit(
        train, prepared(images), labels, "train_convolutional_model",
        MEASURES["train_convolutional_model"],
    )


def _training_set() -> tuple[Any, Any]:
    """Every MEASURE_EVERY-th training image, prepared, and its label."""
    images, labels = load_mnist("train")
    return prepared(images[::MEASURE_EVERY]).astype("float32"), labels[::MEASURE_EVERY]


#: How the grader's verifier measures the trained model: accuracy on 10,000 of the training
#: images, spread over the whole set (all 60,000 cost 3 s more; the sampling error of 10,000
#: at 99.5% is 0.0007, well inside TOLERANCE).
MEASURE_EVERY = 6
MEASURES = {
    "train_convolutional_model": Measure(
        _training_set, lambda model, data: accuracy(model, *data)
    )
}


ASSIGNMENT = Assignment(
    id="C1W3",
    label=lazy("Week 3 assignment: handwritten digits with convolutions"),
    notebook="W3/C1W3_Assignment.ipynb",
    exercises=(
        Exercise(
            "reshape_and_normalize",
            observe_reshape_and_normalize,
            (
                Check(lazy("returns a float array of shape (N, 28, 28, 1)"), 10,
                      _reshape_and_normalize_reshaped),
                Check(lazy("divides the pixels by 255: values from 0 to 1.0"), 10,
                      _reshape_and_normalize_normalized),
            ),
            seeded=False,
        ),
        callback_exercise("EarlyStoppingCallback", METRIC, THRESHOLD, points=(4, 3, 4, 4)),
        Exercise(
            "convolutional_model",
            observe_convolutional_model,
            classifier_checks(
                IMAGE_SHAPE,
                (lazy("Conv2D and MaxPooling2D layers before the classifier"), expect_convolutions),
                REFERENCE,
                classes=10,
                batch=BATCH,
                data="MNIST",
                points=(4, 5, 3, 5, 4),
            ),
        ),
        Exercise(
            "train_convolutional_model",
            observe_train_convolutional_model,
            early_stopping_checks(
                METRIC, THRESHOLD, MAX_EPOCHS, points=(10, 24, 10), tolerance=TOLERANCE
            ),
        ),
    ),
    timeout_s=900,
)
