"""The architecture screen: change the model's layers and see its summary follow every key."""
