"""What the screens read from the app, typed: :class:`SessionApp` (the examples, the first one, the
session's model, an image to open the draw screen on) and :func:`session_app` to reach it from a widget."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    import numpy as np
    from textual.dom import DOMNode

    from ...core import Example
    from ...data.image_sets import ImageSet
    from ...images import Preprocessed
    from ...teach.quiz import Score
    from .messages import ModelReady


class SessionApp(Protocol):
    """The app as the screens see it (``ConvnetApp`` provides it; mypy checks that in ``ui/app.py``)."""

    #: The explorer's examples, in the contents' order.
    examples: list[Example]
    #: The example the explorer opens on.
    initial_example: int
    #: An image to open the draw screen on (``convnet-tui --image``) and its path; the screen takes it once.
    draw_image: tuple[Preprocessed, str] | None
    #: A picture for a model of 32x32 RGB images (``--data RGBSET --image``): its pixels and its path.
    draw_colour: tuple[np.ndarray, str] | None
    #: Another image set the app trains on (``convnet-tui --data``); None: MNIST.
    image_set: ImageSet | None
    #: The quiz score of the session (every screen's quiz adds to it).
    quiz_score: Score
    #: The mode shown before the current one (Esc on the lessons screen goes back to it), if any.
    previous_mode: str | None

    @property
    def trained(self) -> ModelReady | None:
        """The model trained or loaded in this session, if any."""
        ...


def session_app(node: DOMNode) -> SessionApp:
    """The app of ``node``, typed as the screens use it (every screen runs in ``ConvnetApp``)."""
    return cast("SessionApp", node.app)
