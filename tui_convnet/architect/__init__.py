"""Your own architecture, outside Textual: the editor's state (:mod:`.editor`) and the model file (:mod:`.spec_file`).

Pure: the core, numpy and the standard library (``tomllib``); the screen is ``tui_convnet.ui.architect``.
"""
