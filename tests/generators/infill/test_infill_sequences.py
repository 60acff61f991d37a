"""The infill model's rearranged training sequences: the bars after the gap, the FILL marker, the bars before
it and the gap, each part in its own time from a bar line; gaps drawn inside the piece; countdown slots for
the gap's tokens; a warm start that begins as the lstm it starts from."""

import numpy as np
import pytest
import torch

from musicstudio.core.note import Note
from musicstudio.generators.checkpoint import save_tensors
from musicstudio.generators.codecs import EventCodec
from musicstudio.generators.infill.gaps import Gap, PieceNotes, arranged_gap, draw_gap
from musicstudio.generators.infill.model import arranged_slots, infill_config
from musicstudio.generators.infill.sequences import IGNORE, MAX_GAP, arrange, fill_token, part_tokens, training_item
from musicstudio.generators.infill.training import SILENT_BIAS, warm_start
from musicstudio.generators.lstm.model import EventLSTM, LSTMConfig
from musicstudio.generators.phrases import TokenPhrases

CODEC = EventCodec()
STEPS_OF = np.concatenate([TokenPhrases(CODEC).steps_of(), np.zeros(MAX_GAP, np.int64)])
BAR = 1920
# one note a bar, the bar's number as its pitch offset: bar k holds pitch 60 + k on its first beat
PIECE = PieceNotes(tuple(Note(60 + k, k * BAR, 480, 90) for k in range(12)), (4, 4))


def _pitches(tokens) -> list[int]:
    return [n.pitch for n in CODEC.decode([t for t in tokens if t < CODEC.size])]


def test_the_parts_come_after_then_marker_then_before_then_gap():
    arranged = arranged_gap(CODEC, STEPS_OF, PIECE, Gap(start=5, bars=2, before=3, after=2))
    tokens = arranged.tokens
    assert tokens[arranged.fill_at] == fill_token(CODEC, 2) == CODEC.size + 1
    assert _pitches(tokens[:arranged.fill_at]) == [67, 68]                 # bars 7-8, after the gap
    assert _pitches(tokens[arranged.fill_at + 1:arranged.gap_at]) == [62, 63, 64]   # bars 2-4, before it
    assert _pitches(tokens[arranged.gap_at:]) == [65, 66]                  # the gap, bars 5-6
    assert arranged.end == 5 * 16 and arranged.hears_after
    # each part's time from its own bar line: the after part and the before part both start at step 0
    assert arranged.steps[0] == 0 and arranged.steps[arranged.fill_at + 1] == 0
    assert arranged.steps[arranged.gap_at] == 3 * 16                       # the gap starts after 3 bars


def test_a_part_cuts_notes_at_its_end_and_keeps_its_silence():
    notes = [Note(60, 0, 3 * BAR, 90), Note(62, BAR + 240, 240, 90)]
    tokens = part_tokens(CODEC, notes, BAR, 2 * BAR)         # the long note started before: not in this part
    assert CODEC.decode(tokens) == (Note(62, 240, 240, 100),)
    assert STEPS_OF[tokens].sum() == 16                       # the whole bar, its silence included
    cut = part_tokens(CODEC, notes, 0, BAR)
    assert CODEC.decode(cut)[0] == Note(60, 0, BAR, 100)     # cut at the part's end


def test_only_the_gap_is_a_target_and_the_marker_says_the_gap_length():
    arranged = arrange(CODEC, STEPS_OF, np.array([60, 260]), np.array([62, 261]), np.array([64, 259]), 3)
    inputs, slots, targets = training_item(arranged, CODEC.size + MAX_GAP, np.arange(len(arranged.tokens)))
    assert list(inputs) == [CODEC.size + MAX_GAP, 60, 260, fill_token(CODEC, 3), 62, 261, 64]
    assert list(targets) == [IGNORE] * 5 + [64, 259]
    assert fill_token(CODEC, 40) == fill_token(CODEC, MAX_GAP) and fill_token(CODEC, 1) == CODEC.size
    continuation = arrange(CODEC, STEPS_OF, np.zeros(0, np.int64), np.array([62]), np.array([64]), 1)
    assert not continuation.hears_after and continuation.fill_at == 0


def test_drawn_gaps_stay_inside_the_piece():
    rng = np.random.default_rng(0)
    sizes = set()
    for bars in (2, 3, 12, 40):
        for _ in range(300):
            gap = draw_gap(bars, rng)
            sizes.add(gap.bars)
            assert 1 <= gap.bars <= min(MAX_GAP, bars - 1) and 0 <= gap.start <= bars - gap.bars
            assert 0 <= gap.before <= gap.start and 0 <= gap.after <= bars - gap.start - gap.bars
    assert draw_gap(1, rng) is None and {1, 2, 3, 4} <= sizes and max(sizes) > 4


def test_gap_tokens_count_down_the_bars_to_the_music_after():
    config = infill_config(LSTMConfig.meter_aware(CODEC.size + MAX_GAP, embed=8, hidden=8), countdown=2)
    plain = config.plain_slots
    arranged = arranged_gap(CODEC, STEPS_OF, PIECE, Gap(start=4, bars=3, before=2, after=1))
    slots = arranged_slots(config, arranged, (4, 4))
    plain_slots = config.position_slots(arranged.steps, (4, 4))
    assert (slots[:arranged.gap_at] == plain_slots[:arranged.gap_at]).all()
    runs = (slots[arranged.gap_at:] - plain_slots[arranged.gap_at:]) // plain
    gap_steps = arranged.steps[arranged.gap_at:]
    # three bars of gap: the first two 'two or more bars to go' (run 2), the last 'one bar to go' (run 1)
    assert list(runs) == [2 if s < arranged.end - 16 else 1 for s in gap_steps] and 1 in runs and 2 in runs
    no_after = arranged_gap(CODEC, STEPS_OF, PIECE, Gap(start=4, bars=3, before=2, after=0))
    assert (arranged_slots(config, no_after, (4, 4)) == config.position_slots(no_after.steps, (4, 4))).all()
    with pytest.raises(ValueError, match="equal runs"):
        type(config)(**{**config.to_dict(), "positions": config.positions + 1})


def test_a_warm_start_begins_as_the_lstm_and_never_predicts_a_marker(tmp_path):
    torch.manual_seed(0)
    lstm = EventLSTM(LSTMConfig.meter_aware(CODEC.size, embed=8, hidden=16)).eval()
    save_tensors(tmp_path, lstm.state_dict())
    infill = EventLSTM(infill_config(LSTMConfig.meter_aware(CODEC.size + MAX_GAP, embed=8, hidden=16), 2)).eval()
    warm_start(infill, CODEC, tmp_path)
    tokens = CODEC.encode(PIECE.notes[:4])
    inputs = torch.from_numpy(np.concatenate([[CODEC.size], tokens[:-1]])).unsqueeze(0)
    slots = torch.from_numpy(lstm.config.position_slots(np.arange(len(tokens)) % 16)).unsqueeze(0)
    old, _ = lstm(inputs, slots)
    new, _ = infill(torch.where(inputs == CODEC.size, infill.start_token, inputs), slots)
    assert torch.allclose(old, new[..., :CODEC.size], atol=1e-5)
    assert torch.allclose(new[..., CODEC.size:], torch.full_like(new[..., CODEC.size:], SILENT_BIAS))
    countdown, _ = infill(inputs.clamp(max=CODEC.size - 1), slots + infill.config.plain_slots)
    plain, _ = infill(inputs.clamp(max=CODEC.size - 1), slots)
    assert torch.allclose(countdown, plain, atol=1e-5)      # the countdown runs start as the plain slots


def test_the_after_part_can_be_read_bar_by_bar_from_its_far_end():
    forward = arranged_gap(CODEC, STEPS_OF, PIECE, Gap(start=5, bars=1, before=1, after=3))
    backward = arranged_gap(CODEC, STEPS_OF, PIECE, Gap(start=5, bars=1, before=1, after=3), reverse=True)
    assert _pitches(forward.tokens[:forward.fill_at]) == [66, 67, 68]
    assert _pitches(backward.tokens[:backward.fill_at]) == [68, 67, 66]     # the bar after the gap read last
    # every bar still from its own bar line: each reversed bar's note is on a bar line of the part
    starts = {n.start % BAR for n in CODEC.decode(backward.tokens[:backward.fill_at])}
    assert starts == {0} and (backward.tokens[backward.fill_at:] == forward.tokens[forward.fill_at:]).all()
