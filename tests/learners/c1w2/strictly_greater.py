"""Wrong at the boundary: `>` instead of `>=`, with the old `logs={}` default, as most
public solutions of the 99% version wrote it."""

CELLS = {
    "ex2-early-stopping-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs={}):
        if logs.get("accuracy") > 0.98:
            print("\\nReached 98% accuracy so cancelling training!")
            self.model.stop_training = True
""",
}

EXPECT = {"EarlyStoppingCallback": {"at exactly": ">="}}
