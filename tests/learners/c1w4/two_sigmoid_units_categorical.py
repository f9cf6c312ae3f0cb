"""Wrong: Dense(2, sigmoid) with categorical_crossentropy, which matches neither 0/1 labels
nor the output."""

CELLS = {
    "ex2-create-and-compile-model": """\
def create_and_compile_model():
    model = tf.keras.models.Sequential([
        tf.keras.Input(shape=(150, 150, 3)),
        tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Conv2D(32, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(2, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
""",
}

EXPECT = {"create_and_compile_model": {"output layer and loss": "sigmoid"}}
