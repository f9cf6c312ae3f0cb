"""A small network of the learner's own (two blocks of 8 and 16 filters, Dense(32)), Adam as
an object and 'Adam' nowhere: trained, it reaches 99.9% and its callback stops it.
Graded end to end."""

CELLS = {
    "ex2-create-and-compile-model": """\
def create_and_compile_model():
    model = tf.keras.models.Sequential([
        tf.keras.Input(shape=(150, 150, 3)),
        tf.keras.layers.Conv2D(8, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(32, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
                  loss=tf.keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
    return model
""",
}

EXPECT = {"create_and_compile_model": "pass", "train_happy_sad_model": "pass"}

CLI = True
