"""Wrong: train_convolutional_model fits `untrained_model`, defined by the demo cell, not by
a graded cell."""

CELLS = {
    "ex4-train-convolutional-model": """\
def train_convolutional_model(images, labels):
    callbacks = EarlyStoppingCallback()
    history = untrained_model.fit(images, labels, epochs=10, callbacks=[callbacks])
    return history
""",
}

EXPECT = {"train_convolutional_model": {"*": "self-contained"}}
