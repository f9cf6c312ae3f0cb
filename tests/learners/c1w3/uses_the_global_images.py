"""Wrong: reshapes `training_images`, the global the data cell loads, instead of its
parameter; graded cells run on their own."""

CELLS = {
    "ex1-reshape-and-normalize": """\
def reshape_and_normalize(images):
    images = training_images.reshape(-1, 28, 28, 1)
    images = images / 255.0
    return images
""",
}

EXPECT = {"reshape_and_normalize": {"*": "self-contained"}}
