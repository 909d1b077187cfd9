"""A trained network as the screens and the command line use it, numpy only (no Keras, no interface).

- :mod:`.model` — the one model type, :class:`~.model.Model`: spec, weights, label and provenance (bundled,
  trained in a run, loaded from a file, seeded); every screen, the lessons and ``predict --image`` run it;
- :mod:`.bundled` — the model that ships with the package (``assets/model/``): its spec, its weights as
  plain arrays and what it scored (its provenance), read without TensorFlow;
- :mod:`.summary` — the Rich tables shared by the command line and the app: the model summary and the
  confusion matrix;
- :mod:`.layer_names` — each layer as the slide names it (Keras 2) beside Keras 3's name.
"""
