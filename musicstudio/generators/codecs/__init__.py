"""Codecs: reversible translations between notes and arrays, one module per representation.

Every codec works on the 16th grid (:mod:`.grid`), uses numpy only, and offers ``encode``,
``decode``, ``expected`` (what a round trip gives back) and ``vocabulary()`` (a dict for a checkpoint
config; :func:`codec_from_vocabulary` rebuilds the codec from it). A training config names its codec
with a spec, ``{"codec": "events", "low": 0, ...}``: :func:`codec_from_spec` builds it.
"""

from musicstudio.generators.codecs.drums import DrumCodec
from musicstudio.generators.codecs.events import EventCodec
from musicstudio.generators.codecs.melody import MelodyCodec
from musicstudio.generators.codecs.notes import NotesCodec
from musicstudio.generators.codecs.pianoroll import PianorollCodec

CODECS = {"melody": MelodyCodec, "events": EventCodec, "notes": NotesCodec, "pianoroll": PianorollCodec,
          "drums": DrumCodec}


def codec_from_vocabulary(vocab: dict):
    """The codec a checkpoint's vocabulary describes."""
    try:
        cls = CODECS[vocab["codec"]]
    except KeyError:
        raise ValueError(f"unknown codec in vocabulary: {vocab.get('codec')!r}") from None
    return cls.from_vocabulary(vocab)


def codec_from_spec(spec: dict):
    """The codec a training config's ``codec`` entry describes: its kind under ``"codec"``, the rest the
    codec's arguments (``{"codec": "melody", "low": 48, "high": 84}``)."""
    args = dict(spec)
    kind = args.pop("codec", None)
    try:
        cls = CODECS[kind]
    except KeyError:
        raise ValueError(f"unknown codec in the config: {kind!r} (known: {', '.join(CODECS)})") from None
    return cls(**args)


__all__ = ["CODECS", "DrumCodec", "EventCodec", "MelodyCodec", "NotesCodec", "PianorollCodec", "codec_from_spec",
           "codec_from_vocabulary"]
