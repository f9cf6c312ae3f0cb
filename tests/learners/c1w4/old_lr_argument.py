"""Wrong for Keras 3: RMSprop(lr=0.001), the argument's name before it became learning_rate."""

CELLS = {
    "ex2-create-and-compile-model": """\
def create_and_compile_model():
    model = tf.keras.models.Sequential([
        tf.keras.Input(shape=(150, 150, 3)),
        tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Conv2D(32, (3, 3), activation="relu"),
        tf.keras.layers.MaxPooling2D(2, 2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy",
                  optimizer=tf.keras.optimizers.RMSprop(lr=0.001),
                  metrics=["accuracy"])
    return model
""",
}

EXPECT = {"create_and_compile_model": {"*": "learning_rate"}}
