"""Where the course lives: repository paths and its public address."""

from __future__ import annotations

from pathlib import Path

#: The public GitHub repository (owner/name) the Colab badges and setup cells point at.
#: Change it here and run `python -m graders release` to update every notebook.
REPOSITORY = "tf-course-c1/intro-to-tensorflow"
BRANCH = "main"

#: The folder holding this checkout (graders/ sits directly under it).
ROOT = Path(__file__).resolve().parents[1]

#: Where the Colab setup cell clones the repository inside a Colab runtime.
COLAB_CHECKOUT = "/content/intro-to-tensorflow"


def colab_url(relative_path: str) -> str:
    """The 'Open in Colab' address of a notebook given by its path in the repository."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/{relative_path}"


def clone_url() -> str:
    """The address `git clone` uses for this repository."""
    return f"https://github.com/{REPOSITORY}.git"
