"""Plain helpers every layer may use, importing nothing else of the package (an import-linter contract).

- :mod:`.fileio` — paths the user typed, atomic writes, zip archives checked before they are read;
- :mod:`.npy_header` — a ``.npy`` header (shape, order, dtype) read without its data;
- :mod:`.paths` — where the bundled assets live;
- :mod:`.settings` — the student's choices kept between runs (the theme);
- :mod:`.visible` — user-supplied text with its control characters made visible;
- :mod:`.colours` — the value colours as plain RGB, for the screens and the printable handout.
"""
