"""The training, callback, dataset, verification, fit-record and quiz messages in Spanish.

In the pseudo-language ``qps`` every message that went through the catalogue comes out
wrapped in ⟦ ⟧. The judges here are driven with hand-built observations (and the wrong
callbacks of tests/test_checks_training.py, probed without training), so that every message
of graders/checks/{training,callbacks,datasets,verification,fits,quiz}.py is produced; a
failing verdict's parts (what was checked, what was expected, what was found) are each
looked at, so an English part inside the translated frame would show too.
"""

from __future__ import annotations

import re
import zipfile
from types import SimpleNamespace

import keras
import numpy as np
import pytest
from conftest import assert_translated
from test_checks_training import (
    THRESHOLD,
    TOY,
    Confident,
    Loss,
    NoMethod,
    NotACallback,
    Raises,
    Right,
    Strict,
    Template,
)

from graders.checks import verification
from graders.checks.callbacks import (
    callback_checks,
    expect_callback_class,
    expect_stops_at,
    observe_callback_class,
    probe_callback,
    probe_values,
)
from graders.checks.core import InvalidValue, NotImplementedYet
from graders.checks.datasets import (
    course_data,
    describe_batch_sizes,
    describe_image_dataset,
    expect_batches,
    expect_images,
    expect_labels,
    expect_pairs,
    load_mnist,
)
from graders.checks.fits import Fit, history_differences
from graders.checks.quiz import NotAnsweredYet, Question, quiz_exercises, read_answer
from graders.checks.training import (
    describe_history,
    early_stopping_checks,
    expect_epochs_at_most,
    expect_measured,
    expect_reached,
    expect_stopped_by_callback,
    metric_name,
    observe_training_call,
)
from graders.checks.verification import Measure, Unverifiable, export_model, measure_export, rebuild
from graders.datasets.manifest import load_manifest
from graders.i18n import CLOSE, OPEN, lazy, translate

#: What a verdict may name that is not a message: the learner's class and type names, Keras'
#: own error texts, Python values (None in a shape).
DATA = ("Sequential", "Stop", "Dense", "KeyError", "NoneType", "None", "ValueError", "int")
FAIL = re.compile(
    re.escape(OPEN) + r"(?P<what>.*): expected (?P<want>.*), but got (?P<got>.*)\."
    + re.escape(CLOSE),
    re.DOTALL,
)


def assert_feedback_translated(*feedbacks: str, data: tuple[str, ...] = ()) -> None:
    """assert_translated, but a failing verdict's three parts are each looked at (inside the
    frame every part would pass), and so is each sentence after it."""
    for feedback in feedbacks:
        head, *rest = feedback.split(f"{CLOSE} {OPEN}", 1)
        found = FAIL.fullmatch(head + (CLOSE if rest else ""))
        if found is None:
            assert_translated(feedback, data=DATA + data)
            continue
        assert_translated(*found.groups(), data=DATA + data)
        assert_translated(*(OPEN + more for more in rest), data=DATA + data)


@pytest.fixture
def qps(monkeypatch):
    monkeypatch.setenv("GRADERS_LANG", "qps")


@pytest.fixture
def spanish(monkeypatch):
    monkeypatch.setenv("GRADERS_LANG", "es")


def marked(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


# ------------------------------------------------------------------ training.py: the History


def described(metrics=None, *, run=2, asked=10, stopped=True, measured=0.99, forged=None):
    """An observation of a learner's training function, as observe_training_call makes it."""
    metrics = {"accuracy": [0.9, 0.99], "loss": [0.3, 0.1]} if metrics is None else metrics
    figures = {"examples": 60_000} if measured is None else {"accuracy": measured,
                                                              "examples": 60_000}
    return {
        "is_history": True, "epochs_run": run, "epochs_asked": asked, "metrics": metrics,
        "stopped_early": stopped, "forged": forged, "measured": {"figures": figures},
        "observed": {"epochs_run": run, "epochs_asked": asked, "metrics": metrics,
                     "stopped_early": stopped, "finished": True},
    }


def test_every_history_judgement_is_translated(qps):
    not_a_history = describe_history(keras.Sequential())
    without_epochs = {**described(), "epochs_run": 0}
    unmeasured = {key: value for key, value in described().items() if key != "measured"}
    unverifiable = {**described(), "measured": {"error": "its config is missing"}}
    unrecorded = {**described(), "observed": None}
    forged = described(forged="'accuracy' on epoch 1 is 0.9999 in it, 0.9000 in the fit")
    verdicts = [
        expect_epochs_at_most(not_a_history, 10),
        expect_epochs_at_most(without_epochs, 10),
        expect_measured(unmeasured),
        expect_measured(unverifiable),
        expect_reached(unrecorded, "accuracy", 0.98),
        expect_reached(forged, "accuracy", 0.98),
        expect_reached(described(measured=0.5), "accuracy", 0.98, 0.1),  # the claim is false
        expect_epochs_at_most(described(asked=20), 10),
        expect_epochs_at_most(described(run=12, asked=None), 10),
        expect_reached(described({"loss": [0.1]}), "accuracy", 0.98),
        expect_reached(described({}), "accuracy", 0.98),
        expect_reached(described(measured=None), "accuracy", 0.98),
        expect_reached(described({"accuracy": [0.9, 0.95]}, measured=0.95), "accuracy", 0.98),
        # A NaN claim passes the History's check; the measurement is then judged alone.
        expect_reached(described({"accuracy": [0.9, float("nan")]}, measured=0.5), "accuracy",
                       0.98),
        expect_stopped_by_callback(described(stopped=False), "accuracy", 0.98, 0.02),
    ]
    assert not any(verdict.passed for verdict in verdicts)
    passing = [
        expect_epochs_at_most(described(), 10, tolerance=0.02),
        expect_epochs_at_most(described(run=1), 10, tolerance=0.02),
        expect_reached(described(), "accuracy", 0.98, 0.02),
    ]
    assert all(verdict.passed for verdict in passing)
    assert_feedback_translated(*(v.feedback for v in verdicts + passing),
                               data=("['loss']", "keras.src.models.sequential.Sequential"))
    # The metric is named in the learner's words where a sentence speaks of it.
    assert marked(f"{marked('accuracy')} on the last epoch") in verdicts[-3].feedback


def test_a_function_that_returns_none_is_not_implemented_yet(qps):
    with pytest.raises(NotImplementedYet) as raised:
        observe_training_call(lambda: None, "train_mnist", TOY)
    assert_translated(str(raised.value), data=("train_mnist",))


def test_the_early_stopping_check_names_are_translated(qps):
    checks = early_stopping_checks("accuracy", 0.98, 10, (1, 1, 1)) + early_stopping_checks(
        "loss", 0.4, 5, (1, 1, 1))
    assert_translated(*(check.name for check in checks))
    assert marked(f"reaches 98% {marked('accuracy')} on the last epoch") in {
        check.name for check in checks}
    assert marked(f"reaches 40% {marked('loss')} on the last epoch") in {
        check.name for check in checks}
    assert metric_name("val_auc") == "val_auc"  # a key Keras does not name stays as it is


# ---------------------------------------------------------------------------- fits.py


def test_every_difference_from_the_recorded_fit_is_translated(qps):
    record = Fit(model=None, epoch_logs=[{"accuracy": 0.9}, {"accuracy": 0.95}])

    def claimed(values, epochs=(0, 1)):
        return SimpleNamespace(history=values, epoch=list(epochs))

    differences = [
        history_differences(claimed(None), record),
        history_differences(claimed({"accuracy": [0.9]}, epochs=[0]), record),
        history_differences(claimed({"loss": [0.1, 0.1]}), record),
        history_differences(claimed({"accuracy": [0.9]}), record),
        history_differences(claimed({"accuracy": [0.9, 0.99]}), record),
    ]
    assert history_differences(claimed({"accuracy": [0.9, 0.95]}), record) is None
    assert all(differences)
    assert_translated(*differences)


# ---------------------------------------------------------------------- verification.py


def _unverifiable(export) -> str:
    with pytest.raises(Unverifiable) as raised:
        rebuild(export)
    return str(raised.value)


def _built(*layers):
    return keras.Sequential([keras.Input(shape=(1,)), *layers])


class Plain(keras.Sequential):
    """A class of the learner's own that defines no method."""


def test_every_reason_a_model_cannot_be_verified_is_translated(qps, monkeypatch):
    model = _built(keras.layers.Dense(2, "softmax"))
    export = export_model(model)
    lambda_model = _built(keras.layers.Lambda(lambda t: t * 2), keras.layers.Dense(2))
    dense = keras.saving.serialize_keras_object(keras.layers.Dense(1))
    reasons = [
        export_model("a model")["refused"],
        export_model(Confident([keras.Input(shape=(1,)), keras.layers.Dense(2)]))["refused"],
        export_model(Plain([keras.Input(shape=(1,)), keras.layers.Dense(2)]))["refused"],
        export_model(keras.Sequential([keras.layers.Dense(2)]))["refused"],
        _unverifiable(None),
        _unverifiable({"arrays": []}),
        _unverifiable({**export, "arrays": None}),
        _unverifiable({**export, "arrays": [{"dtype": "|O", "shape": [1], "chunks": []}]}),
        _unverifiable({**export, "arrays": [{"dtype": "<f4", "shape": [10**9], "chunks": []}]}),
        _unverifiable({**export, "arrays": [{"dtype": "<f4", "shape": [1], "chunks": ["!"]}]}),
        _unverifiable(export_model(lambda_model)),
        _unverifiable({"config": dense, "arrays": []}),
        _unverifiable({**export, "arrays": export_model(_built(keras.layers.Dense(3)))["arrays"]}),
        measure_export(Measure(list, lambda model, data: 1 / 0), export, None)["error"],
    ]
    limit = verification.MAX_PARAMS
    monkeypatch.setattr(verification, "MAX_PARAMS", 1)
    reasons.append(export_model(model)["refused"])
    monkeypatch.setattr(verification, "MAX_PARAMS", limit)

    def cannot(model):
        raise TypeError("no config")

    monkeypatch.setattr(keras.saving, "serialize_keras_object", cannot)
    reasons.append(export_model(model)["refused"])
    assert len(set(reasons)) == len(reasons)
    assert_translated(*reasons)
    assert all(verification.Unverifiable.__name__ not in reason for reason in reasons)
    verdict = expect_measured({"measured": {"error": reasons[0]}})
    assert_translated(verdict.feedback)


# -------------------------------------------------------------------------- callbacks.py


def _judge(callback, where="all"):
    probed = probe_callback(callback, "accuracy", probe_values(THRESHOLD))
    return expect_stops_at(probed, "accuracy", THRESHOLD, where)


def test_every_callback_judgement_is_translated(qps):
    """The wrong callbacks of test_checks_training, probed (no training), and the probe
    outcomes they cannot produce, built by hand."""
    verdicts = [_judge(kind) for kind in (Strict, Loss, Raises, NoMethod, NotACallback, Right())]
    own_error = {"is_class": True, "is_callback": True, "type": "Stop",
                 "overrides_on_epoch_end": True}
    verdicts += [
        expect_stops_at({**own_error, "probes": [
            {"value": 0.5, "stopped": False, "error": "KeyError: 'acuracy'", "read": ["acuracy"]}
        ]}, "accuracy", THRESHOLD),
        expect_stops_at({**own_error, "probes": [
            {"value": 0.5, "stopped": False, "error": "ZeroDivisionError: division by zero",
             "read": []}
        ]}, "accuracy", THRESHOLD),
        expect_stops_at({**own_error, "probes": [
            {"value": 0.5, "stopped": True, "error": None, "read": ["acc"]}
        ]}, "accuracy", THRESHOLD),
    ]
    assert not any(verdict.passed for verdict in verdicts)
    assert expect_callback_class(probe_callback(Right, "accuracy", [0.5])).passed
    assert_feedback_translated(*(v.feedback for v in verdicts), data=(
        "on_epoch_end", "NotACallback", "test_checks_training.Right",
        "ZeroDivisionError: division by zero"))


def test_a_callback_not_written_yet_is_told_so(qps):
    for namespace in ({"Stop": None}, {"Stop": Template}):
        with pytest.raises(NotImplementedYet) as raised:
            observe_callback_class(namespace, "Stop", "accuracy", THRESHOLD)
        assert_translated(translate(raised.value.lead), str(raised.value), data=("Stop",))


def test_the_callback_check_names_are_translated(qps):
    names = [check.name for check in callback_checks("accuracy", THRESHOLD, (1, 1, 1, 1))]
    assert_translated(*names)
    assert marked(f"stops training at exactly 98% {marked('accuracy')}") in names


# --------------------------------------------------------------------------- datasets.py


def dataset(**summary):
    """A summary of a dataset of (images, labels) batches, as describe_image_dataset makes."""
    base = {
        "is_dataset": True, "type": "_BatchDataset", "pairs": True,
        "element_spec": [{"kind": "TensorSpec", "shape": [None, 150, 150, 3]},
                         {"kind": "TensorSpec", "shape": [None]}],
        "batch_sizes": [32, 32, 16], "min": 0.0, "max": 1.0, "label_shapes": [[]],
        "label_counts": {"0": 40, "1": 40}, "label_means": {"0": 0.6, "1": 0.3},
    }
    return {**base, **summary}


CLASSES, MEANS = {"happy": 40, "sad": 40}, {"happy": 0.6, "sad": 0.3}


def test_every_dataset_judgement_is_translated(qps):
    import tensorflow as tf

    images = tf.data.Dataset.from_tensor_slices(np.zeros((3, 2, 2, 3), "float32")).batch(2)
    verdicts = [
        expect_pairs({"is_dataset": False, "type": "list"}),
        expect_pairs(describe_image_dataset(images)),
        expect_pairs(dataset(batch_sizes=[])),
        expect_batches(dataset(batch_sizes=[20, 20, 20, 20]), 32),
        expect_images(dataset(element_spec=[{"shape": [None, 28, 28]}, {"shape": [None]}]),
                      [150, 150, 3]),
        expect_images(dataset(max=None), [150, 150, 3]),
        expect_images(dataset(max=255.0), [150, 150, 3]),
        expect_images(dataset(max=1 / 255), [150, 150, 3]),
        expect_labels(dataset(label_shapes=[[2]]), CLASSES, MEANS, 0.05),
        expect_labels(dataset(label_counts={"0": 80}), CLASSES, MEANS, 0.05),
        expect_labels(dataset(label_counts={}), CLASSES, MEANS, 0.05),
        expect_labels(dataset(label_means={"0": 0.3, "1": 0.6}), CLASSES, MEANS, 0.05),
    ]
    assert not any(verdict.passed for verdict in verdicts)
    assert expect_labels(dataset(), CLASSES, MEANS, 0.05).passed
    assert_feedback_translated(*(v.feedback for v in verdicts), data=(
        "list", "_BatchDataset", "happy", "sad", "None"))
    sizes = [describe_batch_sizes(s) for s in ([32, 32, 16], [1, 1, 2], [4, 1, 3], [5])]
    assert_translated(*sizes)


def test_missing_or_foreign_course_data_is_explained(qps, monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    messages = []
    with pytest.raises(FileNotFoundError) as raised:
        load_mnist()
    messages.append(str(raised.value))
    with pytest.raises(FileNotFoundError) as raised, course_data("happy-or-sad"):
        pass
    messages.append(str(raised.value))
    archive = load_manifest().select(["happy-or-sad"])[0].files[0].destination()
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as other:
        other.writestr("happy/1.png", b"not the course's data")
    with pytest.raises(ValueError, match="--force") as raised, course_data("happy-or-sad"):
        pass
    messages.append(str(raised.value))
    assert_translated(*messages)


# ------------------------------------------------------------------------------ quiz.py

SINGLE = Question("topic", 4, frozenset("b"))
MULTIPLE = Question(lazy("Week 1 quiz: a new programming paradigm"), 4, frozenset("acd"))


def _invalid(value, question=SINGLE) -> str:
    with pytest.raises(InvalidValue) as raised:
        read_answer(value, "answer_1", question)
    return str(raised.value)


def test_every_quiz_message_is_translated(qps):
    with pytest.raises(NotAnsweredYet) as raised:
        read_answer(None, "answer_2", MULTIPLE)
    messages = [
        translate(raised.value.lead), str(raised.value),
        _invalid([1]), _invalid(2), _invalid("z"), _invalid({"a", "b"}), _invalid([1], MULTIPLE),
    ]
    single, multiple = quiz_exercises([SINGLE, MULTIPLE])
    (check_1,), (check_2,) = single.checks, multiple.checks
    verdicts = [check_1.judge({"letters": ["b"]}), check_1.judge({"letters": ["c"]}),
                check_2.judge({"letters": ["a", "b"]})]
    assert [verdict.passed for verdict in verdicts] == [True, False, False]
    assert_translated(*messages, data=("answer_1", "answer_2", "int"))
    assert_feedback_translated(*(v.feedback for v in verdicts), data=("['a', 'b']", "'c'"))
    # A question's topic, a str or a Text, is shown in the current language.
    assert check_1.name == marked("question 1 (topic)")
    assert check_2.name == marked(f"question 2 ({marked(MULTIPLE.topic.message)})")


# ------------------------------------------------------------------------ real Spanish


def test_key_training_messages_in_spanish(spanish):
    names = [check.name for check in early_stopping_checks("accuracy", 0.98, 10, (1, 1, 1))]
    assert names == [
        "devuelve el History de 10 épocas como máximo",
        "alcanza 98% de precisión en la última época",
        "detenido por el callback",
    ]
    assert expect_reached(described({"accuracy": [0.9, 0.95]}, measured=0.95), "accuracy",
                          0.98).feedback.startswith(
        "precisión en la última época: se esperaba al menos 0.98, pero se obtuvo 0.9500 ")
    assert expect_epochs_at_most(described(run=1), 10, tolerance=0.02).feedback == (
        "entrenó durante 1 época")
    reason = _unverifiable({"arrays": []})
    assert expect_measured({"measured": {"error": reason}}).feedback == (
        "No se puede verificar el modelo entrenado: falta su configuración.")
    forged = described(forged="'accuracy' on epoch 1 is 0.9999 in it, 0.9000 in the fit")
    assert expect_reached(forged, "accuracy", 0.98).feedback.startswith(
        "el History: se esperaba el que devolvió model.fit")


def test_key_callback_and_quiz_messages_in_spanish(spanish):
    names = [check.name for check in callback_checks("accuracy", THRESHOLD, (1, 1, 1, 1))]
    assert names[1:] == [
        "sigue entrenando con precisión por debajo de 98%",
        "detiene el entrenamiento con precisión exactamente en 98%",
        "detiene el entrenamiento con precisión por encima de 98%",
    ]
    assert _judge(Strict, "at").feedback == (
        "precisión = 0.98 (umbral 0.98): se esperaba stop_training con valor True, pero se "
        "obtuvo el entrenamiento en marcha. Con exactamente 0.98, tu callback sigue entrenando: "
        "usa >= (mayor o igual que), no >."
    )
    assert _judge(Raises).feedback.startswith(
        "tu callback lee logs['acc'], el nombre que usaban las versiones anteriores de Keras: "
        "Keras 3 lo registra como 'accuracy'"
    )
    with pytest.raises(NotAnsweredYet) as raised:
        read_answer(None, "answer_1", SINGLE)
    assert f"{translate(raised.value.lead)}: {raised.value}" == (
        'Aún sin responder: `answer_1` sigue siendo None: asígnale una letra, p. ej. "b".')
    (quiz,) = quiz_exercises([Question("ReLU", 4, frozenset("b"))])
    assert quiz.checks[0].name == "pregunta 1 (ReLU)"
