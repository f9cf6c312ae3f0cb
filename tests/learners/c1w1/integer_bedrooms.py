"""Wrong: the bedrooms typed as integers without dtype=float (the prices are floats)."""

CELLS = {
    "ex1-create-training-data": """\
def create_training_data():
    n_bedrooms = np.array([1, 2, 3, 4, 5, 6])
    price_in_hundreds_of_thousands = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 3.5])
    return n_bedrooms, price_in_hundreds_of_thousands
""",
}

EXPECT = {"create_training_data": {"float arrays": "float"}}
