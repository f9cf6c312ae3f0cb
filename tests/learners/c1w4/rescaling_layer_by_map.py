"""A Rescaling(1./255) layer applied by map, positional arguments, the AUTOTUNE constant
kept in a variable."""

CELLS = {
    "ex1-training-dataset": """\
def training_dataset():
    dataset = tf.keras.utils.image_dataset_from_directory(
        DATA_DIR, labels="inferred", label_mode="binary", image_size=(150, 150), batch_size=10
    )
    AUTOTUNE = tf.data.AUTOTUNE
    normalization = tf.keras.layers.Rescaling(1.0 / 255)
    dataset = dataset.map(lambda image, label: (normalization(image), label))
    return dataset.cache().shuffle(80).prefetch(buffer_size=AUTOTUNE)
""",
}

EXPECT = {"training_dataset": "pass"}
