"""The GAN backend: a MidiNet-style conditional convolutional GAN that writes one bar at a time as a
piano roll, conditioned on the bar before it and on a chord."""

from musicstudio.generators.capabilities import ChordFollower
from musicstudio.generators.family import Backend
from musicstudio.generators.gan.options import ChordOptions

CRITIC = "critic"   # the critic's weights, beside the generator's: fine-tuning goes on with both

# the meters whose bar fits the meter-aware GAN's 24-step roll (gan-nc, trained before, writes 4/4 and 2/2
# only and says so itself)
METERS = ((2, 4), (3, 4), (4, 4), (5, 4), (6, 4), (2, 2), (3, 2), (3, 8), (6, 8), (9, 8), (12, 8))

BACKEND = Backend(
    name="gan", summary="bar-by-bar piano-roll GAN that follows chords",
    implementation="musicstudio.generators.gan.backend", capabilities=frozenset({ChordFollower}),
    options=ChordOptions, fine_tuner="musicstudio.generators.fine_tune.gan:fine_tune_gan",
    fine_tune_meters=("bar",), weight_folders=(CRITIC,),
    meters=METERS, meters_before=((4, 4), (2, 2)), meter_key="meter_channels")

