"""C1W1_Quiz: the Week 1 quiz (a new programming paradigm)."""

from graders.checks.core import Assignment
from graders.checks.quiz import Question, quiz_exercises
from graders.i18n import lazy

QUESTIONS = [
    Question(lazy("traditional programming vs machine learning"), 2, frozenset("a")),
    Question(lazy("labelling the data"), 4, frozenset("c")),
    Question(lazy("what a Dense layer is"), 4, frozenset("d")),
    Question(lazy("measuring a guess: the loss"), 3, frozenset("b")),
    Question(lazy("what the optimizer does"), 4, frozenset("b")),
    Question(lazy("convergence"), 4, frozenset("d")),
    Question(lazy("what model.fit does"), 4, frozenset("b")),
]

ASSIGNMENT = Assignment(
    id="C1W1_Quiz",
    label=lazy("Week 1 quiz: a new programming paradigm"),
    notebook="W1/C1_W1_Quiz.ipynb",
    exercises=quiz_exercises(QUESTIONS),
    timeout_s=60,
)
