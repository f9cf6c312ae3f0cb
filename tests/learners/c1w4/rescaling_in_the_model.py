"""Rescaling as the model's first layer instead of in the dataset: the model is fine, but
the exercise asks the dataset for pixels in [0, 1], and this one leaves them at 0-255."""

CELLS = {
    "ex1-training-dataset": """\
def training_dataset():
    dataset = tf.keras.utils.image_dataset_from_directory(
        directory=DATA_DIR, image_size=(150, 150), batch_size=10, label_mode="binary"
    )
    return dataset.cache().prefetch(tf.data.AUTOTUNE)
""",
    "ex2-create-and-compile-model": """\
def create_and_compile_model():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(150, 150, 3)),
        tf.keras.layers.Rescaling(1.0 / 255),
        tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Conv2D(32, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(256, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
""",
}

EXPECT = {"training_dataset": {"rescaled": "between 0 and 1"}, "create_and_compile_model": "pass"}
