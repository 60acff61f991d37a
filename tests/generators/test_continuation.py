"""The sampling loop every token backend shares (continuation.continue_phrase), with a model that always wants
one token: the time shifts it may draw near a take's end never carry it past the end, a row that names note after
note at one step is made to move on after MAX_EVENTS_PER_STEP of them, and each take is the notes of the tokens its
own row drew until it reached its end (the loop goes on drawing for every row while the others finish)."""

import numpy as np
import pytest
from grid_notes import quarter_line

from musicstudio.generators.codecs import codec_from_spec
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.lstm.configs import CONFIGS
from musicstudio.generators.phrases import MAX_EVENTS_PER_STEP, TokenPhrases

PHRASES = TokenPhrases(codec_from_spec(CONFIGS["lstm-tiny"]["codec"]))
STEPS = PHRASES.steps_of()


class Wants:
    """A token model that puts nearly all its mass on ``token`` (``then`` second) and records what each row
    draws."""

    def __init__(self, token: int, then: int | None = None):
        self.token, self.then, self.drawn = token, then, []

    def begin(self, seed, rows, meter):
        return rows

    def log_probs(self, rows):
        log_p = np.full((rows, len(STEPS)), -30.0)
        if self.then is not None:
            log_p[:, self.then] = -5.0
        log_p[:, self.token] = 0.0
        return log_p

    def push(self, rows, tokens):
        self.drawn.append(tokens.copy())
        return rows


def _rows(model: Wants) -> np.ndarray:
    return np.array(model.drawn).T     # (rows, steps drawn)


def _own(row: np.ndarray, target: int) -> np.ndarray:
    """A row's tokens up to the one that brings it to ``target`` steps (the loop goes on drawing for a row that
    is done while the others finish), checking that one lands on the target exactly."""
    reached = np.cumsum(STEPS[row])
    end = int(np.searchsorted(reached, target))
    assert end < len(row) and reached[end] == target
    return row[:end + 1]


@pytest.mark.parametrize("meter", [(3, 4), (4, 4), (5, 8)])
def test_near_the_end_no_time_shift_carries_a_take_past_it(meter):
    longest = int(np.argmax(STEPS))                   # the longest shift: 16 steps, more than a bar of 3/4
    model = Wants(longest)
    request = GenerationRequest(seed=quarter_line([60, 62], 1), bars=3, variations=3, random_seed=2, meter=meter)
    takes = continue_phrase(model, PHRASES, request, "test", "wants")
    target = takes[0].length // PHRASES.step_ticks
    fits = target // STEPS[longest]
    for row in _rows(model):
        assert (_own(row, target)[:fits] == longest).all()    # it took its shift while that still fitted


def test_a_row_naming_note_after_note_at_one_step_is_made_to_move_on():
    model = Wants(64 - PHRASES.codec.low, then=PHRASES.codec.first_shift)   # E4's note-on, which takes no time;
                                                                             # then the shortest shift
    request = GenerationRequest(seed=quarter_line([60, 62], 1), bars=1, variations=2, random_seed=4)
    takes = continue_phrase(model, PHRASES, request, "test", "wants")
    target = takes[0].length // PHRASES.step_ticks
    for row in _rows(model):
        moves = np.flatnonzero(STEPS[_own(row, target)] > 0)
        gaps = np.diff(np.concatenate([[-1], moves]))   # tokens from one move to the next, the move included
        assert len(moves) > 8 and gaps.max() == MAX_EVENTS_PER_STEP + 1


def test_each_take_holds_its_rows_tokens_up_to_its_end():
    """Rows end at different steps; each take is its own row's tokens up to that row's end, as notes."""
    rng = np.random.default_rng(0)

    class Anything(Wants):
        def log_probs(self, rows):        # any token: the rows play different notes and end at different steps
            return np.log(rng.random((rows, len(STEPS))))

    model = Anything(0)
    request = GenerationRequest(seed=quarter_line([60], 1), bars=2, variations=4, random_seed=1)
    takes = continue_phrase(model, PHRASES, request, "test", "anything")
    target = takes[0].length // PHRASES.step_ticks
    own = [_own(row, target) for row in _rows(model)]
    assert len({len(tokens) for tokens in own}) > 1 and max(len(tokens) for tokens in own) == len(model.drawn)
    seed_tokens, seed_steps, shift = PHRASES.seed_tokens(request.seed)
    for tokens, take in zip(own, takes):
        assert take.notes == PHRASES.take_notes(seed_tokens, tokens, seed_steps, target, shift, 90)
        assert len(take.notes) > 5
    assert len({take.notes for take in takes}) == len(takes)
