"""What several screens share: the footer, the help screen, the colour palette, messages, heatmaps, plots."""
