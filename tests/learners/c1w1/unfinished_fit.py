"""Unfinished: the learner wrote the call but left the template's None in its arguments."""

CELLS = {
    "ex3-train-model": """\
def train_model():
    n_bedrooms, price_in_hundreds_of_thousands = create_training_data()
    model = define_and_compile_model()
    model.fit(None, None, epochs=None)
    return model
""",
}

EXPECT = {"train_model": {"*": "received None for"}}
