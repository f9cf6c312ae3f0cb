"""Indexing with [..., np.newaxis] and dividing in the same line."""

CELLS = {
    "ex1-reshape-and-normalize": """\
def reshape_and_normalize(images):
    return images[..., np.newaxis] / 255.0
""",
}

EXPECT = {"reshape_and_normalize": "pass"}
