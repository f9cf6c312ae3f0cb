"""Its own __init__ with the threshold as a parameter, and logs.get with a default."""

CELLS = {
    "ex2-early-stopping-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def __init__(self, threshold=0.995):
        super(EarlyStoppingCallback, self).__init__()
        self.threshold = threshold

    def on_epoch_end(self, epoch, logs=None):
        if logs.get("accuracy", 0.0) >= self.threshold:
            print("\\nReached 99.5% accuracy so cancelling training!")
            self.model.stop_training = True
""",
}

EXPECT = {"EarlyStoppingCallback": "pass"}
