"""The lesson screens: the pattern, sharing, receptive-field, dropout and backprop lessons and their views."""
