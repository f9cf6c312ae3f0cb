"""Wrong: two hidden layers of 4,096 units (20 million parameters), far above the cap the
notebook states (a model that size cannot train within the time limit on 2 CPU cores)."""

CELLS = {
    "ex1-create-and-compile-model": """\
def create_and_compile_model():
    model = tf.keras.models.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(4096, activation="relu"),
        tf.keras.layers.Dense(4096, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
""",
}

EXPECT = {"create_and_compile_model": {"parameters": "parameters"}}
