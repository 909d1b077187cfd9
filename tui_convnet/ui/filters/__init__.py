"""The filter gallery: what each filter of a convolution looks for, layer by layer."""
