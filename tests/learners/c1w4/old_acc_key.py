"""Wrong for Keras 3: logs.get('acc'), the older name of the accuracy."""

CELLS = {
    "ex3-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if logs.get("acc") >= 0.999:
            print("\\nReached 99.9% accuracy so cancelling training!")
            self.model.stop_training = True
""",
}

EXPECT = {"EarlyStoppingCallback": {"training": "accuracy"}}
