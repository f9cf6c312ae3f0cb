"""`from tensorflow import keras` at the top of the cell, then keras.Sequential with
keras.Input, as many public solutions start."""

CELLS = {
    "ex2-define-and-compile-model": """\
from tensorflow import keras


def define_and_compile_model():
    model = keras.Sequential([keras.Input(shape=[1]), keras.layers.Dense(units=1)])
    model.compile(optimizer="sgd", loss="mean_squared_error")
    return model
""",
}

EXPECT = {"define_and_compile_model": "pass"}
