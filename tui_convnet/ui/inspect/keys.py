"""The inspect screen's keys (the footer and ? list them) and its help text (? shows it)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

BINDINGS: list[BindingType] = [
    Binding("left", "digit(-1)", "Digit", key_display="←/→", tooltip="Previous test digit"),
    Binding("right", "digit(1)", "Next digit", show=False, tooltip="Next test digit"),
    # with a receptive field shown the arrows move its cell: the footer says so (check_action picks one pair)
    Binding("left", "cell(-1)", "Cell", key_display="←/→", tooltip="The receptive field's cell one to the left"),
    Binding("right", "cell(1)", "Next cell", show=False, tooltip="The receptive field's cell one to the right"),
    Binding("n", "next_misclassified", "Wrong", tooltip="Next test digit the model gets wrong"),
    # Not in the footer (it must leave room for the app's keys at 130 columns): ? lists them.
    Binding(
        "l", "next_layer(1)", "Layer", show=False, tooltip="Scroll to the next layer (or to a conv layer's kernels)"
    ),
    Binding(
        "p",
        "next_layer(-1)",
        "Prev layer",
        show=False,
        tooltip="Scroll back to the previous layer (or kernels)",
    ),
    Binding(
        "left_square_bracket",
        "select_map(-1)",
        "Map",
        key_display="[/]",
        tooltip="Choose the previous first-layer feature map (or click one)",
    ),
    Binding(
        "right_square_bracket",
        "select_map(1)",
        "Next map",
        show=False,
        tooltip="Choose the next first-layer feature map (or click one)",
    ),
    Binding(
        "s",
        "step_through",
        "Step",
        tooltip="Step through the chosen feature map in the explorer: this digit, the learned kernel and bias, ReLU",
    ),
    Binding(
        "c",
        "kernel_channel(1)",
        "Kernel ch.",
        show=False,
        tooltip="Show the deeper layers' kernels for the next input channel",
    ),
    Binding(
        "f",
        "field",
        "Field",
        tooltip="The receptive field of a feature-map cell, drawn on the digit (or click a cell); f again: done",
    ),
    Binding(
        "k",
        "keras_check",
        "Check with Keras",
        show=False,
        tooltip="Compute every layer with Keras too and compare (loads TensorFlow)",
    ),
    Binding(
        "h",
        "hierarchy",
        "Hierarchy",
        show=False,
        tooltip="The lesson 'A hierarchy of features' on this digit and this model",
    ),
    # Not in the footer (Help and Quit must fit at 130 columns): the "digit #" box says it, ? lists it.
    Binding("g", "focus_index", "Go to #", show=False, tooltip="Type the number of a test digit, then Enter"),
    Binding("o", "focus_path", "Open", tooltip="Type the path of a saved .keras model, then Enter"),
    Binding("escape", "leave_input", "Back", show=False, tooltip="Leave the input box"),
    Binding("up", "scroll_layers('up')", "Scroll", show=False, tooltip="Scroll the layers up"),
    Binding("down", "scroll_layers('down')", "Scroll", show=False, tooltip="Scroll the layers down"),
    Binding("pageup", "scroll_layers('page_up')", "Page up", show=False, tooltip="Scroll the layers a page up"),
    Binding(
        "pagedown",
        "scroll_layers('page_down')",
        "Page down",
        show=False,
        tooltip="Scroll the layers a page down",
    ),
    Binding("home", "scroll_layers('home')", "Top", show=False, tooltip="Back to the first layer"),
    Binding("end", "scroll_layers('end')", "Bottom", show=False, tooltip="To the last layer"),
    Binding("G", "grad_cam_layer", "Grad-CAM", show=False, tooltip="Grad-CAM at the next Conv2D layer"),
]

HELP = """\
**Inside the trained network.** A test digit goes through the model layer by layer:
each Conv2D layer's feature maps (one small heatmap per kernel, all on one colour scale),
the pooled maps, the dense activations and the 10 class probabilities. Below each conv
layer are its learned kernels: blue weights are negative, red positive.

The screen opens on the bundled model (trained on the bundled sample; its accuracy on the
official test set is in the header); a model trained (**t**) or opened (**o**) in the session
replaces it, and the header says which model is shown.

Every number is computed by the numpy engine from the model's own weights. For a model trained
or opened in the session Keras computes the same layers in the background; each layer's title
shows the largest difference (`numpy = Keras ✓ max |Δ| …`, it must stay below 1e-4). The bundled
model needs no TensorFlow: press **k** to run that check on it too (TensorFlow loads first).

Press **s** to step through the chosen first-layer feature map in the explorer, one
window at a time, with the real digit, kernel and bias.

**Receptive fields.** Press **f** (or click a cell of any feature map): the cell is marked with ■
and the part of the digit it depends on is drawn on the digit (blue paper, the rest dimmed), with
its size: 3×3 after the first convolution, 18×18 after the third. While it is on, the arrows move
the cell, **l**/**L** go to the next/previous layer with maps, **[**/**]** change the map; **f** or
Esc ends it.
"""
