"""C-style parentheses around the condition and logs without a default."""

CELLS = {
    "ex2-early-stopping-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs):
        if(logs['accuracy'] >= 0.98):
            self.model.stop_training = True
            print("\\nReached 98% accuracy so cancelling training!")
""",
}

EXPECT = {"EarlyStoppingCallback": "pass"}
