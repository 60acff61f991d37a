"""Saliency: which notes of a seed shaped a take, one score per note, by integrated gradients (or gradient x
input) of the take's log-likelihood over the embeddings the model reads, and for a model decoded with a copy
cache, what the cache adds given to the notes it copied (:mod:`.pointer`) (:func:`attribute`); the measure on
held-out repeats (:mod:`.report`) and the picture (:mod:`.picture`). No Qt."""
