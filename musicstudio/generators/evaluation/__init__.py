"""Evaluation of generated music: features, set comparison, novelty, likelihood, audio level and reports.

Numbers come from numpy alone; :mod:`.pictures` imports matplotlib when it draws, and :mod:`.audio_level`
renders with FluidSynth when asked. Every function takes the notes of one phrase (core Notes, 480 PPQ) on
4/4 bars of 1920 ticks unless a bar length is given; the modules' docstrings state each definition.

- :mod:`.features`: Yang & Lerch (2018) / mgeval and MusPy features of one phrase
- :mod:`.musegan`: MuseGAN's EB, UPC, QN and tonal distance
- :mod:`.overlap`: intra- and inter-set distance densities, overlapping area and KL divergence
- :mod:`.novelty`: longest span copied from the training set, cosine similarity of style vectors
- :mod:`.likelihood`: cross-entropy, perplexity, per-note likelihood and accuracies of a sequence model
- :mod:`.audio_level`: energy and level of a FluidSynth render
- :mod:`.pictures`: piano roll, histograms and loss curves as PNG
- :mod:`.report`: JSON and Markdown report
- :mod:`.side_by_side`: two models' reports in one table (a licence-clean default beside its ``-nc`` model)
"""
