"""train_mnist(x_train, y_train): parameters renamed, verbose=1 and the callback made before
the fit, as the public notebooks' `callbacks = myCallback()`."""

CELLS = {
    "ex3-train-mnist": """\
def train_mnist(x_train, y_train):
    callbacks = EarlyStoppingCallback()
    model = create_and_compile_model()
    history = model.fit(x_train, y_train, epochs=10, callbacks=[callbacks], verbose=1)
    return history
""",
}

EXPECT = {"train_mnist": "pass"}
