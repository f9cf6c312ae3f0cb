"""Wrong: train_model fits `untrained_model`, a global the demo cell below the exercise
defines; graded cells run on their own, so the name is not defined there. Graded end to
end."""

CELLS = {
    "ex3-train-model": """\
def train_model():
    n_bedrooms, price_in_hundreds_of_thousands = create_training_data()
    untrained_model.fit(n_bedrooms, price_in_hundreds_of_thousands, epochs=500, verbose=0)
    return untrained_model
""",
}

EXPECT = {"train_model": {"*": "self-contained"}}

CLI = True
