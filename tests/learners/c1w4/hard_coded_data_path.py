"""Wrong: the folder written as './data/', the public notebook's path, instead of DATA_DIR."""

CELLS = {
    "ex1-training-dataset": """\
def training_dataset():
    dataset = tf.keras.utils.image_dataset_from_directory(
        "./data/", image_size=(150, 150), batch_size=10, label_mode="binary"
    )
    return dataset.map(lambda x, y: (x / 255.0, y))
""",
}

EXPECT = {"training_dataset": {"*": "DATA_DIR"}}
