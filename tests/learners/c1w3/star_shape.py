"""reshape(*images.shape, 1): the shape unpacked, a channel axis added."""

CELLS = {
    "ex1-reshape-and-normalize": """\
def reshape_and_normalize(images):
    images = images.reshape(*images.shape, 1)
    images = images / 255.0
    return images
""",
}

EXPECT = {"reshape_and_normalize": "pass"}
