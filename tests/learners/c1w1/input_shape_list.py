"""The public course's older style: no Input, the Dense layer takes input_shape=[1] itself
(Keras 3 warns but builds the model); 'sgd' and the loss's full name. Graded end to end,
where the model also trains (in process only the model is judged: a W1 fit is slow)."""

CELLS = {
    "ex2-define-and-compile-model": """\
def define_and_compile_model():
    model = tf.keras.Sequential([tf.keras.layers.Dense(units=1, input_shape=[1])])
    model.compile(optimizer="sgd", loss="mean_squared_error")
    return model
""",
}

EXPECT = {"define_and_compile_model": "pass"}

CLI = True
