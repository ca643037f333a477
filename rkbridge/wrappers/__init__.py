"""The wrapped Keras surface under its R names, and the argument rules every wrapper shares:
converters, the 1-based rule, the call path that binds and converts (`args`), the axis
rules and dialects (`axes`, `dialect`)."""
