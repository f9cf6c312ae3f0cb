"""Grading Week 4 (happy or sad, and the quiz).

The reference, the student template and the quiz are graded end to end through the CLI.
Wrong solutions are kept as data (cell id -> replacement source) with the exact tests they
fail and a fragment of each feedback. They are judged in this process with the grader's own
observe/judge functions: the dataset, model and callback variants need no training, and the
four training variants train the reference model (seconds each) with the grader's seed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

import nbformat
import numpy as np
import pytest
from conftest import NOTEBOOKS, SOLUTIONS, grade, write_variant

from graders.assignments import c1w4
from graders.checks.run import judge_exercise, observe_exercise, remember_source
from graders.datasets import fetch, load_manifest
from graders.determinism import SEED
from graders.notebook.cells import graded_cells

ASSIGNMENT = SOLUTIONS / "W4" / "C1W4_Assignment.ipynb"
QUIZ = SOLUTIONS / "W4" / "C1_W4_Quiz.ipynb"

D1 = "training_dataset: a tf.data.Dataset of (images, labels) in batches of 10"
D2 = "training_dataset: 150x150 RGB images with pixels rescaled to [0, 1]"
D3 = "training_dataset: the 80 images, labelled 0 (happy) and 1 (sad)"
M1 = "create_and_compile_model: input shape (None, 150, 150, 3)"
MC = "create_and_compile_model: Conv2D and MaxPooling2D layers before the classifier"
M2 = "create_and_compile_model: output layer and loss suit 0/1 labels"
M3 = "create_and_compile_model: compiled with the accuracy metric"
MP = f"create_and_compile_model: at most {c1w4.PARAMS_CAP:,} parameters"
M4 = "create_and_compile_model: gives probabilities for a batch of happy-or-sad images"
C1 = "EarlyStoppingCallback: a tf.keras.callbacks.Callback with on_epoch_end"
C2 = "EarlyStoppingCallback: keeps training below 99.9% accuracy"
C3 = "EarlyStoppingCallback: stops training at exactly 99.9% accuracy"
C4 = "EarlyStoppingCallback: stops training above 99.9% accuracy"
T1 = "train_happy_sad_model: returns the History of at most 15 epochs"
T2 = "train_happy_sad_model: reaches 99.9% accuracy on the last epoch"
T3 = "train_happy_sad_model: stopped by the callback"
ALL = [D1, D2, D3, M1, MC, M2, M3, MP, M4, C1, C2, C3, C4, T1, T2, T3]

DATASET = '''def training_dataset():
    dataset = tf.keras.utils.image_dataset_from_directory(
        directory={directory}, image_size={size}, batch_size={batch}, label_mode={mode!r}
    )
    rescale_layer = tf.keras.layers.Rescaling(scale={scale})
    dataset = dataset.map(lambda images, labels: (rescale_layer(images), labels))
    return dataset.cache().prefetch(tf.data.AUTOTUNE)
'''
GOOD_DATASET = {
    "directory": "DATA_DIR", "size": (150, 150), "batch": 10, "mode": "binary", "scale": "1/255"
}
MODEL = '''def create_and_compile_model():
    model = tf.keras.Sequential([
        tf.keras.Input(shape={shape}),
        tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense({units}, activation={activation!r}),
    ])
    {compile}
    return model
'''
GOOD_MODEL = {
    "shape": (150, 150, 3),
    "units": 1,
    "activation": "sigmoid",
    "compile": 'model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])',
}
CALLBACK = '''class EarlyStoppingCallback({base}):
    def on_epoch_end(self, epoch, logs=None):
        if {condition}:
            self.model.stop_training = True
'''
TRAIN = '''def train_happy_sad_model():
    dataset = training_dataset()
    model = create_and_compile_model()
    history = model.fit(dataset, epochs={epochs}, callbacks={callbacks}, verbose=0)
    return {returned}
'''
GOOD_TRAIN = {"epochs": 15, "callbacks": "[EarlyStoppingCallback()]", "returned": "history"}


def dataset_cell(**change: Any) -> dict[str, str]:
    return {"ex1-training-dataset": DATASET.format(**{**GOOD_DATASET, **change})}


def model_cell(**change: Any) -> dict[str, str]:
    return {"ex2-create-and-compile-model": MODEL.format(**{**GOOD_MODEL, **change})}


def callback_cell(base: str = "tf.keras.callbacks.Callback", condition: str = "") -> dict:
    return {"ex3-callback": CALLBACK.format(base=base, condition=condition)}


def train_cell(**change: Any) -> dict[str, str]:
    return {"ex4-train": TRAIN.format(**{**GOOD_TRAIN, **change})}


#: name -> (cells to replace, exercises judged, {test: feedback fragment} for each test that fails)
WRONG: dict[str, tuple[dict[str, str], tuple[str, ...], dict[str, str]]] = {
    "not_rescaled": (
        dataset_cell(scale=1.0),
        ("training_dataset",),
        {D2: "pixel values: expected between 0 and 1 (rescale the pixels"},
    ),
    "rescaled_twice": (
        dataset_cell(scale="1/255/255"),
        ("training_dataset",),
        {D2: "brightest pixel: expected close to 1 (rescale only once)"},
    ),
    "batches_of_32": (
        dataset_cell(batch=32),
        ("training_dataset",),
        {D1: "images per batch: expected batches of 10 images (the last one may hold fewer), "
             "but got 2 batches of 32 images and a last one of 16 (batch_size sets it)"},
    ),
    "images_300x300": (
        dataset_cell(size=(300, 300)),
        ("training_dataset",),
        {D2: "image batch shape: expected (None, 150, 150, 3), but got (None, 300, 300, 3)"},
    ),
    "one_hot_labels": (
        dataset_cell(mode="categorical"),
        ("training_dataset",),
        {D3: "labels: expected one number per image (0 or 1), but got label shapes [[2]]"},
    ),
    "labels_from_file_names": (
        # Every image in one folder of its own: 80 classes instead of 2.
        {"ex1-training-dataset": DATASET.format(**GOOD_DATASET).replace(
            "label_mode='binary'", "labels=list(range(80)), label_mode='int'"
        )},
        ("training_dataset",),
        {
            D1: "works on the course's 80 images, fails on another folder of 40",
            D2: "works on the course's 80 images, fails on another folder of 40",
            D3: "labels: expected 40 labelled 0, 40 labelled 1, but got 1 labelled 0",
        },
    ),
    "points_at_a_subfolder": (
        dataset_cell(directory='DATA_DIR + "/happy"'),
        ("training_dataset",),
        {
            test: "Your code reads DATA_DIR + '/happy', a folder inside DATA_DIR: read DATA_DIR "
            "itself, the folder that holds one sub-folder per class."
            for test in (D1, D2, D3)
        },
    ),
    "hard_coded_path": (
        dataset_cell(directory="'./data/'"),
        ("training_dataset",),
        {
            test: "(in cell ex1-training-dataset, line 2). Your code names the folder "
            "'./data/'; the grader runs it on its own copy of the data, elsewhere: read the "
            "data from DATA_DIR instead of writing a folder's path."
            for test in (D1, D2, D3)
        },
    ),
    "remembers_the_first_folder": (
        # Reads the folder DATA_DIR named on the first call, whatever it names later.
        {"ex1-training-dataset": "FOLDERS = []\n" + DATASET.format(
            **{**GOOD_DATASET, "directory": "(FOLDERS or [DATA_DIR])[0]"}
        ).replace("    rescale_layer", "    FOLDERS.append(DATA_DIR)\n    rescale_layer")},
        ("training_dataset",),
        {D3: "works on the course's 80 images, fails on another folder of 40 (15 happy, 25 sad) "
             "given as DATA_DIR: read the images from DATA_DIR, not from a path or a number of "
             "images written into your code. labels: expected 15 labelled 0, 25 labelled 1, "
             "but got 40 labelled 0, 40 labelled 1."},
    ),
    "returns_a_list": (
        {"ex1-training-dataset": DATASET.format(**GOOD_DATASET).replace(
            "return dataset.cache().prefetch(tf.data.AUTOTUNE)", "return list(dataset)"
        )},
        ("training_dataset",),
        {test: "type: expected a tf.data.Dataset, but got list" for test in (D1, D2, D3)},
    ),
    "sigmoid_with_sparse_loss": (
        model_cell(compile='model.compile(optimizer="adam", '
                   'loss="sparse_categorical_crossentropy", metrics=["accuracy"])'),
        ("create_and_compile_model",),
        {M2: "but got 1 output unit(s), sigmoid activation, loss sparse_categorical_crossentropy"},
    ),
    "two_units_softmax_binary_loss": (
        model_cell(units=2, activation="softmax"),
        ("create_and_compile_model",),
        {M2: "but got 2 output unit(s), softmax activation, loss binary_crossentropy"},
    ),
    "no_accuracy_metric": (
        model_cell(compile='model.compile(optimizer="adam", loss="binary_crossentropy")'),
        ("create_and_compile_model",),
        {M3: "metrics: expected ['accuracy'], but got []"},
    ),
    "never_compiled": (
        model_cell(compile="pass"),
        ("create_and_compile_model",),
        {M2: "expected a compiled model", M3: "expected a compiled model"},
    ),
    "grayscale_input": (
        model_cell(shape=(150, 150, 1)),
        ("create_and_compile_model",),
        {
            M1: "input shape: expected (None, 150, 150, 3), but got (None, 150, 150, 1)",
            M4: "the model on a batch of 10 happy-or-sad images: expected an output",
        },
    ),
    "two_units_softmax_sparse_loss_is_fine": (
        model_cell(units=2, activation="softmax", compile='model.compile(optimizer="adam", '
                   'loss="sparse_categorical_crossentropy", metrics=["accuracy"])'),
        ("create_and_compile_model",),
        {},
    ),
    "linear_output": (
        {"ex2-create-and-compile-model": MODEL.format(**GOOD_MODEL).replace(
            "return model", "model.add(tf.keras.layers.Rescaling(-1.0))\n    return model"
        )},
        ("create_and_compile_model",),
        {
            M2: "but got 1 output unit(s), None activation",
            M4: "output of the model on a batch of 10 happy-or-sad images: expected "
            "probabilities between 0 and 1",
        },
    ),
    "fails_on_images_with_an_empty_message": (
        # An exception whose message is empty (Keras re-raises it with its context, but its
        # own str() stays ""): only the check that runs the model on images fails.
        {"ex2-create-and-compile-model": MODEL.format(**GOOD_MODEL).replace(
            "    return model",
            "    class Silent(Exception):\n"
            "        def __str__(self):\n"
            "            return ''\n"
            "    def call(*args, **kwargs):\n"
            "        raise Silent()\n"
            "    model.call = call\n"
            "    return model",
        )},
        ("create_and_compile_model",),
        {M4: "the model on a batch of 10 happy-or-sad images: expected an output, but got "
             "Silent."},
    ),
    "no_convolutions": (
        {"ex2-create-and-compile-model": MODEL.format(**GOOD_MODEL).replace(
            '        tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),\n'
            "        tf.keras.layers.MaxPooling2D(2, 2),\n", ""
        )},
        ("create_and_compile_model",),
        {MC: "layers before the Flatten/Dense classifier: expected at least one Conv2D and one "
             "MaxPooling2D, but got no Conv2D and no MaxPooling2D there"},
    ),
    "too_many_parameters": (
        {"ex2-create-and-compile-model": MODEL.format(**GOOD_MODEL).replace(
            "tf.keras.layers.Flatten(),",
            'tf.keras.layers.Flatten(), tf.keras.layers.Dense(1100, activation="relu"),',
        )},
        ("create_and_compile_model",),
        {MP: f"number of parameters: expected at most {c1w4.PARAMS_CAP:,} (10 times the "
             "reference's 9,494,561, so that training stays within the grading time limit), "
             "but got 96,380,249"},
    ),
    "stops_at_99_percent": (
        callback_cell(condition='logs["accuracy"] >= 0.99'),
        ("EarlyStoppingCallback",),
        {C2: "accuracy = 0.9985 (threshold 0.999): expected training left running"},
    ),
    "strictly_above_threshold": (
        callback_cell(condition='logs["accuracy"] > 0.999'),
        ("EarlyStoppingCallback",),
        {C3: "accuracy = 0.999 (threshold 0.999): expected stop_training set to True, but got "
             "training left running. At exactly 0.999 your callback keeps training: use >="},
    ),
    "watches_val_accuracy": (
        callback_cell(condition='logs["val_accuracy"] >= 0.999'),
        ("EarlyStoppingCallback",),
        {
            test: "your callback reads logs['val_accuracy'], which the logs do not have "
            "(KeyError: 'val_accuracy'); read logs['accuracy']."
            for test in (C2, C3, C4)
        },
    ),
    "not_a_keras_callback": (
        callback_cell(base="object", condition='logs["accuracy"] >= 0.999'),
        ("EarlyStoppingCallback",),
        {
            test: "base class: expected a subclass of tf.keras.callbacks.Callback"
            for test in (C1, C2, C3, C4)
        },
    ),
    # The training variants train the reference model with the grader's seed, which stops
    # after c1w4.EPOCHS_PER_SEED[SEED] epochs.
    "asks_for_20_epochs": (
        train_cell(epochs=20),
        ("train_happy_sad_model",),
        {T1: "epochs passed to fit: expected at most 15, but got 20"},
    ),
    "two_epochs": (
        train_cell(epochs=2),
        ("train_happy_sad_model",),
        {
            T2: "accuracy on the last epoch: expected at least 0.999",
            T3: "accuracy on the last epoch: expected at least 0.999",
        },
    ),
    "no_callback": (
        train_cell(epochs=c1w4.EPOCHS_PER_SEED[SEED], callbacks="[]"),
        ("train_happy_sad_model",),
        {T3: "no callback stopped it"},
    ),
    "returns_the_model": (
        train_cell(epochs=2, returned="model"),
        ("train_happy_sad_model",),
        {test: "expected the History returned by model.fit" for test in (T1, T2, T3)},
    ),
}


@pytest.fixture(scope="module", autouse=True)
def happy_or_sad() -> None:
    """The assignment's images in the Keras cache, from $C1_DATA_MIRROR or the public URL."""
    fetch([c1w4.DATASET], progress=False)


def reference_cells() -> dict[str, str]:
    """The graded cells of the reference solution, by id, in order."""
    nb = nbformat.read(ASSIGNMENT, as_version=4)
    return {cell.id: cell.source for cell in graded_cells(nb)}


def judge_in_process(cells: Mapping[str, str], exercises: tuple[str, ...]) -> dict[str, Any]:
    """Run the graded cells in a fresh namespace and judge the named exercises like the grader."""
    namespace: dict[str, Any] = {}
    for cell_id, source in cells.items():
        remember_source(f"<cell {cell_id}>", source)  # as the grader's worker does
        exec(compile(source, f"<cell {cell_id}>", "exec"), namespace)  # noqa: S102 (test data)
    results = {}
    for name in exercises:
        exercise = c1w4.ASSIGNMENT.exercise(name)
        observation = observe_exercise(exercise, namespace, SEED)
        for result in judge_exercise(exercise, observation):
            results[result.name] = result
    return results


@pytest.mark.parametrize("name", WRONG)
def test_wrong_solution_loses_exactly_its_points(name: str) -> None:
    replacements, exercises, expected = WRONG[name]
    results = judge_in_process({**reference_cells(), **replacements}, exercises)
    failed = {test: result for test, result in results.items() if not result.passed}
    assert set(failed) == set(expected), {t: r.feedback for t, r in failed.items()}
    for test, fragment in expected.items():
        assert fragment in failed[test].feedback, failed[test].feedback
    judged = {check for check in ALL if check.split(":")[0] in exercises}
    assert set(results) == judged


def test_every_check_fails_on_some_wrong_solution() -> None:
    failing = {test for _, _, expected in WRONG.values() for test in expected}
    assert failing == set(ALL)


def test_observers_read_the_course_data_not_the_notebooks_data_dir() -> None:
    """A DATA_DIR pointing elsewhere is replaced while observing, then restored."""
    namespace: dict[str, Any] = {"DATA_DIR": "/nowhere"}
    for source in reference_cells().values():
        exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102 (test data)
    exercise = c1w4.ASSIGNMENT.exercise("training_dataset")
    observation = observe_exercise(exercise, namespace, SEED)
    assert observation["status"] == "ok", observation
    assert all(r.passed for r in judge_exercise(exercise, observation))
    assert namespace["DATA_DIR"] == "/nowhere"


def test_class_means_are_those_of_the_fetched_images() -> None:
    from PIL import Image

    (data_file,) = load_manifest().select([c1w4.DATASET])[0].files
    means: dict[str, list[float]] = {}
    with zipfile.ZipFile(data_file.destination()) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            image = Image.open(io.BytesIO(archive.read(info))).convert("RGB")
            pixels = np.asarray(image, dtype=np.float64) / 255.0
            means.setdefault(info.filename.split("/")[0], []).append(pixels.mean())
    assert {name: len(values) for name, values in means.items()} == c1w4.CLASSES
    for name, want in c1w4.CLASS_MEANS.items():
        assert abs(float(np.mean(means[name])) - want) < 1e-5
    gap = abs(c1w4.CLASS_MEANS["happy"] - c1w4.CLASS_MEANS["sad"])
    assert gap > 10 * c1w4.MEAN_TOLERANCE


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    """The reference, the template, the quiz reference, template and a wrong quiz, via the CLI."""
    folder = tmp_path_factory.mktemp("w4")
    wrong_quiz = write_variant(
        QUIZ,
        folder / "C1_W4_Quiz.ipynb",
        sources={
            "answer-2": 'answer_2 = "a"',
            "answer-6": 'answer_6 = {"a", "b"}',
        },
    )
    paths = [
        ASSIGNMENT,
        NOTEBOOKS / "W4" / "C1W4_Assignment.ipynb",
        QUIZ,
        NOTEBOOKS / "W4" / "C1_W4_Quiz.ipynb",
        wrong_quiz,
    ]
    names = ["reference", "template", "quiz", "quiz_template", "quiz_wrong"]
    return dict(zip(names, grade(*paths), strict=True))


def test_reference_scores_100(graded: dict[str, dict]) -> None:
    result = graded["reference"]
    assert (result["assignment"], result["status"]) == ("C1W4", "graded"), result["message"]
    assert [t["name"] for t in result["tests"]] == ALL
    assert result["score"] == result["max_score"] == 100, [
        (t["name"], t["feedback"]) for t in result["tests"] if not t["passed"]
    ]
    epochs = next(t for t in result["tests"] if t["name"] == T1)["feedback"]
    assert epochs == f"trained for {c1w4.EPOCHS_PER_SEED[SEED]} epochs"


def test_template_scores_zero_with_not_implemented_everywhere(graded: dict[str, dict]) -> None:
    result = graded["template"]
    assert (result["status"], result["score"]) == ("graded", 0)
    for test in result["tests"]:
        assert test["feedback"].startswith("Not implemented yet:"), test


def test_quiz(graded: dict[str, dict]) -> None:
    assert (graded["quiz"]["assignment"], graded["quiz"]["score"]) == ("C1W4_Quiz", 100)
    assert graded["quiz_template"]["score"] == 0
    wrong = graded["quiz_wrong"]
    lost = {t["name"]: t["feedback"] for t in wrong["tests"] if not t["passed"]}
    assert wrong["score"] == 100 - 15 - 14
    assert "'a', which is not it" in lost["answer_2: question 2 (normalizing the pixels)"]
    assert "all 3 correct options and no other" in lost[
        "answer_6: question 6 (why convolutions suit horses and humans)"
    ]
    assert "2 correct, 0 incorrect" in lost[
        "answer_6: question 6 (why convolutions suit horses and humans)"
    ]
