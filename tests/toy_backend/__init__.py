"""A toy model family for tests, declared as any backend package declares itself: a model that plays
the seed's last bar again and again. Nothing in musicstudio names it: MUSICSTUDIO_BACKENDS does."""

from musicstudio.generators.family import Backend

BACKEND = Backend(name="echo", summary="repeats the seed's last bar", implementation="toy_backend.model")
