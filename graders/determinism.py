"""Seeds and op determinism, set the same way by the grader and the self-check cells."""

from __future__ import annotations

#: The seed every grading run uses.
SEED = 42


def seed_everything(seed: int = SEED, tensorflow: bool = True) -> None:
    """Seed Python, NumPy and TensorFlow and make TensorFlow's ops deterministic; with
    tensorflow False (a quiz), only Python and NumPy, so that TensorFlow never starts."""
    if not tensorflow:
        import random

        import numpy

        random.seed(seed)
        numpy.random.seed(seed)
        return
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
