"""The drum backend: continue a drum groove in its meter (General MIDI drums, channel 10)."""

from musicstudio.generators.capabilities import DrumWriter
from musicstudio.generators.family import Backend

BACKEND = Backend(
    name="drums", summary="LSTM over drum-set tokens (one a 16th step) with a meter-aware bar position",
    implementation="musicstudio.generators.drums.backend", capabilities=frozenset({DrumWriter}))
