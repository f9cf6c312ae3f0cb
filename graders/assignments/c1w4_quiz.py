"""C1W4_Quiz: the Week 4 quiz (using real-world images).

Questions 2 and 3 asked about ImageDataGenerator's ``rescale`` and ``target_size``; the
course now loads images with ``image_dataset_from_directory`` and a ``Rescaling`` layer, so
they ask about those, with the old names given in the notebook's explanation. Question 6
has three correct options, and a fourth, wrong one, so that it is a real choice.
"""

from graders.checks.core import Assignment
from graders.checks.quiz import Question, quiz_exercises
from graders.i18n import lazy

QUESTIONS = [
    Question(lazy("how images get their labels"), 4, frozenset("a")),
    Question(lazy("normalizing the pixels"), 4, frozenset("c")),
    Question(lazy("the size images are loaded at"), 4, frozenset("c")),
    Question(lazy("what input shape (300, 300, 3) means"), 4, frozenset("a")),
    Question(lazy("training accuracy near 1.0, validation lower"), 4, frozenset("c")),
    Question(lazy("why convolutions suit horses and humans"), 4, frozenset("abc")),
    Question(lazy("why smaller images changed the results"), 4, frozenset("d")),
]

ASSIGNMENT = Assignment(
    id="C1W4_Quiz",
    label=lazy("Week 4 quiz: using real-world images"),
    notebook="W4/C1_W4_Quiz.ipynb",
    exercises=quiz_exercises(QUESTIONS),
    timeout_s=60,
)
