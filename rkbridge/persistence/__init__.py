"""Models on disk and from the network: atomic saves in every format, the serialization
registry and model state, downloads through Keras's cache."""
