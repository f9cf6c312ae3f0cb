"""C1W2_Quiz: the Week 2 quiz (introduction to computer vision)."""

from graders.checks.core import Assignment
from graders.checks.quiz import Question, quiz_exercises
from graders.i18n import lazy

QUESTIONS = [
    Question(lazy("resolution of the Fashion-MNIST images"), 4, frozenset("d")),
    Question(lazy("why 10 output neurons"), 4, frozenset("c")),
    Question(lazy("what ReLU does"), 4, frozenset("d")),
    Question(lazy("why split training and test data"), 4, frozenset("c")),
    Question(lazy("when on_epoch_end is called"), 2, frozenset("b")),
    Question(lazy("what the callbacks= parameter is for"), 3, frozenset("c")),
]

ASSIGNMENT = Assignment(
    id="C1W2_Quiz",
    label=lazy("Week 2 quiz: introduction to computer vision"),
    notebook="W2/C1_W2_Quiz.ipynb",
    exercises=quiz_exercises(QUESTIONS),
    timeout_s=60,
)
