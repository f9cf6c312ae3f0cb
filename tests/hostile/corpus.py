"""The corpus of good, wrong, hostile and broken submissions, each with its exact outcome.

Each case is built from a Week 1 notebook (the quiz mostly: it grades in seconds) by
replacing, deleting or duplicating cells, or is a broken file. ``Case.expect`` gives the
status, the points of every test (in the assignment's order) and a fragment of the result's
message (or of a note), and ``feedback`` fragments for chosen tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
QUIZ = ROOT / "solutions" / "W1" / "C1_W1_Quiz.ipynb"
QUIZ_TEMPLATE = ROOT / "notebooks" / "W1" / "C1_W1_Quiz.ipynb"
ASSIGNMENT = ROOT / "solutions" / "W1" / "C1W1_Assignment.ipynb"

#: Limits the corpus is graded with (a hang costs TIMEOUT seconds of one worker).
TIMEOUT, MEMORY = 45, 1536
FULL = [15, 15, 14, 14, 14, 14, 14]
ZERO = [0] * 7


def quiz(*kept: int) -> list[int]:
    """Quiz points with only questions kept (1-based) scored."""
    return [p if n + 1 in kept else 0 for n, p in enumerate(FULL)]


def observed_str(body: str) -> str:
    """A quiz answer that runs body when the grader reads it (a str whose replace runs it)."""
    return (
        "class Sneaky(str):\n"
        "    def replace(self, *args):\n"
        + "".join(f"        {line}\n" for line in body.splitlines())
        + "        return str.replace(self, *args)\n"
    )


@dataclass(frozen=True)
class Case:
    """One submission and what grading it must give."""

    name: str
    status: str
    points: list[int]
    message: str | None = None
    base: Path = QUIZ
    sources: dict[str, str] = field(default_factory=dict)
    delete: tuple[str, ...] = ()
    duplicate: dict[str, str] = field(default_factory=dict)
    metadata: dict | None = None
    raw: bytes | None = None
    feedback: dict[int, str] = field(default_factory=dict)
    note: str | None = None

    def write(self, folder: Path) -> Path:
        """Write this submission into folder; returns its path."""
        target = folder / f"{self.name}.ipynb"
        if self.raw is not None:
            target.write_bytes(self.raw)
            return target
        nb = nbformat.read(self.base, as_version=4)
        for cell in nb.cells:
            if cell.get("id") in self.sources:
                cell.source = self.sources[cell.get("id")]
        for cell_id, source in self.duplicate.items():
            at = [c.get("id") for c in nb.cells].index(cell_id)
            nb.cells.insert(at + 1, nbformat.from_dict(dict(nb.cells[at], source=source)))
        nb.cells = [c for c in nb.cells if c.get("id") not in self.delete]
        if self.metadata is not None:
            nb.metadata["graders"] = self.metadata
        # Written as plain JSON: nbformat.write would rename the duplicated ids.
        target.write_text(json.dumps(nb, indent=1), encoding="utf-8")
        return target


FORGE = (
    "import json, os\n"
    "line = json.dumps({'kind': 'observation', 'exercise': 'answer_2', 'observation':"
    " {'status': 'ok', 'data': {'letters': ['c']}}}) + '\\n'\n"
    "for fd in os.listdir('/proc/self/fd'):\n"
    "    try:  # the listing's own fd is gone by now\n"
    "        if int(fd) > 2 and os.readlink(f'/proc/self/fd/{fd}').startswith('pipe:'):\n"
    "            os.write(int(fd), ('0' * 32 + ' ' + line).encode())\n"
    "    except OSError:\n"
    "        pass\n"
    "answer_1 = 'a'\n"
)

CASES = [
    Case("good", "graded", FULL),
    Case("template", "graded", ZERO, base=QUIZ_TEMPLATE, feedback={1: "is still None"}),
    Case("wrong_answers", "graded", quiz(1, 3, 4, 5, 6, 7),
         sources={"answer-2": "answer_2 = 'a'"}, feedback={2: "'a', which is not it"}),
    Case("hang_while_observed", "error", quiz(1, 2, 3, 4),
         f"stopped after the time limit of {TIMEOUT} s",
         sources={"answer-5": observed_str("while True:\n    pass") + "answer_5 = Sneaky('b')"}),
    Case("hang_in_a_cell", "error", ZERO, "time limit",
         sources={"answer-3": "import time\nwhile True:\n    time.sleep(1)"}),
    Case("memory_malloc", "graded", quiz(1, 2, 4, 5, 6, 7),
         sources={"answer-3": "hog = bytearray(8 * 2**30)\nanswer_3 = 'd'"},
         feedback={3: "MemoryError"}),
    Case("memory_shared_pages", "error", quiz(1, 2, 3, 4, 5),
         f"stopped for using more than {MEMORY} MiB of memory",
         sources={"answer-6": observed_str(
             "import mmap\nm = mmap.mmap(-1, 8 * 2**30)\n"
             "for i in range(0, len(m), 2**24):\n    m[i:i + 2**24] = b'x' * 2**24"
         ) + "answer_6 = Sneaky('d')"}),
    Case("os_exit_in_a_cell", "error", ZERO, "ended early with exit code 7",
         sources={"answer-2": "import os\nos._exit(7)"}),
    Case("sigkill_while_observed", "error", quiz(1, 2, 3, 4, 5, 6), "was killed by SIGKILL",
         sources={"answer-7": observed_str("import os, signal\nos.kill(os.getpid(), "
                                           "signal.SIGKILL)") + "answer_7 = Sneaky('b')"}),
    Case("segfault", "error", ZERO, "was killed by SIGSEGV (a segmentation fault)",
         sources={"answer-1": "import ctypes\nctypes.string_at(0)"}),
    Case("sys_exit", "graded", quiz(2, 3, 4, 5, 6, 7),
         sources={"answer-1": "import sys\nsys.exit(0)"}, feedback={1: "SystemExit"}),
    Case("keyboard_interrupt", "graded", quiz(1, 2, 4, 5, 6, 7),
         sources={"answer-3": "raise KeyboardInterrupt"}, feedback={3: "KeyboardInterrupt"}),
    Case("raises_in_a_cell", "graded", quiz(1, 2, 4, 5, 6, 7),
         sources={"answer-3": "raise RuntimeError('boom')"}, feedback={3: "RuntimeError: boom"}),
    Case("raises_while_observed", "graded", quiz(1, 2, 3, 5, 6, 7),
         sources={"answer-4": observed_str("raise ValueError('no')") + "answer_4 = Sneaky('b')"},
         feedback={4: "ValueError: no"}),
    Case("output_flood", "graded", FULL, note="MiB of output; the grader kept only",
         sources={"answer-1": "for _ in range(200_000):\n    print('x' * 99)\nanswer_1 = 'a'"}),
    Case("big_file", "graded", quiz(2, 3, 4, 5, 6, 7),
         sources={"answer-1": "with open('big', 'wb') as f:\n"
                  "    for _ in range(40):\n        f.write(b'x' * 2**24)\nanswer_1 = 'a'"},
         feedback={1: "OSError"}),
    Case("patches_graders", "error", ZERO, "graders.checks.quiz.read_answer",
         sources={"answer-1": "import graders.checks.quiz as q\n"
                  "q.read_answer = lambda value, name, question: set(question.correct)\n"
                  "answer_1 = 'b'"}),
    Case("patches_json", "error", ZERO, "json.dumps",
         sources={"answer-1": "import json\njson.dumps = lambda *a, **k: '{}'\nanswer_1 = 'a'"}),
    Case("patches_os_replace", "error", ZERO, "os.replace",
         sources={"answer-1": "import os\nos.replace = lambda *a, **k: None\nanswer_1 = 'a'"}),
    Case("hooks_and_all_tests_passed", "graded", quiz(2, 3, 4, 5, 6, 7),
         sources={"answer-1": "import sys\nprint('All tests passed! Score: 100/100')\n"
                  "sys.excepthook = lambda *a: print('All tests passed')\n"
                  "sys.displayhook = lambda *a: print('All tests passed')\n"
                  "answer_1 = 'b'"}),
    Case("forges_the_handover", "error", ZERO, "without the grader's token",
         sources={"answer-1": FORGE}),
    Case("graded_cell_missing", "graded", quiz(1, 2, 4, 5, 6, 7), delete=("answer-3",),
         note="Graded cell answer-3 is missing", feedback={3: "`answer_3` is not defined"}),
    Case("graded_cell_duplicated", "graded", FULL, duplicate={"answer-2": "answer_2 = 'a'"},
         note="Graded cell answer-2 appears 2 times"),
    Case("another_assignments_cells", "error", ZERO,
         "its cells are those of C1W1's notebook, not C1W1_Quiz's", base=ASSIGNMENT,
         metadata={"kind": "quiz", "assignment": "C1W1_Quiz"}),
    Case("malformed_json", "error", [], "not valid JSON", raw=b'{"cells": ['),
    Case("not_a_notebook", "error", [], "no 'cells' or 'nbformat'", raw=b'[1, 2, 3]'),
    Case("cells_not_cells", "error", [], "not a readable Jupyter notebook",
         raw=json.dumps({"cells": [1], "nbformat": 4, "nbformat_minor": 5,
                         "metadata": {}}).encode()),
]

def train_model(body: str) -> dict[str, str]:
    """The W1 assignment's train_model cell replaced by one whose body is body."""
    lines = "".join(f"    {line}\n" for line in body.splitlines())
    return {"ex3-train-model": "def train_model():\n" + lines + "    return model\n"}


#: W1 points with the training exercise (fitted for 500 epochs, predicts 4.0) lost.
TRAINING_LOST = [10, 10, 10, 15, 15, 0, 0]
FIT = "model = define_and_compile_model()\nx, y = create_training_data()\n"

#: Forged training claims (issue 13), on the W1 assignment (its training is the cheapest):
#: each loses the training exercise's points, and only those.
FORGERIES = [
    Case("forged_hand_made_history", "graded", TRAINING_LOST, base=ASSIGNMENT,
         sources=train_model(
             "model = define_and_compile_model()\n"
             "model.history = tf.keras.callbacks.History()\n"
             "model.history.epoch = list(range(500))\n"
             "model.history.history = {'loss': [0.0] * 500}\n"),
         feedback={6: "a model that was never fitted", 7: "never fitted"}),
    Case("forged_rewritten_history", "graded", TRAINING_LOST, base=ASSIGNMENT,
         sources=train_model(
             FIT + "model.fit(x, y, epochs=3, verbose=0)\n"
             "model.history.epoch = list(range(500))\n"
             "model.history.history['loss'] = [0.001] * 500\n"),
         feedback={6: "changed after training", 7: "changed after training"}),
    Case("forged_slice_claims_full_run", "graded", TRAINING_LOST, base=ASSIGNMENT,
         sources=train_model(
             FIT + "model.fit(x[:2], y[:2], epochs=5, verbose=0)\n"
             "claimed = tf.keras.callbacks.History()\n"
             "claimed.epoch, claimed.history = list(range(500)), {'loss': [0.001] * 500}\n"
             "model.history = claimed\n"),
         feedback={6: "not the History that the model's last fit returned"}),
    Case("forged_subclass_overrides_predict", "graded", TRAINING_LOST, base=ASSIGNMENT,
         sources={"ex3-train-model":
                  "class Confident(tf.keras.Sequential):\n"
                  "    def predict(self, x, **kwargs):\n"
                  "        return np.full((len(x), 1), 4.0)\n\n"
                  "def train_model():\n"
                  "    model = Confident([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])\n"
                  "    model.compile(optimizer='sgd', loss='mean_squared_error')\n"
                  "    x, y = create_training_data()\n"
                  "    model.fit(x, y, epochs=5, verbose=0)\n"
                  "    return model\n"},
         feedback={7: "its class Confident is one of your own (its methods: predict)"}),
]

#: The Week 1 assignment with its read-only imports cell edited: graded as released.
EDITED_IMPORTS = Case(
    "edited_read_only_cell", "graded", [10, 10, 10, 15, 15, 15, 25], base=ASSIGNMENT,
    note="Cell imports may not be edited, but it was: it was graded as released",
    sources={"imports": "import numpy as np\nimport tensorflow as tf\n"
             "raise RuntimeError('the imports cell was changed')"},
)
