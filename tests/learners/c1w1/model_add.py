"""The model built step by step with model.add."""

CELLS = {
    "ex2-define-and-compile-model": """\
def define_and_compile_model():
    model = tf.keras.Sequential()
    model.add(tf.keras.Input(shape=(1,)))
    model.add(tf.keras.layers.Dense(1))
    model.compile(optimizer="sgd", loss="mean_squared_error")
    return model
""",
}

EXPECT = {"define_and_compile_model": "pass"}
