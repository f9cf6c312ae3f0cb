"""Wrong for this exercise: a hidden layer of 8 relu units before the output neuron (C1W1
asks for one neuron)."""

CELLS = {
    "ex2-define-and-compile-model": """\
def define_and_compile_model():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(1,)),
        tf.keras.layers.Dense(8, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    model.compile(optimizer="sgd", loss="mean_squared_error")
    return model
""",
}

EXPECT = {"define_and_compile_model": {"one Dense layer": "Dense"}}
