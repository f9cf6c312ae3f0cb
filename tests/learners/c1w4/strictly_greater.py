"""Wrong at the boundary: logs.get('accuracy') > 0.999, with logs={}."""

CELLS = {
    "ex3-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs={}):
        if logs.get("accuracy") > 0.999:
            print("\\nReached 99.9% accuracy so cancelling training!")
            self.model.stop_training = True
""",
}

EXPECT = {"EarlyStoppingCallback": {"at exactly": ">="}}
