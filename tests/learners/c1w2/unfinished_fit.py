"""Unfinished: the template's `history = model.fit(None, None, epochs=None, callbacks=None)`
with only the model filled in."""

CELLS = {
    "ex3-train-mnist": """\
def train_mnist(images, labels):
    model = create_and_compile_model()
    history = model.fit(None, None, epochs=None, callbacks=None)
    return history
""",
}

EXPECT = {"train_mnist": {"*": "received None for"}}
