"""The infill backend: fill bars between the track's bars before and after them (issue 18), with the
meter-aware event LSTM reading rearranged sequences (the bars after the gap first, then the bars before
it, then the gap: :mod:`.sequences`)."""

from musicstudio.generators.capabilities import Controllable, Infiller
from musicstudio.generators.family import Backend

BACKEND = Backend(
    name="infill", summary="fills bars hearing the track's own bars before and after the gap, and the other "
                           "tracks' harmony: the meter-aware event LSTM on rearranged sequences",
    implementation="musicstudio.generators.infill.backend", capabilities=frozenset({Infiller, Controllable}))
