"""Wrong: train_mnist fits `training_images` and `training_labels`, the globals the data
cell loads, instead of its own parameters; graded cells run on their own. Graded end
to end."""

CELLS = {
    "ex3-train-mnist": """\
def train_mnist(images, labels):
    model = create_and_compile_model()
    history = model.fit(training_images, training_labels, epochs=10,
                        callbacks=[EarlyStoppingCallback()])
    return history
""",
}

EXPECT = {"train_mnist": {"*": "self-contained"}}

CLI = True
