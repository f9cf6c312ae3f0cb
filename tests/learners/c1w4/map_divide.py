"""Rescaling by map with a plain division, x / 255.0, instead of a Rescaling layer; no
cache or prefetch."""

CELLS = {
    "ex1-training-dataset": """\
def training_dataset():
    dataset = tf.keras.utils.image_dataset_from_directory(
        directory=DATA_DIR, image_size=(150, 150), batch_size=10, label_mode="binary"
    )
    dataset = dataset.map(lambda x, y: (x / 255.0, y))
    return dataset
""",
}

EXPECT = {"training_dataset": "pass"}
