"""Grading Week 3: the reference scores 100 and the template 0 through the CLI, and each wrong
solution (kept here as data) loses exactly the points of the checks it breaks.

Training a convolutional network on all of MNIST takes minutes on a CPU, so only the
reference is graded in full. Wrong solutions that need no training are observed and judged in
this process with the assignment's own observers and checks (the cells run in a fresh
namespace, as the grader's worker runs them); wrong training code is run for real on a few
hundred MNIST images, which is enough to fail the checks it should.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import NOTEBOOKS, SOLUTIONS, grade, write_variant

from graders.assignments import c1w3, c1w3_quiz
from graders.checks.run import judge_exercise, observe_exercise
from graders.checks.training import observe_fit
from graders.checks.verification import Measure, accuracy
from graders.determinism import SEED

ASSIGNMENT = SOLUTIONS / "W3" / "C1W3_Assignment.ipynb"
QUIZ = SOLUTIONS / "W3" / "C1_W3_Quiz.ipynb"

R1 = "reshape_and_normalize: returns a float array of shape (N, 28, 28, 1)"
R2 = "reshape_and_normalize: divides the pixels by 255: values from 0 to 1.0"
C1 = "EarlyStoppingCallback: a tf.keras.callbacks.Callback with on_epoch_end"
C2 = "EarlyStoppingCallback: keeps training below 99.5% accuracy"
C3 = "EarlyStoppingCallback: stops training at exactly 99.5% accuracy"
C4 = "EarlyStoppingCallback: stops training above 99.5% accuracy"
M1 = "convolutional_model: input (None, 28, 28, 1) and output (None, 10)"
M2 = "convolutional_model: Conv2D and MaxPooling2D layers before the classifier"
M3 = f"convolutional_model: at most {c1w3.PARAMS_CAP:,} parameters"
M4 = "convolutional_model: compiled with adam, sparse categorical crossentropy, accuracy"
M5 = "convolutional_model: gives 10 probabilities per image for 32 MNIST images"
T1 = "train_convolutional_model: returns the History of at most 10 epochs"
T2 = "train_convolutional_model: reaches 99.5% accuracy on the last epoch"
T3 = "train_convolutional_model: stopped by the callback"

RESHAPE = """def reshape_and_normalize(images):
    {body}
    return images
"""
CALLBACK = """class EarlyStoppingCallback({base}):
    def on_epoch_end(self, epoch, logs=None):
        if {condition}:
            self.model.stop_training = True
"""
MODEL = """def convolutional_model():
    model = tf.keras.Sequential([
        tf.keras.Input(shape={shape}),
        tf.keras.layers.Conv2D({filters}, (3, 3), activation="relu"),
        {pooling}{extra}
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense({units}, activation="relu"),
        tf.keras.layers.Dense(10, activation="{output}"),
    ])
    model.compile(optimizer="{optimizer}", loss="{loss}", metrics={metrics})
    return model
"""
GOOD_MODEL = dict(
    shape="(28, 28, 1)", filters=c1w3.FILTERS, extra="", output="softmax", optimizer="adam",
    pooling="tf.keras.layers.MaxPooling2D(2, 2),", units=128,
    loss="sparse_categorical_crossentropy", metrics='["accuracy"]',
)
TRAIN = """def train_convolutional_model(images, labels):
    model = convolutional_model()
    {body}
"""

EX_RESHAPE = "ex1-reshape-and-normalize"
EX_CALLBACK = "ex2-early-stopping-callback"
EX_MODEL = "ex3-convolutional-model"
EX_TRAIN = "ex4-train-convolutional-model"


def model(**changes: object) -> str:
    return MODEL.format(**{**GOOD_MODEL, **changes})


#: Mistakes found without training: name -> (cell id, its source,
#: {test name: fragment of its feedback} for every test of that exercise that fails).
WRONG = {
    "no_channel_axis": (
        EX_RESHAPE,
        RESHAPE.format(body="images = images / 255.0"),
        {R1: "images shape: expected (N, 28, 28, 1), but got (60000, 28, 28)"},
    ),
    "divides_by_256": (
        EX_RESHAPE,
        RESHAPE.format(body="images = images.reshape(-1, 28, 28, 1) / 256.0"),
        {R2: "pixel maximum: expected 1 (divide by 255), but got 0.996094"},
    ),
    "scales_each_image_to_its_own_maximum": (
        EX_RESHAPE,
        RESHAPE.format(
            body="images = images.reshape(-1, 28, 28, 1)\n"
            "    images = images / images.max(axis=(1, 2, 3), keepdims=True)"
        ),
        {R2: "mean pixel value: expected 0.130"},
    ),
    "keeps_integers": (
        EX_RESHAPE,
        RESHAPE.format(body="images = images.reshape(-1, 28, 28, 1)"),
        {
            R1: "images dtype: expected a float dtype (e.g. float64), but got uint8",
            R2: "pixel values: expected between 0 and 1, but got values from 0 to 255",
        },
    ),
    "drops_images": (
        EX_RESHAPE,
        RESHAPE.format(body="images = images[:1000].reshape(-1, 28, 28, 1) / 255.0"),
        {R1: "number of images: expected all 60,000, but got 1,000"},
    ),
    "hard_coded_60000": (
        EX_RESHAPE,
        RESHAPE.format(body="images = images.reshape(60000, 28, 28, 1) / 255.0"),
        {R1: "works on 60,000 images, fails on 10,000: read N from images.shape (or reshape "
             "to (-1, 28, 28, 1)) instead of writing it. `reshape_and_normalize` raised "
             "ValueError: cannot reshape array of size 7840000 into shape (60000,28,28,1)"},
    ),
    "strictly_greater": (
        EX_CALLBACK,
        CALLBACK.format(base="tf.keras.callbacks.Callback", condition='logs["accuracy"] > 0.995'),
        {C3: "accuracy = 0.995 (threshold 0.995): expected stop_training set to True, but got "
             "training left running. At exactly 0.995 your callback keeps training: use >="},
    ),
    "last_weeks_threshold": (
        EX_CALLBACK,
        CALLBACK.format(base="tf.keras.callbacks.Callback", condition='logs["accuracy"] >= 0.99'),
        {C2: "accuracy = 0.9945 (threshold 0.995): expected training left running"},
    ),
    "old_metric_name": (
        EX_CALLBACK,
        CALLBACK.format(base="tf.keras.callbacks.Callback", condition='logs["acc"] >= 0.995'),
        {test: "Keras 3 logs it as 'accuracy'" for test in (C2, C3, C4)},
    ),
    "not_a_keras_callback": (
        EX_CALLBACK,
        CALLBACK.format(base="object", condition='logs["accuracy"] >= 0.995'),
        {
            test: "base class: expected a subclass of tf.keras.callbacks.Callback"
            for test in (C1, C2, C3, C4)
        },
    ),
    "wrong_input_size": (
        EX_MODEL,
        model(shape="(32, 32, 1)"),
        {
            M1: "input shape: expected (None, 28, 28, 1), but got (None, 32, 32, 1)",
            M5: "the model applied to a batch of 32 MNIST test images: expected an output of "
            "shape (32, 10), but got ValueError",
        },
    ),
    "no_pooling": (
        EX_MODEL,
        model(pooling="", units=16),
        {M2: "layers before the Flatten/Dense classifier: expected at least one Conv2D and one "
             "MaxPooling2D, but got no MaxPooling2D there"},
    ),
    "too_many_parameters": (
        EX_MODEL,
        model(units=2000),
        {M3: f"expected at most {c1w3.PARAMS_CAP:,} (10 times the reference's 347,690, so that "
             "training stays within the grading time limit), but got 5,430,170. Your model has "
             "5,430,170 parameters, the reference 347,690: the first difference is layer 4, "},
    ),
    "sgd": (EX_MODEL, model(optimizer="sgd"), {M4: "optimizer: expected Adam, but got SGD"}),
    "one_hot_loss": (
        EX_MODEL,
        model(loss="categorical_crossentropy"),
        {M4: "loss: expected sparse_categorical_crossentropy, but got categorical_crossentropy"},
    ),
    "no_accuracy_metric": (
        EX_MODEL,
        model(metrics="[]"),
        {M4: "metrics: expected ['accuracy'], but got []"},
    ),
    "sigmoid_output": (
        EX_MODEL,
        model(output="sigmoid"),
        {M5: "probabilities between 0 and 1 that add up to 1 (softmax on the last layer)"},
    ),
}

#: Other right answers, which keep every point of their exercise: name -> (cell id, source).
RIGHT = {
    "the_labs_32_filters": (EX_MODEL, model(filters=32)),
    "two_convolutions": (
        EX_MODEL,
        model(
            extra='\n        tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),'
            "\n        tf.keras.layers.MaxPooling2D(2, 2),"
        ),
    ),
    "capitalised_optimizer": (EX_MODEL, model(optimizer="Adam")),
    "model_at_the_cap": (EX_MODEL, model(units=1280)),
    "reshape_minus_one_float32": (
        EX_RESHAPE,
        RESHAPE.format(body="images = images.reshape(-1, 28, 28, 1).astype('float32') / 255"),
    ),
    "expand_dims": (
        EX_RESHAPE, RESHAPE.format(body="images = np.expand_dims(images, axis=-1) / 255.0")
    ),
    "newaxis_and_max": (
        EX_RESHAPE, RESHAPE.format(body="images = images[..., np.newaxis] / np.max(images)")
    ),
}

#: Wrong training code, run for real on TRAIN_IMAGES images: name -> (its source, failures).
WRONG_TRAINING = {
    "no_callback": (
        TRAIN.format(body="return model.fit(images, labels, epochs=10, verbose=0)"),
        {T3: "how training ended: expected stopped by the callback (model.stop_training set), "
         "but got ran all 10 epochs asked for"},
    ),
    "twenty_epochs": (
        TRAIN.format(
            body="return model.fit(images, labels, epochs=20, verbose=0,\n"
            "                     callbacks=[EarlyStoppingCallback()])"
        ),
        {T1: "epochs passed to fit: expected at most 10, but got 20"},
    ),
    "one_epoch": (
        TRAIN.format(
            body="return model.fit(images, labels, epochs=1, verbose=0,\n"
            "                     callbacks=[EarlyStoppingCallback()])"
        ),
        {
            T2: "accuracy on the last epoch: expected at least 0.995, but got",
            T3: "accuracy on the last epoch: expected at least 0.995, but got",
        },
    ),
    "returns_the_model": (
        TRAIN.format(
            body="model.fit(images, labels, epochs=10, verbose=0,\n"
            "              callbacks=[EarlyStoppingCallback()])\n    return model"
        ),
        {
            T1: "return value: expected the History returned by model.fit, but got "
            "keras.src.models.sequential.Sequential",
            T2: "expected the History returned by model.fit",
            T3: "expected the History returned by model.fit",
        },
    ),
}
#: How many MNIST training images the wrong training code gets: few enough to train in
#: seconds, enough for the reference model to pass 99.5% within 10 epochs on them.
TRAIN_IMAGES = 512


def graded_sources(path=ASSIGNMENT) -> dict[str, str]:
    """The graded cells' sources by cell id, in notebook order."""
    nb = nbformat.read(path, as_version=4)
    return {c.id: c.source for c in nb.cells if "graded" in c.metadata.get("tags", [])}


def run_cells(replacements: dict[str, str]) -> dict:
    """A fresh namespace holding what the graded cells define, some of them replaced."""
    namespace: dict = {"__name__": "__main__"}
    for cell_id, source in graded_sources().items():
        exec(compile(replacements.get(cell_id, source), cell_id, "exec"), namespace)
    return namespace


def failures(exercise_name: str, namespace: dict, observation: dict | None = None) -> dict:
    """{test name: feedback} of the exercise's failing tests."""
    exercise = c1w3.ASSIGNMENT.exercise(exercise_name)
    if observation is None:
        observation = observe_exercise(exercise, namespace, SEED)
    return {r.name: r.feedback for r in judge_exercise(exercise, observation) if not r.passed}


# --------------------------------------------------------------------- graded end to end


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Grade the reference (one full training), the template and a wrong solution, in one run."""
    wrong = write_variant(
        ASSIGNMENT,
        tmp_path_factory.mktemp("w3") / "wrong.ipynb",
        sources={
            EX_RESHAPE: WRONG["no_channel_axis"][1],
            EX_MODEL: "# grade-up-to-here\n" + model(optimizer="sgd"),
        },
    )
    reference, template, mistakes = grade(
        ASSIGNMENT, NOTEBOOKS / "W3" / "C1W3_Assignment.ipynb", wrong
    )
    return {"reference": reference, "template": template, "wrong": mistakes}


def test_reference_scores_100(results):
    result = results["reference"]
    assert (result["assignment"], result["status"], result["score"]) == ("C1W3", "graded", 100)
    names = [R1, R2, C1, C2, C3, C4, M1, M2, M3, M4, M5, T1, T2, T3]
    assert [t["name"] for t in result["tests"]] == names
    assert all(t["passed"] for t in result["tests"]), result["tests"]
    assert sum(t["max_points"] for t in result["tests"]) == 100
    # Well within the limit: every seed tried needs 5 epochs or fewer (see the module's notes).
    trained = {t["name"]: t["feedback"] for t in result["tests"]}[T1]
    assert trained.startswith("trained for ")
    assert int(trained.split()[2]) <= max(c1w3.EPOCHS_NEEDED.values()) + 1


def test_template_scores_zero_with_not_implemented_everywhere(results):
    result = results["template"]
    assert (result["status"], result["score"]) == ("graded", 0)
    for test in result["tests"]:
        assert test["feedback"].startswith("Not implemented yet:"), test


def test_the_grader_reports_each_mistake(results):
    result = results["wrong"]
    lost = {t["name"]: t["feedback"] for t in result["tests"] if not t["passed"]}
    assert set(lost) == {R1, M4, T1, T2, T3}
    assert "expected (N, 28, 28, 1), but got (60000, 28, 28)" in lost[R1]
    assert "optimizer: expected Adam, but got SGD" in lost[M4]
    assert all("`train_convolutional_model` is not defined" in lost[t] for t in (T1, T2, T3))
    assert result["score"] == 100 - 10 - 5 - 44


# --------------------------------------------------------- wrong solutions, judged here


def test_the_reference_passes_the_checks_run_here():
    namespace = run_cells({})
    for name in ("reshape_and_normalize", "EarlyStoppingCallback", "convolutional_model"):
        assert failures(name, namespace) == {}


@pytest.mark.parametrize("name", WRONG)
def test_wrong_solution_fails_exactly_its_checks(name):
    cell_id, source, expected = WRONG[name]
    namespace = run_cells({cell_id: source})
    exercise = {
        EX_RESHAPE: "reshape_and_normalize",
        EX_CALLBACK: "EarlyStoppingCallback",
        EX_MODEL: "convolutional_model",
    }[cell_id]
    failed = failures(exercise, namespace)
    assert set(failed) == set(expected), failed
    for test_name, fragment in expected.items():
        assert fragment in failed[test_name]


@pytest.mark.parametrize("name", RIGHT)
def test_other_right_solutions_pass(name):
    cell_id, source = RIGHT[name]
    exercise = {EX_RESHAPE: "reshape_and_normalize", EX_MODEL: "convolutional_model"}[cell_id]
    assert failures(exercise, run_cells({cell_id: source})) == {}


@pytest.fixture(scope="module")
def few_images():
    images, labels = c1w3.load_mnist("train")
    return c1w3.prepared(images[:TRAIN_IMAGES]), labels[:TRAIN_IMAGES]


def training_failures(source: str | None, few_images) -> dict:
    from graders.determinism import seed_everything

    namespace = run_cells({EX_TRAIN: source} if source else {})
    seed_everything(SEED)
    try:
        observation = {
            "status": "ok",
            "data": observe_fit(
                namespace["train_convolutional_model"], *few_images, "train_convolutional_model",
                Measure(lambda: few_images, lambda model, data: accuracy(model, *data)),
            ),
        }
    except Exception as error:  # pragma: no cover - reported by the assertion below
        observation = {"status": "error", "message": repr(error)}
    return failures("train_convolutional_model", namespace, observation)


def test_the_reference_training_code_passes_on_few_images(few_images):
    assert training_failures(None, few_images) == {}


@pytest.mark.parametrize("name", WRONG_TRAINING)
def test_wrong_training_fails_exactly_its_checks(name, few_images):
    source, expected = WRONG_TRAINING[name]
    failed = training_failures(source, few_images)
    assert set(failed) == set(expected), failed
    for test_name, fragment in expected.items():
        assert fragment in failed[test_name]


# --------------------------------------------------------------------------------- quiz


def test_quiz_reference_template_and_mistakes(variant):
    wrong = variant(
        QUIZ,
        "wrong.ipynb",
        sources={
            "answer-3": 'answer_3 = "b"',
            "answer-4": 'answer_4 = "c"',
            "answer-5": 'answer_5 = {"a", "b"}',
        },
    )
    reference, template, mistakes = grade(QUIZ, NOTEBOOKS / "W3" / "C1_W3_Quiz.ipynb", wrong)
    assert (reference["assignment"], reference["score"]) == ("C1W3_Quiz", 100)
    assert len(reference["tests"]) == len(c1w3_quiz.QUESTIONS) == 5
    assert template["score"] == 0
    assert all("is still None" in t["feedback"] for t in template["tests"])
    assert mistakes["score"] == 40
    lost = {t["name"]: t["feedback"] for t in mistakes["tests"] if not t["passed"]}
    assert "'b', which is not it" in lost["answer_3: question 3 (a 3x3 filter on a 28x28 image)"]
    assert "choose among a, b" in lost["answer_4: question 4 (2x2 max pooling of a 26x26 image)"]
    assert "pick one letter" in lost["answer_5: question 5 (convolutions and training speed)"]
