"""The feedback of checks/run, core, values and models in Spanish: nothing bypasses the catalogue.

In the pseudo-language (GRADERS_LANG=qps) every message comes out inside ⟦ ⟧. The cases
below drive describe_error through the learner mistakes of tests/test_feedback.py, and the
judges through tiny Keras models (built, never trained) or observations built by hand, so
that every message of those four files is produced at least once (the last test of the
"qps" part checks that none is left out).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from conftest import assert_translated
from test_feedback import error_of, learner_namespace

from graders import catalogue, i18n
from graders.checks import run
from graders.checks.core import (
    Assignment,
    Check,
    Exercise,
    NotImplementedYet,
    call_learner,
    fail,
)
from graders.checks.models import (
    cap_reason,
    classifier_checks,
    compare_with_reference,
    describe_model,
    expect_compiled,
    expect_convolutions,
    expect_hidden_dense,
    expect_layers,
    expect_model,
    expect_params,
    expect_params_at_most,
    expect_shapes,
)
from graders.checks.values import describe_array, expect_float_array, expect_range
from graders.i18n import lazy
from graders.selfcheck import split_feedback

#: The files whose messages this module drives (paths as the catalogue's locations name them).
FILES = ("checks/run.py", "checks/core.py", "checks/values.py", "checks/models.py")
#: The reference of the parameter-cap cases: Flatten of 8x8x1 images, Dense(4), Dense(2).
REFERENCE = [("Flatten", 0), ("Dense", 64 * 4 + 4), ("Dense", 4 * 2 + 2)]
#: What the learner's code below says of itself (its exception texts are data, not messages).
NOT_YET = "absent() still returns None"
#: Builds a model and compiles it, in a learner's function.
FIT = (
    "    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"
    "    model.compile(optimizer='sgd', loss='mse')\n"
)
#: A learner's train() that gives model.fit None for a positional argument and a keyword.
NONE_FOR_TWO = (
    "def train(images, labels):\n" + FIT + "    epochs = None\n"
    "    return model.fit(images, labels, epochs=epochs, verbose=0)\n"
)
#: What a failing judge found or wanted that is code or the learner's, not a message.
FOUND = (
    "images", "pixel", "None", "Dense", "Flatten", "Conv2D", "MaxPooling2D", "SGD", "Adam", "list",
    "int64", "mse", "mean_squared_error", "acc", "accuracy", "ValueError: Input 0 is incompatible",
)


class Recorder(i18n._Pseudo):
    """The pseudo-language, remembering which messages went through it."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def gettext(self, message: str) -> str:
        self.seen.add(message)
        return super().gettext(message)


@pytest.fixture
def qps(monkeypatch) -> Recorder:
    monkeypatch.setenv("GRADERS_LANG", "qps")
    recorder = Recorder()
    monkeypatch.setattr(i18n, "translations", lambda language: recorder)
    return recorder


@pytest.fixture
def spanish(monkeypatch) -> None:
    monkeypatch.setenv("GRADERS_LANG", "es")


def classifier(*layers, with_input: bool = True) -> keras.Sequential:
    """A tiny image classifier for 8x8x1 images (built, never trained)."""
    return keras.Sequential([*([keras.Input(shape=(8, 8, 1))] if with_input else []), *layers])


def flat(*units: int, with_input: bool = True) -> keras.Sequential:
    """classifier with a Flatten layer, then a Dense layer of each number of units."""
    return classifier(
        keras.layers.Flatten(), *(keras.layers.Dense(n) for n in units), with_input=with_input
    )


def ipython_namespace(source: str, **names) -> dict:
    """Run source as IPython compiles a cell (a filename that is not <cell ...>)."""
    filename = "<ipython-input-3-0123456789ab>"
    run.remember_source(filename, source)
    namespace = {"keras": keras, "np": np, **names}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 (test data)
    return namespace


# ----------------------------------------------------------------- what the cases produce


def error_texts(monkeypatch) -> list[str]:
    """describe_error on each learner mistake it has words for."""
    monkeypatch.setattr(run, "DEFINED_ELSEWHERE", {"training_images": "load-data"})
    cases = [
        # None for a named argument and a keyword (two: joined with "and")
        (NONE_FOR_TWO, "train", (None, np.zeros(2)), {}),
        # a literal None
        ("def train(labels):\n" + FIT + "    return model.fit(None, labels, verbose=0)\n",
         "train", (np.zeros(2),), {}),
        # the learner's own line, with and without a message
        ("def f(x):\n    y = None\n    return y + x\n", "f", (1,), {}),
        ("def f():\n    raise ValueError()\n", "f", (), {}),
        # a name from a cell the grader does not run
        ("def train():\n    return training_images.shape\n", "train", (), {}),
        # an argument name of older Keras
        ("def opt():\n    return keras.optimizers.Adam(lr=0.01)\n", "opt", (), {}),
        # a folder written into the code, with DATA_DIR and without it
        ("def read():\n    return np.load('/no/such/mnist.npz')\n", "read", (),
         {"DATA_DIR": "/data"}),
        ("def read():\n    return np.load('/no/such/mnist.npz')\n", "read", (), {}),
        # a folder inside DATA_DIR
        ("def read():\n    return np.load(DATA_DIR + '/mnist.npz')\n", "read", (),
         {"DATA_DIR": "/no/such"}),
        # a missing path given through a name
        ("def read():\n    path = '/no/such/mnist.npz'\n    return np.load(path)\n", "read", (),
         {"DATA_DIR": "/data"}),
    ]
    texts = []
    for source, name, arguments, names in cases:
        texts.append(error_of(learner_namespace(source, **names)[name], *arguments))
    texts.append(error_of(ipython_namespace("def f(x):\n    return x + None\n")["f"], 1))
    return texts


def run_texts() -> list[str]:
    """observe_exercise and judge_exercise on each kind of observation, and core's texts."""

    def observe(namespace):
        if namespace["absent"] is None:
            raise NotImplementedYet(NOT_YET)
        return {"value": namespace["absent"]}

    def judge(observation):
        return fail(lazy("value"), 1, observation["value"]["missing"])  # a malformed one

    exercise = Exercise("absent", observe, (Check(lazy("a value"), 1, judge),))
    returns_none = Exercise("absent", lambda namespace: call_learner(namespace, "absent"), ())
    observations = [
        run.observe_exercise(exercise, {}),
        run.observe_exercise(exercise, {"absent": None}),
        run.observe_exercise(returns_none, {"absent": lambda: None}),
        run.observe_exercise(exercise, {"absent": {}}),
        run.not_graded("timeout"),
        {"status": run.OBSERVATION_FAILED},
    ]
    texts = [o.get("message", "") for o in observations]
    for observation in observations:
        texts += [f"{r.name} {r.feedback}" for r in run.judge_exercise(exercise, observation)]
    assignment = Assignment("C1W9", lazy("a title"), "C1W9.ipynb", (exercise,))
    with pytest.raises(KeyError) as raised:
        assignment.exercise("nope")
    return [*texts, raised.value.args[0], fail(lazy("value"), 1, 2).feedback]


def values_texts() -> list[str]:
    """Each failure of the array judges."""
    shape = [None, 28, 28, 1]
    verdicts = [
        expect_float_array(describe_array([[0.0]]), "images", shape),
        expect_float_array(describe_array(np.zeros((2, 28, 28, 1), dtype=int)), "images", shape),
        expect_float_array(describe_array(np.zeros((2, 28, 28))), "images", shape),
        expect_range(describe_array(np.zeros(0)), "pixel", 0.0, 1.0),
        expect_range(describe_array(np.array([0.0, 255.0])), "pixel", 0.0, 1.0),
        expect_range(describe_array(np.array([0.0, 0.5])), "pixel", 0.0, 1.0, hint="/ 255"),
    ]
    assert not any(verdict.passed for verdict in verdicts)
    return [verdict.feedback for verdict in verdicts]


def models_texts() -> list[str]:
    """Each failure of the model judges, the parameter comparisons and the classifier's
    check names, on tiny models and hand-built observations."""
    unbuilt = describe_model(flat(4, 2, with_input=False))
    same, wider = describe_model(flat(4, 2)), describe_model(flat(400, 2))
    longer, shorter = describe_model(flat(4, 2, 2)), describe_model(flat(4))
    wrong = flat(4, 2)
    wrong.compile(optimizer="sgd", loss="mse", metrics=["acc"])
    compiled = describe_model(wrong)
    no_layers = {"is_model": True, "layers": []}
    texts = [
        compare_with_reference(unbuilt, REFERENCE),
        compare_with_reference(same, REFERENCE),
        compare_with_reference(wider, REFERENCE),
        compare_with_reference(longer, REFERENCE),
        compare_with_reference(shorter, REFERENCE),
    ]
    verdicts = [
        expect_model(describe_model([1, 2])),
        expect_shapes(unbuilt, [None, 8, 8, 1], [None, 2]),
        expect_shapes(same, [None, 8, 8, 1], [None, 3]),
        expect_layers(same, ["Dense"]),
        expect_params(same, 2),
        expect_params(unbuilt, 2),
        expect_params_at_most(wider, 2700, REFERENCE, cap_reason(REFERENCE)),
        expect_convolutions(describe_model(classifier(keras.layers.Conv2D(2, 3),
                                                      keras.layers.Flatten()))),
        expect_convolutions(same),
        expect_convolutions(no_layers),
        expect_hidden_dense(no_layers),
        expect_hidden_dense(describe_model(flat(2))),
        expect_compiled(same, "Adam", {"mean_squared_error"}),
        expect_compiled(compiled, "Adam", {"mean_squared_error"}),
        expect_compiled(compiled, "SGD", {"mean_absolute_error", "huber"}),
        expect_compiled(compiled, "SGD", {"mean_squared_error"}, {"mse"}),
        expect_compiled(compiled, "SGD", {"mean_squared_error"}, {"accuracy"}),
    ]
    checks = classifier_checks(
        [8, 8, 1], (lazy("Conv2D layers first"), expect_convolutions), REFERENCE,
        classes=2, batch=4, data="MNIST", points=(1, 1, 1, 1, 1), loss="mean_squared_error",
    )
    runs = checks[-1].judge
    for on_batch in (
        {"error": "ValueError: Input 0 is incompatible"},
        {"shape": [4, 3], "min": 0.0, "max": 1.0, "largest_row_sum_error": 0.0},
        {"shape": [4, 2], "min": -1.0, "max": 3.0, "largest_row_sum_error": 2.0},
    ):
        verdicts.append(runs({**compiled, "on_batch": on_batch}))
    verdicts += [check.judge(compiled) for check in checks[:-1]]
    return [*texts, *(verdict.feedback for verdict in verdicts),
            *(check.name for check in checks)]


# --------------------------------------------------------------- qps: nothing bypasses


def test_describe_error_says_everything_through_the_catalogue(qps, monkeypatch):
    texts = error_texts(monkeypatch)
    assert_translated(*texts)
    assert all(text.startswith("\u27e6`") for text in texts), texts


def test_observing_and_judging_an_exercise_says_everything_through_the_catalogue(qps):
    texts = run_texts()
    assert f"\u27e6Not implemented yet\u27e7: {NOT_YET}" in texts
    assert_translated(*texts, data=("absent", NOT_YET))


def fail_parts(feedbacks: list[str]) -> list[str]:
    """The what, want and got of each failing verdict's feedback (see core.fail): the
    caller's words in them must have gone through the catalogue too."""
    parts = [split_feedback(feedback) for feedback in feedbacks]
    return [part for split in parts if split for part in split]


def test_the_array_judges_say_everything_through_the_catalogue(qps):
    feedbacks = values_texts()
    assert_translated(*feedbacks)
    assert len(fail_parts(feedbacks)) == 3 * len(feedbacks)
    assert_translated(*fail_parts(feedbacks), data=FOUND)


def test_the_model_judges_and_check_names_say_everything_through_the_catalogue(qps):
    texts = models_texts()
    assert_translated(*texts)
    assert len(fail_parts(texts)) >= 3 * 20
    assert_translated(*fail_parts(texts), data=FOUND)


def test_every_message_of_these_files_is_produced_by_the_cases_above(qps, monkeypatch):
    error_texts(monkeypatch)
    run_texts()
    values_texts()
    models_texts()
    mine = {
        message.id for message in catalogue.extract()
        if message.id and any(path in FILES for path, _line in message.locations)
    }
    assert len(mine) > 60 and not mine - qps.seen, sorted(mine - qps.seen)


# ----------------------------------------------------------------------- real Spanish


def test_a_call_that_received_none_is_explained_in_spanish(spanish):
    namespace = learner_namespace(NONE_FOR_TWO)
    assert error_of(namespace["train"], None, np.zeros(2)) == (
        "`train` falló (en la celda ex-learner, línea 5): `model.fit(...)` recibió None en el "
        "argumento 1 (`images`) y `epochs`. Reemplaza cada None por un valor."
    )


def test_a_name_from_another_cell_and_a_missing_exercise_in_spanish(spanish, monkeypatch):
    monkeypatch.setattr(run, "DEFINED_ELSEWHERE", {"training_images": "load-data"})
    namespace = learner_namespace("def train():\n    return training_images.shape\n")
    assert error_of(namespace["train"]) == (
        "`train` lanzó NameError: name 'training_images' is not defined (en la celda "
        "ex-learner, línea 2). `training_images` se define en la celda load-data, que el "
        "calificador no ejecuta: las celdas calificadas deben ser autónomas (defínelo o "
        "impórtalo dentro de tu función, o llama a la función que lo crea)."
    )
    exercise = Exercise("train", lambda namespace: {}, ())
    assert run.observe_exercise(exercise, {})["message"] == (
        "`train` no está definido: ¿se borró su celda, se le cambió el nombre o no se ejecutó?"
    )


def test_a_failing_parameter_cap_reads_in_spanish_and_still_splits(spanish):
    too_wide = describe_model(flat(400, 2))
    layer = too_wide["layers"][1]["name"]
    verdict = expect_params_at_most(too_wide, 2700, REFERENCE, cap_reason(REFERENCE))
    assert not verdict.passed
    assert verdict.feedback == (
        "número de parámetros: se esperaba como máximo 2,700 (10 veces los 270 de la "
        "referencia, para que el entrenamiento no supere el límite de tiempo de la "
        "calificación), pero se obtuvo 26,802. Tu modelo tiene 26,802 parámetros y la "
        f"referencia 270: la primera diferencia es la capa 2, {layer} (Dense), que tiene "
        "26,000, mientras que la Dense de la referencia tiene 260. Está bien así: la referencia "
        "es una red que funciona, no la única."
    )
    what, want, _got = split_feedback(verdict.feedback)
    assert (what, want) == ("número de parámetros", "como máximo 2,700 (10 veces los 270 de "
                            "la referencia, para que el entrenamiento no supere el límite de "
                            "tiempo de la calificación)")


def test_the_classifiers_check_names_follow_the_language_when_shown(monkeypatch):
    checks = classifier_checks(
        [28, 28], ("a structure", expect_hidden_dense), [("Dense", 10)],
        classes=10, batch=32, data="MNIST", points=(1, 1, 1, 1, 1),
    )
    monkeypatch.setenv("GRADERS_LANG", "en")
    english = [check.name for check in checks]
    monkeypatch.setenv("GRADERS_LANG", "es")
    assert [check.name for check in checks] == [
        "entrada (None, 28, 28) y salida (None, 10)",
        "a structure",
        "como máximo 100 parámetros",
        "compilado con adam, sparse categorical crossentropy, accuracy",
        "da 10 probabilidades por imagen para 32 imágenes de MNIST",
    ]
    assert english[0] == "input (None, 28, 28) and output (None, 10)"
