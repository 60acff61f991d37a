"""The n-gram Markov baseline: the bar every neural backend must clear."""
