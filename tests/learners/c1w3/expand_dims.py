"""np.expand_dims(images, axis=-1), then / 255 (an integer literal)."""

CELLS = {
    "ex1-reshape-and-normalize": """\
def reshape_and_normalize(images):
    images = np.expand_dims(images, axis=-1)
    images = images / 255
    return images
""",
}

EXPECT = {"reshape_and_normalize": "pass"}
