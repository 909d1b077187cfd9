"""The inspect screen: one picture through every layer of a trained model."""
