"""Wrong: 'adam' (the optimizer of later weeks) instead of the SGD the exercise asks for."""

CELLS = {
    "ex2-define-and-compile-model": """\
def define_and_compile_model():
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(units=1)])
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model
""",
}

EXPECT = {"define_and_compile_model": {"compiled with SGD": "SGD"}}
