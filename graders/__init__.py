"""Course 1 tooling: release student notebooks, self-check exercises, grade submissions.

Importing this package is cheap: TensorFlow is only imported when a check needs it.
"""

from graders.selfcheck import check_exercise

__all__ = ["check_exercise"]
