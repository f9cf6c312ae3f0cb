"""reshape(-1, 28, 28, 1): numpy works out the number of images."""

CELLS = {
    "ex1-reshape-and-normalize": """\
def reshape_and_normalize(images):
    images = images.reshape(-1, 28, 28, 1)
    images = images / 255.0
    return images
""",
}

EXPECT = {"reshape_and_normalize": "pass"}
