"""Wrong for this exercise: Conv2D straight into Flatten, no MaxPooling2D (the exercise
requires a convolution and a pooling layer before the classifier)."""

CELLS = {
    "ex3-convolutional-model": """\
def convolutional_model():
    model = tf.keras.models.Sequential([
        tf.keras.Input(shape=(28, 28, 1)),
        tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
""",
}

EXPECT = {"convolutional_model": {"layers": "MaxPooling2D"}}
