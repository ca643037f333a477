"""Training runs: tfruns's flags() and TensorBoard."""
