"""Wrong: train_model returns what model.fit returns (the History) instead of the model."""

CELLS = {
    "ex3-train-model": """\
def train_model():
    n_bedrooms, price_in_hundreds_of_thousands = create_training_data()
    model = define_and_compile_model()
    return model.fit(n_bedrooms, price_in_hundreds_of_thousands, epochs=500, verbose=0)
""",
}

EXPECT = {"train_model": {"*": "the trained model"}}
