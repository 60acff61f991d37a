import threading

import pytest

from musicstudio.core import Key, Note
from musicstudio.core.clip import Clip
from musicstudio.generators.interface import CancelToken, GenerationCancelled, GenerationRequest, Take

SEED = Clip((Note(60, 0, 480, 100),), 1920)


def test_request_checks_its_parameters():
    for bad in ({"bars": 0}, {"variations": 0}, {"temperature": 0}, {"top_p": 0}, {"top_p": 1.5},
                {"pitch_range": (60, 50)}, {"pitch_range": (-1, 50)}, {"meter": (3, 5)}, {"meter": (0, 4)}):
        with pytest.raises(ValueError):
            GenerationRequest(SEED, **bad)



def test_a_fill_request_says_so_and_keeps_its_context_out_of_the_record():
    after = Clip((Note(67, 0, 480, 100),), 1920)
    request = GenerationRequest(SEED, bars=2, after=after, others=(Clip((Note(48, 0, 1920, 80),), 7680),))
    assert request.fills and not GenerationRequest(SEED).fills
    record = request.record()
    assert record["fill"] is True and not {"seed", "after", "others"} & set(record)
    assert "fill" not in GenerationRequest(SEED).record()

def test_key_lock_and_range():
    request = GenerationRequest(SEED, key=Key(0), pitch_range=(48, 72))
    assert request.allows(60) and not request.allows(61) and not request.allows(74) and not request.allows(47)
    assert GenerationRequest(SEED).allows(61)


def test_the_record_is_plain_data_for_the_project_file():
    request = GenerationRequest(SEED, bars=8, variations=2, temperature=0.9, random_seed=42, key=Key(-3, True))
    take = Take((Note(62, 0, 240, 90),), 3840, "lstm", "lstm-events", request.record(), variation=1)
    record = take.record()
    assert record == {"backend": "lstm", "model": "lstm-events", "variation": 1, "bars": 8, "variations": 2,
                      "temperature": 0.9, "top_p": 1.0, "random_seed": 42, "key": [-3, 1],
                      "pitch_range": [0, 127], "options": {}, "meter": [4, 4]}


def test_a_take_completes_the_seeds_bar_then_counts_bars_of_the_requests_meter():
    three = GenerationRequest(Clip((), 1440 * 2), bars=8, meter=(3, 4))
    assert three.bar == 1440 and three.take_length() == 8 * 1440           # the seed ends on a bar line
    assert three.take_length(1440 + 480) == 960 + 8 * 1440                 # a beat into a bar: two to finish it
    assert GenerationRequest(SEED, bars=2, meter=(6, 8)).take_length(0) == 2 * 1440
    assert GenerationRequest(SEED, bars=1, meter=(9, 8)).bar == 2160
    assert GenerationRequest(SEED, bars=4).take_length() == 4 * 1920       # 4/4 by default, as before


def test_a_scale_lock_and_its_record():
    from musicstudio.core.scale import parse_scale

    request = GenerationRequest(SEED, key=parse_scale("A harmonic minor"))
    assert request.allows(68) and not request.allows(67)          # G# in, G out
    assert request.record()["key"] == ["A", "harmonic minor"]


def test_cancel_from_another_thread():
    token = CancelToken()
    token.check()
    threading.Thread(target=token.cancel).start()
    while not token.cancelled:
        pass
    with pytest.raises(GenerationCancelled):
        token.check()
