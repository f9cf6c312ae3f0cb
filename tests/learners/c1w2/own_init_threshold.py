"""A callback with its own __init__ that keeps the threshold (default 0.98) on self."""

CELLS = {
    "ex2-early-stopping-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def __init__(self, threshold=0.98):
        super().__init__()
        self.threshold = threshold

    def on_epoch_end(self, epoch, logs=None):
        if logs["accuracy"] >= self.threshold:
            self.model.stop_training = True
""",
}

EXPECT = {"EarlyStoppingCallback": "pass"}
