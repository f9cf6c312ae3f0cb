"""Wrong for this notebook: 1000 epochs, as several public solutions train (the exercise
asks for 500); the prediction is still right."""

CELLS = {
    "ex3-train-model": """\
def train_model():
    n_bedrooms, price_in_hundreds_of_thousands = create_training_data()
    model = define_and_compile_model()
    model.fit(n_bedrooms, price_in_hundreds_of_thousands, epochs=1000, verbose=0)
    return model
""",
}

EXPECT = {"train_model": {"500 epochs": "500 epochs"}}
