"""The GAN backend: a MidiNet-style conditional convolutional GAN that writes one bar at a time as a
piano roll, conditioned on the bar before it and on a chord."""

from musicstudio.generators.capabilities import ChordFollower
from musicstudio.generators.family import Backend
from musicstudio.generators.gan.options import ChordOptions

CRITIC = "critic"   # the critic's weights, beside the generator's: fine-tuning goes on with both

BACKEND = Backend(
    name="gan", summary="bar-by-bar piano-roll GAN that follows chords",
    implementation="musicstudio.generators.gan.backend", capabilities=frozenset({ChordFollower}),
    options=ChordOptions, fine_tuner="musicstudio.generators.fine_tune.gan:fine_tune_gan",
    fine_tune_meters=("bar",), weight_folders=(CRITIC,),
    meters=((4, 4), (2, 2)))   # one bar is 16 steps of the 16th grid: 4/4 (and 2/2, the same bar)
