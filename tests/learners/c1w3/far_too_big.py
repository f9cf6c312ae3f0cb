"""Wrong: Conv2D(64) pooled to 13x13 into Dense(1024): 11 million parameters, far above the
cap the notebook states."""

CELLS = {
    "ex3-convolutional-model": """\
def convolutional_model():
    model = tf.keras.models.Sequential([
        tf.keras.Input(shape=(28, 28, 1)),
        tf.keras.layers.Conv2D(64, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(1024, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
""",
}

EXPECT = {"convolutional_model": {"parameters": "parameters"}}
