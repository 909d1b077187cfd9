"""The training screen: settings form, live progress and results of a Keras training run."""
