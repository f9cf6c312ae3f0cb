"""The lab's names: xs and ys built inside the function, returned as a tuple in parentheses."""

CELLS = {
    "ex1-create-training-data": """\
def create_training_data():
    xs = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], dtype=float)
    ys = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 3.5], dtype=float)
    return (xs, ys)
""",
}

EXPECT = {"create_training_data": "pass"}
