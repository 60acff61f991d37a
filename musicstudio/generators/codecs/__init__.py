"""Codecs: reversible translations between notes and arrays, one module per representation.

Every codec works on the 16th grid (:mod:`.grid`), uses numpy only, and offers ``encode``,
``decode``, ``expected`` (what a round trip gives back) and ``vocabulary()`` (a dict for a checkpoint
config; :func:`codec_from_vocabulary` rebuilds the codec from it).
"""

from musicstudio.generators.codecs.events import EventCodec
from musicstudio.generators.codecs.melody import MelodyCodec
from musicstudio.generators.codecs.notes import NotesCodec
from musicstudio.generators.codecs.pianoroll import PianorollCodec

CODECS = {"melody": MelodyCodec, "events": EventCodec, "notes": NotesCodec, "pianoroll": PianorollCodec}


def codec_from_vocabulary(vocab: dict):
    """The codec a checkpoint's vocabulary describes."""
    try:
        cls = CODECS[vocab["codec"]]
    except KeyError:
        raise ValueError(f"unknown codec in vocabulary: {vocab.get('codec')!r}") from None
    return cls.from_vocabulary(vocab)


__all__ = ["CODECS", "EventCodec", "MelodyCodec", "NotesCodec", "PianorollCodec", "codec_from_vocabulary"]
