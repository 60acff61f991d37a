"""The CPU sampling step of the LSTM models: torch's matrix products give numpy's states and
log-probabilities bit for bit (so a take is the take numpy's products gave), a single row keeps numpy's
product, the step holds torch to one thread only while it runs, and the bar-position slots a step is
given are the model's own for the request's meter."""

from pathlib import Path

import numpy as np
import pytest
import torch

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.interface import BAR, GenerationRequest
from musicstudio.generators.lstm import stepper as stepper_module
from musicstudio.generators.registry import ModelRegistry

SHIPPED = Path(__file__).resolve().parents[2] / "models"
CHORDS = Clip(tuple(Note(p, bar * BAR + beat * 480, 480, 80) for bar, chord in
                    enumerate([(55, 59, 62, 67), (48, 55, 64, 72), (50, 57, 62, 66), (55, 59, 62, 67)])
                    for beat in range(4) for p in chord), 4 * BAR)


@pytest.fixture(scope="module")
def generator():
    return ModelRegistry([SHIPPED]).load("lstm-triplets", "cpu")


@pytest.mark.parametrize("rows", [1, 4])
def test_every_step_is_numpys_bit_for_bit(generator, rows):
    """At every step of a chordal take, the state and log-probabilities with torch's products (numpy's for
    one row) equal those of the same equations with numpy's products."""
    stepper = generator._stepper
    state = generator.begin(generator.phrases.codec.encode(CHORDS), rows)
    ours, theirs = state["state"], state["state"]
    rng = np.random.default_rng(rows)
    for _ in range(60):
        tokens = rng.integers(0, generator.phrases.vocab_size, rows)
        slots = rng.integers(0, stepper.positions, rows)
        log_p, ours = stepper.step(tokens, slots, ours)
        expected, theirs = stepper._step(tokens, slots, theirs, stepper_module._numpy_product)
        assert np.array_equal(log_p, expected)
        assert all(np.array_equal(a, b) for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]))


def test_takes_are_the_takes_of_numpys_products(generator, monkeypatch):
    request = GenerationRequest(seed=CHORDS, bars=4, variations=4, random_seed=11)
    if not generator._stepper.torch_agrees:
        pytest.skip("torch's products do not give numpy's sums on this CPU, so the stepper uses numpy's")
    fast = [t.notes for t in generator.generate(request)]
    monkeypatch.setattr(stepper_module, "_torch_product", stepper_module._numpy_product)
    assert [t.notes for t in generator.generate(request)] == fast
    assert sum(len(n) for n in fast) > 40


def test_a_step_holds_torch_to_one_thread_and_gives_the_count_back(generator, monkeypatch):
    monkeypatch.setattr(generator._stepper, "torch_agrees", True)   # torch's products, whatever this CPU sums
    seen = []
    product = stepper_module._torch_product
    monkeypatch.setattr(stepper_module, "_torch_product",
                        lambda *a: seen.append(torch.get_num_threads()) or product(*a))
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        state = generator.begin(generator.phrases.codec.encode(CHORDS), 2)
        generator.push(state, np.array([60, 62]))
        assert seen and set(seen) == {1} and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("meter", [(3, 4), (6, 8), (5, 4), (4, 4)])
def test_a_step_gets_the_models_slots_for_the_meter(generator, monkeypatch, meter):
    given = []
    step = generator._stepper.step
    monkeypatch.setattr(generator._stepper, "step", lambda tokens, slots, state: given.append(slots) or
                        step(tokens, slots, state))
    state = generator.begin(generator.phrases.codec.encode(CHORDS), 3, meter)
    position = state["position"]
    for token in (282, 290, 60, 300, 303):   # time shifts of various lengths, and a note
        tokens = np.full(3, token)
        state = generator.push(state, tokens)
        position = position + generator._steps_of[tokens]
        assert np.array_equal(given[-1], generator.model.config.position_slots(position, meter))


def test_the_matrices_sit_on_64_byte_boundaries_and_hold_the_networks_weights(generator):
    """MKL multiplies by an unaligned matrix on a slower path (about 1.6 times the time for lstm-nc's two big
    ones on this machine, the same sums), so the stepper keeps its matrices, and the tensors its products use,
    on 64-byte boundaries; they are still the network's weights, and the tensors share the arrays' memory."""
    stepper = generator._stepper
    weights = generator.model.state_dict()
    arrays = stepper.recurrent + stepper.stacked[1:] + [stepper.head_w]
    tensors = stepper._recurrent_t + stepper._stacked_t[1:] + [stepper._head_t]
    for array, tensor in zip(arrays, tensors):
        assert array.ctypes.data % 64 == 0 and tensor.data_ptr() == array.ctypes.data
        assert array.dtype == np.float32 and array.flags["C_CONTIGUOUS"]
    assert np.array_equal(stepper.head_w, weights["head.weight"].numpy().T)
    H = stepper.hidden
    assert np.array_equal(stepper.recurrent[0][:, 2 * H:3 * H], weights["lstm.weight_hh_l0"].numpy().T[:, 2 * H:3 * H])


def test_where_torch_sums_otherwise_the_stepper_keeps_numpys_products(generator, monkeypatch):
    """On a CPU whose torch products differ from numpy's in the last bit (an AVX2-only AMD EPYC), a stepper
    finds so once from its own matrices and steps with numpy's products, so a take stays numpy's."""
    nudged = stepper_module._torch_product
    monkeypatch.setattr(stepper_module, "_torch_product", lambda a, b, t: nudged(a, b, t) * np.float32(1 + 2 ** -20))
    stepper = stepper_module.NumpyStepper(generator.model)
    assert not stepper.torch_agrees
    state = generator.begin(generator.phrases.codec.encode(CHORDS), 4)["state"]
    tokens, slots = np.array([60, 62, 64, 65]), np.zeros(4, np.int64)
    log_p, _ = stepper.step(tokens, slots, state)
    expected, _ = stepper._step(tokens, slots, state, stepper_module._numpy_product)
    assert np.array_equal(log_p, expected)
