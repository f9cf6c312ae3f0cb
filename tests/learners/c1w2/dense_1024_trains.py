"""A bigger hidden layer, Dense(1024) (814,090 parameters), trained with the learner's own
model: it still reaches 98% and its callback stops it."""

CELLS = {
    "ex1-create-and-compile-model": """\
def create_and_compile_model():
    model = tf.keras.models.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(1024, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
""",
}

EXPECT = {"create_and_compile_model": "pass", "train_mnist": "pass"}
