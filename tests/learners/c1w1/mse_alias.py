"""The loss by its short alias, 'mse', as many public solutions write it."""

CELLS = {
    "ex2-define-and-compile-model": """\
def define_and_compile_model():
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model
""",
}

EXPECT = {"define_and_compile_model": "pass"}
