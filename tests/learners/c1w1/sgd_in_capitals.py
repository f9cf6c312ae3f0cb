"""The optimizer string in capitals, 'SGD', as the lectures spell the algorithm."""

CELLS = {
    "ex2-define-and-compile-model": """\
def define_and_compile_model():
    model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(units=1)])
    model.compile(optimizer='SGD', loss='mean_squared_error')
    return model
""",
}

EXPECT = {"define_and_compile_model": "pass"}
