"""Optimizer and loss as instances instead of strings: SGD(learning_rate=0.01) (the default
rate written out) and MeanSquaredError()."""

CELLS = {
    "ex2-define-and-compile-model": """\
def define_and_compile_model():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(1,)),
        tf.keras.layers.Dense(units=1),
    ])
    model.compile(
        optimizer=tf.keras.optimizers.SGD(learning_rate=0.01),
        loss=tf.keras.losses.MeanSquaredError(),
    )
    return model
""",
}

EXPECT = {"define_and_compile_model": "pass"}
