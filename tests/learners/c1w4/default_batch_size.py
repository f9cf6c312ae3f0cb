"""Wrong: batch_size left out, so Keras' default batches of 32."""

CELLS = {
    "ex1-training-dataset": """\
def training_dataset():
    dataset = tf.keras.utils.image_dataset_from_directory(
        directory=DATA_DIR, image_size=(150, 150), label_mode="binary"
    )
    return dataset.map(lambda x, y: (x / 255.0, y))
""",
}

EXPECT = {"training_dataset": {"batches of 10": "10"}}
