"""A callback whose own __init__ forgets super().__init__(); Keras still accepts it."""

CELLS = {
    "ex2-early-stopping-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def __init__(self):
        self.target = 0.98

    def on_epoch_end(self, epoch, logs=None):
        if logs.get("accuracy", 0) >= self.target:
            print(f"Reached {self.target:.0%} accuracy, stopping")
            self.model.stop_training = True
""",
}

EXPECT = {"EarlyStoppingCallback": "pass"}
