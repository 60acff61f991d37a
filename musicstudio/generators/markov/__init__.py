"""The n-gram Markov baseline: the bar every neural backend must clear."""

from musicstudio.generators.capabilities import Scorer
from musicstudio.generators.family import Backend

BACKEND = Backend(
    name="markov", summary="n-gram baseline over a token codec",
    implementation="musicstudio.generators.markov.backend", capabilities=frozenset({Scorer}), cpu_only=True,
    fine_tuner="musicstudio.generators.fine_tune.markov:fine_tune_markov")
