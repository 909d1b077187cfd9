"""``python -m tui_convnet``: the command line (:func:`tui_convnet.cli.main`)."""

import sys

from .cli import main

sys.exit(main())
