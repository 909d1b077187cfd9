"""The explorer screen: one layer's input, kernels and output, stepped one position at a time."""
