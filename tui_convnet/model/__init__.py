"""A trained network as the screens and the command line use it, numpy only (no Keras, no interface).

- :mod:`.bundled` — the model that ships with the package (``assets/model/``): its spec, its weights as
  plain arrays and what it scored, read without TensorFlow;
- :mod:`.summary` — the Rich tables shared by the command line and the app: the model summary and the
  confusion matrix.
"""
