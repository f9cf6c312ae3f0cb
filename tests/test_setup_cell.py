"""The generated setup cell (graders/notebook/header.py) outside Colab.

It must keep TensorFlow's start-up and training log lines off stderr, leave notebooks that do
not use TensorFlow alone, and take its Colab branch only when google.colab is loaded (that
branch runs in `nox -s colab`).
"""

from __future__ import annotations

import subprocess
import sys

import nbformat
from conftest import NOTEBOOKS
from test_templates_run import NOISE

from graders.notebook.header import SETUP_ID, setup_source, uses_tensorflow

TRAIN_AND_PREDICT = """
import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(1)
tf.config.experimental.enable_op_determinism()  # as the test cells do
model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mean_squared_error")
model.fit(np.arange(6.0), np.arange(6.0), epochs=2, verbose=0)
print(model.predict(np.array([[7.0]]), verbose=0).shape)
"""


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_tensorflow_stays_quiet_after_the_setup_cell():
    done = run(setup_source([], tensorflow=True) + "\n" + TRAIN_AND_PREDICT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(1, 1)"
    assert not NOISE.findall(done.stderr), done.stderr


def test_without_the_setup_cell_tensorflow_is_noisy():
    """The noise the setup cell removes is real on this machine (the test above can fail)."""
    done = run(TRAIN_AND_PREDICT)
    assert done.returncode == 0, done.stderr
    assert NOISE.findall(done.stderr)


def test_a_notebook_without_tensorflow_gets_no_tensorflow_setup():
    quiz = nbformat.read(NOTEBOOKS / "W1" / "C1_W1_Quiz.ipynb", as_version=4)
    assert not uses_tensorflow(quiz)
    setup = next(cell for cell in quiz.cells if cell.get("id") == SETUP_ID)
    assert "tensorflow" not in setup.source.replace("`", "").split("google.colab")[0].lower()
    done = run(setup.source + "\nimport sys\nprint('tensorflow' in sys.modules)")
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "False", "")


def test_the_colab_branch_needs_google_colab():
    done = run(setup_source(["mnist"], tensorflow=False) + "\nprint(repository)")
    assert done.returncode == 1 and "NameError" in done.stderr
