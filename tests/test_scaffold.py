"""The learner's scaffold made from a solution's marked blocks."""

import ast

import pytest

from graders.notebook.scaffold import ScaffoldError, student_source

SOLUTION = '''def create():
    """Docstring stays."""
    ### START CODE HERE ###
    # Bedrooms, one to six
    n = np.array([1, 2, 3,
                  4, 5, 6], dtype=float)  # trailing comment goes with the code
    a, b = 1, 2
    (c, d) = pair()
    total: float = 3.0

    # Compile it
    model.compile(optimizer="sgd",
                  loss="mse")
    if n is not None:
        # this comment belongs to removed code
        e = 1
    ### END CODE HERE ###
    return n
'''

TEMPLATE = '''def create():
    """Docstring stays."""
    ### START CODE HERE ###
    # Bedrooms, one to six
    n = None
    a, b = None, None
    c, d = None, None
    total: float = None

    # Compile it
    ### END CODE HERE ###
    return n
'''


def test_assignments_become_none_and_other_statements_go():
    assert student_source(SOLUTION) == TEMPLATE


def test_code_outside_markers_is_untouched():
    source = "x = 1\nprint(x)\n"
    assert student_source(source) == source


def test_a_block_left_empty_gets_pass_and_parses():
    source = (
        "class Stop:\n"
        "    def on_epoch_end(self, epoch, logs=None):\n"
        "        ### START CODE HERE ###\n"
        "        # stop when accuracy is high enough\n"
        "        if logs['accuracy'] >= 0.98:\n"
        "            self.model.stop_training = True\n"
        "        ### END CODE HERE ###\n"
    )
    out = student_source(source)
    assert "        pass\n" in out and "stop_training" not in out
    ast.parse(out)


def test_return_inside_markers_returns_none():
    source = "def f():\n    ### START CODE HERE ###\n    return 3\n    ### END CODE HERE ###\n"
    assert "    return None\n" in student_source(source)


@pytest.mark.parametrize(
    "source, message",
    [
        ("### START CODE HERE ###\nx = 1\n", "without an END"),
        ("x = 1\n### END CODE HERE ###\n", "without a START"),
        ("### START CODE HERE ###\n### START CODE HERE ###\n### END CODE HERE ###\n", "inside"),
        ("### START CODE HERE ###\nx = (\n### END CODE HERE ###\n", "does not parse"),
    ],
)
def test_broken_markers_are_reported(source, message):
    with pytest.raises(ScaffoldError, match=message):
        student_source(source)
