"""A generator's generate on one torch thread (and one BLAS thread): the vae and lstm-notes, as the lstm and
its ensemble, hold torch to one thread while they write and give the count back after; a second thread only
waits on a busy small machine."""

import pytest
import torch

from musicstudio.core.clip import Clip
from musicstudio.core.note import Note
from musicstudio.generators.blas_threads import on_one_thread
from musicstudio.generators.interface import GenerationRequest
from musicstudio.generators.lstm_notes.generator import NotesLSTMGenerator
from musicstudio.generators.vae.generator import VAEGenerator


def test_a_wrapped_call_runs_on_one_torch_thread_and_gives_the_count_back():
    seen = []

    @on_one_thread
    def generate(request, progress=None, cancel=None):
        seen.append(torch.get_num_threads())
        return request

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        assert generate("asked") == "asked"
        assert seen == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_an_error_inside_still_gives_the_count_back():
    @on_one_thread
    def generate(request):
        raise ValueError(request)

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        try:
            generate("no")
        except ValueError:
            pass
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


class _Seen(Exception):
    pass


def test_the_vae_and_lstm_notes_write_on_one_thread(monkeypatch):
    """The first thing each one's generate does, recorded: torch's thread count inside it is 1."""
    import musicstudio.generators.lstm_notes.generator as notes_module
    import musicstudio.generators.vae.generator as vae_module

    seen = []

    def record(*_):
        seen.append(torch.get_num_threads())
        raise _Seen

    monkeypatch.setattr(vae_module, "refuse_meter", record)
    monkeypatch.setattr(notes_module, "torch", type("Torch", (), {"manual_seed": staticmethod(record)}))
    request = GenerationRequest(Clip((Note(60, 0, 240, 90),), 1920), bars=2)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        for generate in (VAEGenerator.generate, NotesLSTMGenerator.generate):
            with pytest.raises(_Seen):
                generate(None, request)
        assert seen == [1, 1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
