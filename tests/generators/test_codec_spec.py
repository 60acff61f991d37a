"""One codec factory for training configs: :func:`codec_from_spec`."""

import pytest

from musicstudio.generators.backends import all_configs
from musicstudio.generators.codecs import EventCodec, MelodyCodec, codec_from_spec, codec_from_vocabulary


def test_every_shipped_config_names_a_codec_that_round_trips_through_its_vocabulary():
    for name, (backend, config) in all_configs().items():
        codec = codec_from_spec(config["codec"])
        assert codec_from_vocabulary(codec.vocabulary()).vocabulary() == codec.vocabulary(), (backend, name)


def test_the_spec_gives_the_codec_its_arguments():
    melody = codec_from_spec({"codec": "melody", "low": 48, "high": 84})
    assert isinstance(melody, MelodyCodec) and (melody.low, melody.high) == (48, 84)
    assert isinstance(codec_from_spec({"codec": "events", "low": 0, "high": 127}), EventCodec)


def test_an_unknown_codec_is_named():
    with pytest.raises(ValueError, match="'words'"):
        codec_from_spec({"codec": "words"})
