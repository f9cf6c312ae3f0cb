"""shuffle=False and a seed passed to image_dataset_from_directory."""

CELLS = {
    "ex1-training-dataset": """\
def training_dataset():
    dataset = tf.keras.utils.image_dataset_from_directory(
        directory=DATA_DIR,
        image_size=(150, 150),
        batch_size=10,
        label_mode="binary",
        shuffle=False,
        seed=42,
    )
    rescale = tf.keras.layers.Rescaling(scale=1 / 255)
    return dataset.map(lambda images, labels: (rescale(images), labels))
""",
}

EXPECT = {"training_dataset": "pass"}
