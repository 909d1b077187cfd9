"""The draw screen: a digit drawn with the mouse or keys, classified live."""
