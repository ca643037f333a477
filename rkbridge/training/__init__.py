"""Models and what feeds them: the verbs (`model`), the one data path (`data_path`, applying
the rules of `data`), streams (`generators`, `batches`), callbacks, history and progress,
R-defined classes, and the multi-worker runner."""
