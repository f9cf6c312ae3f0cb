"""Wrong: prices in dollars, not in hundreds of thousands."""

CELLS = {
    "ex1-create-training-data": """\
def create_training_data():
    n_bedrooms = np.array([1, 2, 3, 4, 5, 6], dtype=float)
    price_in_hundreds_of_thousands = np.array(
        [100000, 150000, 200000, 250000, 300000, 350000], dtype=float
    )
    return n_bedrooms, price_in_hundreds_of_thousands
""",
}

EXPECT = {"create_training_data": {"prices are": "1.0, 1.5"}}
