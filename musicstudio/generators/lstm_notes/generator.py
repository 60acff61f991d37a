"""Generating with a trained ``lstm-notes`` network (as the module :mod:`.backend` describes), and its
per-note likelihood for ``eval``."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ
from musicstudio.generators.blas_threads import on_one_thread
from musicstudio.generators.codecs import NotesCodec
from musicstudio.generators.codecs.grid import STEP_TICKS, STEPS_PER_QUARTER, on_grid
from musicstudio.generators.continuation import seed_velocity
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.lstm_notes.configs import BACKEND
from musicstudio.generators.lstm_notes.model import PITCHES, NotesLSTM, NotesLSTMConfig
from musicstudio.generators.lstm_notes.rows import NoteRows, row_steps
from musicstudio.generators.phrases import MAX_EVENTS_PER_STEP
from musicstudio.generators.sampling import sample, shaped
from musicstudio.generators.watchdog import StallGuard

GRID = 1.0 / STEPS_PER_QUARTER  # a 16th note in quarter notes


def on_grid_beats(values: np.ndarray, least: float = 0.0) -> np.ndarray:
    """Quarter-note values put on the 16th grid, at least ``least``."""
    return np.maximum(np.round(np.maximum(values, 0.0) / GRID) * GRID, least).astype(np.float32)


STEP_CHOICES = np.arange(-2, 3)   # grid steps around the regression's, for the onset prior to choose among


def steps_by_onset_prior(step: np.ndarray, position: np.ndarray, config: NotesLSTMConfig, meter: tuple[int, int],
                         rng: np.random.Generator, temperature: float = 1.0) -> np.ndarray:
    """Grid steps (quarter notes) drawn for the regression's ``step`` of each row whose last note starts
    ``position`` 16ths after a bar line of ``meter``: of the grid steps within two 16ths of the nearest one,
    each with the probability of a normal error of the model's ``step_sigma`` around the regression's value
    times the prior of the training tunes: for a step of 0 (a chord note) their share of chord notes
    (``chord_share``), for a step forward the rest times their share of onsets at the slot the note would
    land on (``onset_prior``); the log-probabilities divided by ``temperature``."""
    return OnsetPrior(config, meter).draw(step, position, rng, temperature)


class OnsetPrior:
    """:func:`steps_by_onset_prior` for one meter, its prior read once (a generator draws every step)."""

    def __init__(self, config: NotesLSTMConfig, meter: tuple[int, int]):
        first, self.length = config.meter_run(meter)
        onsets = (1.0 - config.chord_share) * np.asarray(config.onset_prior, np.float64)[first:first + self.length]
        self.log_onsets, self.log_chord = np.log(onsets), float(np.log(config.chord_share))
        self.spread = 2.0 * config.step_sigma ** 2

    def draw(self, step: np.ndarray, position: np.ndarray, rng: np.random.Generator,
             temperature: float = 1.0) -> np.ndarray:
        nearest = np.rint(np.maximum(step, 0.0) / GRID).astype(np.int64)
        choices = np.maximum(nearest[:, None] + STEP_CHOICES, 0)
        prior = np.where(choices == 0, self.log_chord, self.log_onsets[(position[:, None] + choices) % self.length])
        score = prior - (choices * GRID - step[:, None]) ** 2 / self.spread
        score[:, 1:][choices[:, 1:] == choices[:, :-1]] = -np.inf   # a step cut to 0 twice counts once
        p = np.exp((score - score.max(axis=1, keepdims=True)) / max(temperature, 1e-3))
        pick = (p.cumsum(axis=1) > rng.random(len(step))[:, None] * p.sum(axis=1, keepdims=True)).argmax(axis=1)
        return (choices[np.arange(len(step)), pick] * GRID).astype(np.float32)


def home_shift(pitches: list[int], register: tuple[int, int] | None) -> int:
    """Whole octaves that bring the middle of a seed's ``pitches`` into the ``register`` the model's training
    notes kept to (0 when it is there, or no register is recorded); its takes are moved back."""
    if register is None or not pitches:
        return 0
    middle = sorted(pitches)[len(pitches) // 2]
    return 0 if register[0] <= middle <= register[1] else 12 * round((sum(register) / 2 - middle) / 12)


def _keep_articulation(out: list[list[Note]], windows: np.ndarray, rows: np.ndarray, moved: np.ndarray,
                       take_length: int) -> None:
    """Where the onset prior moved a row's next onset by ``moved`` quarter notes from the regression's
    nearest grid step, the take's note before it ends as much later or earlier (at least a 16th, within the
    take), so that it stays as legato or detached as the network made it; the window's row with it."""
    for r in np.flatnonzero(rows & (moved != 0)):
        note = out[r][-1]
        duration = min(max(STEP_TICKS, note.duration + round(float(moved[r]) * PPQ)), take_length - note.start)
        out[r][-1] = note._replace(duration=duration)
        windows[r, -1, 2] = duration / PPQ


class NotesLSTMGenerator:
    backend = BACKEND

    def __init__(self, name: str, model: NotesLSTM, device: str):
        self.name, self.model, self.device = name, model.to(device).eval(), device
        self.codec = NotesCodec()
        config = model.config
        self._decodes_by_prior = bool(config.positions and config.onset_prior and config.chord_share
                                      and config.step_sigma)

    @torch.no_grad()
    def predict(self, windows: np.ndarray, slots: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray,
                                                                                    np.ndarray]:
        """Pitch log-probabilities, step and duration for windows ``(rows, window, 3)`` (and, for a
        meter-aware model, their position slots ``(rows, window)``)."""
        positions = None if slots is None else torch.from_numpy(slots).to(self.device)
        logits, step, duration = self.model(torch.from_numpy(windows).to(self.device), positions)
        return (F.log_softmax(logits.float(), dim=-1).cpu().numpy(), step.float().cpu().numpy(),
                duration.float().cpu().numpy())

    @on_one_thread
    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        torch.manual_seed(request.random_seed)
        rng = np.random.default_rng(request.random_seed)
        w, rows = self.model.config.window, request.variations
        seed_notes = on_grid(request.seed.notes)
        shift = home_shift([n.pitch for n in seed_notes], self.model.config.register)  # a bass line goes up
        seed_rows = self.codec.encode(n._replace(pitch=min(127, max(0, n.pitch + shift))) for n in seed_notes)
        # where the seed ends as written: a triplet 16th just before the bar line that the grid moves onto it
        # does not make the seed a step longer (its take would start a bar late)
        seed_end = max([request.seed.length / PPQ] + [n.end / PPQ for n in request.seed.notes])
        seed_end = float(np.ceil(seed_end / GRID - 1e-9) * GRID)
        take_length = request.take_length(round(seed_end * PPQ))  # the seed's bar completed, then whole bars
        end = seed_end + take_length / PPQ
        window = np.concatenate([np.zeros((w, 3), np.float32), seed_rows])[-w:]
        windows = np.repeat(window[None], rows, axis=0)
        slots = self._seed_slots(seed_rows, request.meter, rows)
        run = self.model.config.meter_run(request.meter) if slots is not None else None
        prior = OnsetPrior(self.model.config, request.meter) if self._decodes_by_prior else None
        position = np.full(rows, float(seed_rows[:, 1].sum()), np.float64)  # start of the last note
        allowed = np.array([request.allows(p - shift) for p in range(PITCHES)])
        velocity = seed_velocity(seed_notes)
        chord = np.zeros(rows, np.int64)  # notes in a row with step 0
        emitted = np.zeros(rows, bool)    # whether each row's last note is a take's
        out: list[list[Note]] = [[] for _ in range(rows)]
        reported = -1.0
        guard = StallGuard()
        while (active := position < end).any():
            if cancel is not None:
                cancel.check()
            guard.step(float(np.minimum(position, end).sum()))
            log_p, step, duration = self.predict(windows, slots)
            pitch = sample(shaped(log_p, request.temperature, request.top_p, allowed), rng)
            nearest = on_grid_beats(step)
            step = nearest if prior is None else prior.draw(
                step, np.rint(position * STEPS_PER_QUARTER).astype(np.int64), rng, request.temperature)
            step = np.where(chord >= MAX_EVENTS_PER_STEP, np.maximum(step, GRID), step)
            _keep_articulation(out, windows, emitted & active & (step > 0), step - nearest, take_length)
            duration = on_grid_beats(duration, least=GRID)
            position = np.where(active, position + step, position)
            chord = np.where(step > 0, 0, chord + 1)
            emitted = active & (position >= seed_end) & (position < end)
            for r in np.flatnonzero(emitted):
                start = round((position[r] - seed_end) * PPQ)
                length = min(round(float(duration[r]) * PPQ), round((end - seed_end) * PPQ) - start)
                out[r].append(Note(int(pitch[r]) - shift, start, max(STEP_TICKS, length), velocity))
            new = np.stack([pitch.astype(np.float32), step, duration], axis=1)
            windows = np.concatenate([windows[:, 1:], new[:, None]], axis=1)
            if slots is not None:
                steps = np.rint(position * STEPS_PER_QUARTER).astype(np.int64)
                slots = np.concatenate([slots[:, 1:], (run[0] + steps % run[1])[:, None]], axis=1)
            done = float(np.clip((position - seed_end) / (end - seed_end), 0, 1).mean()) if end > seed_end else 1.0
            if progress is not None and done - reported >= 0.02:
                reported = done
                progress(done)
        if progress is not None:
            progress(1.0)
        record = request.record()
        return [Take(notes=on_grid(notes, velocity=velocity), length=take_length, backend=BACKEND, model=self.name,
                     request=record, variation=r) for r, notes in enumerate(out)]

    def _seed_slots(self, seed_rows: np.ndarray, meter: tuple[int, int], rows: int) -> np.ndarray | None:
        """The position slots of the first window (the seed starts on a bar line of ``meter``), one copy per
        row; None for a model without meters."""
        config = self.model.config
        if not config.positions:
            return None
        w = config.window
        slots = np.concatenate([np.full(w, config.positions - 1, np.int64),
                                config.position_slots(row_steps(seed_rows), meter)])[-w:]
        return np.repeat(slots[None], rows, axis=0)

    # -- evaluation -----------------------------------------------------------------------------------------
    def likelihood(self, phrases) -> dict:
        """Per note of the held-out ``phrases`` (note tuples from a bar line of 4/4, or (notes, meter) pairs):
        pitch cross-entropy (nats and bits), pitch perplexity and accuracy, and the step and duration mean
        squared errors (quarter notes squared)."""
        data = NoteRows(phrases, self.model.config.window, self.model.config)
        log_p, correct, step_err, duration_err = [], [], [], []
        for i in range(0, len(data), 2048):
            windows, targets, *slots = data.batch(data.notes[i:i + 2048])
            lp, step, duration = self.predict(windows.numpy(), slots[0].numpy() if slots else None)
            pitch = targets[:, 0].long().numpy()
            log_p.append(lp[np.arange(len(pitch)), pitch])
            correct.append(lp.argmax(axis=1) == pitch)
            step_err.append((step - targets[:, 1].numpy()) ** 2)
            duration_err.append((duration - targets[:, 2].numpy()) ** 2)
        if not log_p:
            return {"notes": 0}
        ce = float(-np.concatenate(log_p).mean())
        return {"notes": len(data), "pitch_ce_nats_per_note": ce, "pitch_ce_bits_per_note": ce / float(np.log(2)),
                "pitch_perplexity": float(np.exp(ce)), "pitch_accuracy": float(np.concatenate(correct).mean()),
                "step_mse": float(np.concatenate(step_err).mean()),
                "duration_mse": float(np.concatenate(duration_err).mean()),
                "about": "per note; pitch only (step and duration are regressions, so no full likelihood)"}
