"""Unfinished: the model is made but fit keeps the template's None arguments. Graded end to
end (it trains nothing)."""

CELLS = {
    "ex4-train-convolutional-model": """\
def train_convolutional_model(images, labels):
    model = convolutional_model()
    history = model.fit(None, None, epochs=None, callbacks=[None])
    return history
""",
}

EXPECT = {"train_convolutional_model": {"*": "received None for"}}

CLI = True
