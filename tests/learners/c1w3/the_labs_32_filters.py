"""The convolution lab's layer sizes: Conv2D(32) and Dense(128) (693,962 parameters), with
the older input_shape= on the first layer."""

CELLS = {
    "ex3-convolutional-model": """\
def convolutional_model():
    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
""",
}

EXPECT = {"convolutional_model": "pass"}
