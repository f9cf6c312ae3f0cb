"""Wrong: trains on `happy_sad_data`, the dataset the demo cell made, instead of calling
training_dataset(); graded cells run on their own. Graded end to end."""

CELLS = {
    "ex4-train": """\
def train_happy_sad_model():
    model = create_and_compile_model()
    history = model.fit(happy_sad_data, epochs=15, callbacks=[EarlyStoppingCallback()])
    return history
""",
}

EXPECT = {"train_happy_sad_model": {"*": "self-contained"}}

CLI = True
