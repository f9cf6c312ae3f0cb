"""Gradescope: build an autograder zip for one assignment (build), and what that zip runs
for each submission (run), which writes results/results.json in Gradescope's format."""

import os
from pathlib import Path

#: Where Gradescope puts everything; tests point GRADERS_AUTOGRADER_ROOT at a folder of
#: the same layout (source/, submission/, results/).
ROOT_ENV = "GRADERS_AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
#: The zip's settings file, in its root (so /autograder/source/ on Gradescope).
CONFIG = "graders-autograder.json"
#: Gradescope's visibility settings, for the results and each test.
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")


def autograder_root() -> Path:
    """/autograder, or the folder GRADERS_AUTOGRADER_ROOT names."""
    return Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT)
