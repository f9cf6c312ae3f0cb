"""Wrong: // 255 (integer division) leaves only 0s and 1s."""

CELLS = {
    "ex1-reshape-and-normalize": """\
def reshape_and_normalize(images):
    images = images.reshape(-1, 28, 28, 1) // 255
    return images
""",
}

EXPECT = {"reshape_and_normalize": {"float array": "float", "divides": "255"}}
