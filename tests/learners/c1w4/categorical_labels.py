"""Wrong: label_mode='categorical' (one-hot pairs) for a two-class problem with a sigmoid."""

CELLS = {
    "ex1-training-dataset": """\
def training_dataset():
    dataset = tf.keras.utils.image_dataset_from_directory(
        directory=DATA_DIR, image_size=(150, 150), batch_size=10, label_mode="categorical"
    )
    return dataset.map(lambda x, y: (x / 255.0, y))
""",
}

EXPECT = {"training_dataset": {"labelled 0": "one number per image"}}
