"""Forged training claims in C1W2 and C1W4, judged in process (issue 13): each loses every
point of the training exercise, and the reason is named.

The reference's graded cells run here with the training cell replaced. C1W2 gets the first
SUBSET MNIST images (the loader is patched, so the trained model is measured on them too);
C1W4 trains on its 80 images. No forgery trains for more than one epoch on the full data.
The same forgeries on W1 go through the whole grader in tests/hostile/.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import SOLUTIONS

from graders.assignments import c1w2, c1w4
from graders.checks.run import judge_exercise, observe_exercise
from graders.datasets import fetch
from graders.determinism import SEED
from graders.notebook.cells import graded_cells

SUBSET = 6000

HAND_MADE = """
    history = tf.keras.callbacks.History()
    history.set_model(model)
    history.epoch = [0, 1, 2]
    history.history = {"accuracy": [0.93, 0.97, 0.9999], "loss": [0.3, 0.1, 0.01]}
    history.params = {"epochs": 10}
    model.stop_training = True
    return history
"""
REWRITTEN = """
    history = model.fit({data}, epochs=1, verbose=0)
    history.history["accuracy"] = [0.9999]
    model.stop_training = True
    return history
"""
#: Honest Keras figures, but on a slice: the History's 98%+ is not the model's on the data.
SLICE = """
    return model.fit(images[:64], labels[:64], epochs=10, verbose=0,
                     callbacks=[EarlyStoppingCallback()])
"""


def run(path, cell_id: str, head: str, body: str, exercise, monkeypatch=None, subset=None):
    """The exercise's results (passed, feedback) with the cell replaced by head + body."""
    namespace: dict = {"__name__": "__main__"}
    for cell in graded_cells(nbformat.read(path, as_version=4)):
        source = head + body if cell.id == cell_id else cell.source
        exec(compile(source, f"<cell {cell.id}>", "exec"), namespace)
    if subset is not None:
        monkeypatch.setattr(c1w2, "load_mnist", lambda split="train": subset)
    observation = observe_exercise(exercise, namespace, SEED)
    return [(r.passed, r.feedback) for r in judge_exercise(exercise, observation)]


@pytest.fixture(scope="module")
def mnist_subset():
    images, labels = c1w2.load_mnist("train")
    return images[:SUBSET], labels[:SUBSET]


W2_HEAD = "def train_mnist(images, labels):\n    model = create_and_compile_model()\n"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (HAND_MADE, "a History that no model.fit call returned"),
        (REWRITTEN.format(data="images, labels"),
         "changed after training: 'accuracy' on epoch 1 is 0.9999 in it"),
        (SLICE, "the History's claim is not borne out by the model"),
    ],
    ids=["hand_made", "rewritten", "slice_claims_the_full_run"],
)
def test_w2_forged_training_scores_zero(body, fragment, mnist_subset, monkeypatch):
    exercise = c1w2.ASSIGNMENT.exercise("train_mnist")
    results = run(SOLUTIONS / "W2" / "C1W2_Assignment.ipynb", "ex3-train-mnist", W2_HEAD, body,
                  exercise, monkeypatch, mnist_subset)
    assert [passed for passed, _ in results] == [False, False, False], results
    assert all(fragment in feedback for _, feedback in results), results


W4_HEAD = "def train_happy_sad_model():\n    model = create_and_compile_model()\n"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (HAND_MADE, "a History that no model.fit call returned"),
        (REWRITTEN.format(data="training_dataset()"),
         "changed after training: 'accuracy' on epoch 1 is 0.9999 in it"),
    ],
    ids=["hand_made", "rewritten"],
)
def test_w4_forged_training_scores_zero(body, fragment):
    fetch([c1w4.DATASET], progress=False)
    exercise = c1w4.ASSIGNMENT.exercise("train_happy_sad_model")
    results = run(SOLUTIONS / "W4" / "C1W4_Assignment.ipynb", "ex4-train", W4_HEAD, body, exercise)
    assert [passed for passed, _ in results] == [False, False, False], results
    assert all(fragment in feedback for _, feedback in results), results
