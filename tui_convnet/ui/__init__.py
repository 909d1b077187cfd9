"""The Textual app: one folder per screen (its module, widgets and .tcss), ``common`` for what several share."""
