"""The training screen's keys (the footer and ? list them) and its help text (? shows it)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

BINDINGS: list[BindingType] = [
    Binding("s", "start", "Start", tooltip="Start training with the settings on the left"),
    Binding("c", "cancel", "Cancel", tooltip="Stop training at the end of the current batch"),
    Binding(
        "escape",
        "cancel",
        "Cancel",
        show=False,
        tooltip="Stop training at the end of the batch, or leave a text field",
    ),
    Binding("w", "save", "Save", tooltip="Save the model to the .keras file named on the left"),
    Binding("l", "load", "Load", tooltip="Load the .keras model named on the left and evaluate it"),
    Binding(
        "u",
        "use_model",
        "Use model",
        show=False,  # the Use button and the Results tab say it (the footer has no room left)
        tooltip="Use the model shown in Results on every screen (until then they keep the bundled model)",
    ),
    Binding("n", "gallery(1)", "Digits", key_display="n/p", tooltip="Next page of test digits"),
    Binding("p", "gallery(-1)", "Previous digits", show=False, tooltip="Previous page of test digits"),
    Binding("h", "toggle_side", "Panel", tooltip="Hide or show the settings panel (more room for the tabs)"),
    Binding("a", "all_digits", "All digits", show=False, tooltip="Show every test digit (undo a confusion cell)"),
    Binding("q", "request_quit", "Quit", tooltip="Quit (asks first while a model trains)"),
]

HELP = """\
## Train the lecture's ConvNet

The model is the lecture's Keras ConvNet — Conv2D 32/64/64 (3×3, ReLU), MaxPooling 2×2, Dense 64 ReLU,
Dense 10 softmax — compiled with rmsprop, categorical cross-entropy and accuracy. The digits are
scaled to [0, 1] and the labels one-hot, as in the lecture.

1. Check the settings on the left. The **Model** tab shows every layer's output shape and parameter
   count with the arithmetic. *Dropout 0.5* inserts `Dropout(0.5)` before the last Dense layer (the
   lecture's last slide). The validation split is cut from the shuffled training digits.
2. Press **s** to start. The **Training** tab shows the epoch and batch bars with samples per second
   and the time left, the loss and accuracy curves (training per batch, validation per epoch) and one
   line per epoch. **c** (or Esc) stops at the end of the current batch; a NaN loss stops by itself.
3. When training ends, **Results** shows the test loss and accuracy, the confusion matrix with each
   digit's accuracy, and test digits with predicted and true labels, mistakes first (**n**/**p**).
   Press **u** to use the model on every screen (until then they keep the bundled model; a cancelled
   run is never offered), then **i** to look inside it. Ctrl+P, *Use the bundled model* goes back.

**w** saves the model to the `.keras` file named on the left (written atomically); **l** loads one.
Full MNIST (60,000 training digits) is used when it is in the Keras cache, else the bundled sample.
TensorFlow runs in a process of its own, so the keys never wait for it.
"""
