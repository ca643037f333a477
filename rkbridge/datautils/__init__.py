"""Data sets and preprocessing: the Keras datasets, tf.data verbs (tfdatasets), keras 2.x
text and image preprocessing, the feature space, vocabularies, labels and sparse matrices."""
