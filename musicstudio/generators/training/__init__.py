"""Training: data from the corpus, the ``musicstudio train`` command, the torch loop and model outputs."""
