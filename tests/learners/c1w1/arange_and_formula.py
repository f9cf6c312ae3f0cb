"""Data computed instead of typed: np.arange for the bedrooms and the course's pricing rule
(50k plus 50k per bedroom) for the prices."""

CELLS = {
    "ex1-create-training-data": """\
def create_training_data():
    n_bedrooms = np.arange(1, 7, dtype=float)
    price_in_hundreds_of_thousands = (50 + 50 * n_bedrooms) / 100
    return n_bedrooms, price_in_hundreds_of_thousands
""",
}

EXPECT = {"create_training_data": "pass"}
