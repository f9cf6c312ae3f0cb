"""The registry of graded notebooks: one module per assignment, checks kept as data."""

from __future__ import annotations

from graders.assignments import c1w1, c1w1_quiz, c1w2, c1w2_quiz, c1w3, c1w3_quiz, c1w4, c1w4_quiz
from graders.checks.core import Assignment
from graders.i18n import _

ASSIGNMENTS: dict[str, Assignment] = {
    spec.id: spec
    for spec in (
        c1w1.ASSIGNMENT,
        c1w1_quiz.ASSIGNMENT,
        c1w2.ASSIGNMENT,
        c1w2_quiz.ASSIGNMENT,
        c1w3.ASSIGNMENT,
        c1w3_quiz.ASSIGNMENT,
        c1w4.ASSIGNMENT,
        c1w4_quiz.ASSIGNMENT,
    )
}


def get_assignment(assignment_id: str) -> Assignment:
    """The assignment with this id; KeyError naming the known ids otherwise."""
    try:
        return ASSIGNMENTS[assignment_id]
    except KeyError:
        known = ", ".join(sorted(ASSIGNMENTS))
        raise KeyError(
            _("unknown assignment {assignment!r}; known: {known}").format(
                assignment=assignment_id, known=known
            )
        ) from None


def assignment_for_notebook(filename: str) -> Assignment | None:
    """The assignment whose released notebook has this file name, if any."""
    for spec in ASSIGNMENTS.values():
        if spec.notebook.rsplit("/", 1)[-1] == filename:
            return spec
    return None
