"""Wrong for Keras 3: logs.get('acc'), the metric's name in Keras before 2.3."""

CELLS = {
    "ex2-early-stopping-callback": """\
class EarlyStoppingCallback(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if logs.get("acc") >= 0.98:
            self.model.stop_training = True
""",
}

EXPECT = {"EarlyStoppingCallback": {"training": "accuracy"}}
