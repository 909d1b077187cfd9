"""Training with Keras/TensorFlow, without Textual: the model, the runs and their events, the worker process
the interface asks, the command-line train and predict."""
