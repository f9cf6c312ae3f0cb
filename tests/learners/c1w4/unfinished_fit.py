"""Unfinished: fit with the template's None for the data and the epochs."""

CELLS = {
    "ex4-train": """\
def train_happy_sad_model():
    dataset = training_dataset()
    model = create_and_compile_model()
    history = model.fit(None, epochs=None, callbacks=[EarlyStoppingCallback()])
    return history
""",
}

EXPECT = {"train_happy_sad_model": {"*": "received None for"}}
