"""Dividing by np.max(images) instead of 255 (MNIST's brightest pixel is 255 in every split)."""

CELLS = {
    "ex1-reshape-and-normalize": """\
def reshape_and_normalize(images):
    images = np.reshape(images, (len(images), 28, 28, 1))
    images = images / np.max(images)
    return images
""",
}

EXPECT = {"reshape_and_normalize": "pass"}
