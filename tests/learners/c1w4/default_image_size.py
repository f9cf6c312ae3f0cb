"""Wrong: image_size left out, so Keras' default 256x256 images."""

CELLS = {
    "ex1-training-dataset": """\
def training_dataset():
    dataset = tf.keras.utils.image_dataset_from_directory(
        directory=DATA_DIR, batch_size=10, label_mode="binary"
    )
    return dataset.map(lambda x, y: (x / 255.0, y))
""",
}

EXPECT = {"training_dataset": {"150x150": "150, 150"}}
