"""Wrong for Keras 3: logs['acc'], the name older Keras gave the accuracy."""

CELLS = {
    "ex2-early-stopping-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if logs["acc"] >= 0.995:
            print("\\nReached 99.5% accuracy so cancelling training!")
            self.model.stop_training = True
""",
}

EXPECT = {"EarlyStoppingCallback": {"training": "accuracy"}}
