"""Its own __init__ keeping the target accuracy, and logs.get."""

CELLS = {
    "ex3-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def __init__(self, target=0.999):
        super().__init__()
        self.target = target

    def on_epoch_end(self, epoch, logs=None):
        if logs.get("accuracy") >= self.target:
            print("\\nReached 99.9% accuracy so cancelling training!")
            self.model.stop_training = True
""",
}

EXPECT = {"EarlyStoppingCallback": "pass"}
