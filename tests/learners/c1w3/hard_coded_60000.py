"""Wrong: reshape(60000, 28, 28, 1), the size of the training set written in; the notebook
says to read it from images.shape."""

CELLS = {
    "ex1-reshape-and-normalize": """\
def reshape_and_normalize(images):
    images = images.reshape(60000, 28, 28, 1)
    images = images / 255.0
    return images
""",
}

EXPECT = {"reshape_and_normalize": {"float array": "images.shape"}}
