"""tf.keras.preprocessing.image_dataset_from_directory, the older home of the function."""

CELLS = {
    "ex1-training-dataset": """\
def training_dataset():
    dataset = tf.keras.preprocessing.image_dataset_from_directory(
        DATA_DIR, image_size=(150, 150), batch_size=10, label_mode="binary"
    )
    return dataset.map(lambda x, y: (tf.keras.layers.Rescaling(1. / 255)(x), y))
""",
}

EXPECT = {"training_dataset": "pass"}
