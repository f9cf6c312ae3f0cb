"""Each dimension read from images.shape and the parameter renamed, as many public
solutions write it."""

CELLS = {
    "ex1-reshape-and-normalize": """\
def reshape_and_normalize(training_images):
    training_images = training_images.reshape(
        training_images.shape[0], training_images.shape[1], training_images.shape[2], 1
    )
    training_images = training_images / 255.0
    return training_images
""",
}

EXPECT = {"reshape_and_normalize": "pass"}
