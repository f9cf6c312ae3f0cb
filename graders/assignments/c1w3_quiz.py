"""C1W3_Quiz: the Week 3 quiz (enhancing vision with convolutions)."""

from graders.checks.core import Assignment
from graders.checks.quiz import Question, quiz_exercises
from graders.i18n import lazy

QUESTIONS = [
    Question(lazy("what convolutions do"), 4, frozenset("a")),
    Question(lazy("what pooling does"), 4, frozenset("a")),
    Question(lazy("a 3x3 filter on a 28x28 image"), 2, frozenset("a")),
    Question(lazy("2x2 max pooling of a 26x26 image"), 2, frozenset("a")),
    Question(lazy("convolutions and training speed"), 4, frozenset("d")),
]

ASSIGNMENT = Assignment(
    id="C1W3_Quiz",
    label=lazy("Week 3 quiz: enhancing vision with convolutions"),
    notebook="W3/C1_W3_Quiz.ipynb",
    exercises=quiz_exercises(QUESTIONS),
    timeout_s=60,
)
