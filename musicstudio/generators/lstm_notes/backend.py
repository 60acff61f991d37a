"""The ``lstm-notes`` backend: the model of Soundarya et al., "Music Generation Using Recurrent Neural
Network", on the ``notes`` codec, beside ``lstm`` for comparison.

Training windows are the 25 notes before each note of a piece (the piece's first notes see zero rows
before them, so every note, and an empty seed, has a window; the tutorial instead windows one stream of
all notes across file boundaries). Training data is transposed like the other backends'.

Generation follows the tutorial: the pitch is drawn from the softmax (temperature, top-p, and the key
and range masks apply here), step and duration are the regressions' values (negative ones become 0).
Unlike the tutorial, each predicted step and duration is put on the 16th grid before it is fed back, so
the network continues what the user will hear; where it keeps predicting chords (step 0), a 16th step is
forced after ``MAX_EVENTS_PER_STEP`` notes. Generated notes continue from the seed's last note; those that
would start before the seed's end are dropped.

Its likelihood is per note and covers the pitch only: ``eval`` reports the pitch cross-entropy per note
and the step and duration mean squared errors (quarter notes squared), not a per-event cross-entropy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.core.note import Note
from musicstudio.core.ticks import PPQ
from musicstudio.generators.checkpoint import (
    CheckpointError,
    build_checked,
    save_tensors,
    write_config,
)
from musicstudio.generators.codecs import NotesCodec
from musicstudio.generators.codecs.grid import STEP_TICKS, STEPS_PER_QUARTER, on_grid
from musicstudio.generators.continuation import seed_velocity
from musicstudio.generators.interface import BAR, CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.lstm_notes.model import PITCHES, NotesLSTM, NotesLSTMConfig, losses
from musicstudio.generators.phrases import MAX_EVENTS_PER_STEP
from musicstudio.generators.sampling import sample, shaped
from musicstudio.generators.watchdog import StallGuard

BACKEND = "lstm-notes"
GRID = 1.0 / STEPS_PER_QUARTER  # a 16th note in quarter notes
_DATA = {"collections": None, "meter_classes": None, "transpose": list(range(-5, 7))}
CONFIGS = {
    "lstm-notes": {"summary": "(pitch, step, duration) of the last 25 notes into one LSTM(128), a pitch softmax "
                              "and step and duration regressions, as in Soundarya et al., \"Music Generation "
                              "Using Recurrent Neural Network\"",
                   "codec": {"codec": "notes"}, "model": {"window": 25, "hidden": 128, "layers": 1},
                   "data": _DATA, "batches": {"batch_size": 64, "per_epoch": 1500, "valid_windows": 8192},
                   "train": {"epochs": 60, "lr": 5e-3, "clip_norm": 0.0, "patience": 5, "schedule": "none",
                             "max_minutes": 18}},
    "lstm-notes-tiny": {"summary": "a tiny lstm-notes for tests", "codec": {"codec": "notes"},
                        "model": {"window": 8, "hidden": 16, "layers": 1},
                        "data": {**_DATA, "transpose": [0], "limit": 30},
                        "batches": {"batch_size": 16, "per_epoch": 6, "valid_windows": 64},
                        "train": {"epochs": 2, "lr": 5e-3, "patience": 2}},
}


# -- data -------------------------------------------------------------------------------------------------
def piece_notes(tracks) -> tuple[Note, ...]:
    """Every pitched note of a piece on the grid (what ``eval`` holds out for a model without tokens)."""
    return on_grid(tuple(n for t in tracks if not t.is_drum and t.notes for n in t.notes))


class NoteRows:
    """The rows of many pieces in one array, each piece after ``window`` zero rows, so that the window of
    the note at row ``i`` is ``rows[i - window:i]``."""

    def __init__(self, phrases, window: int):
        codec = NotesCodec()
        parts, real = [], []
        for notes in phrases:
            if not notes:
                continue
            parts += [np.zeros((window, 3), np.float32), codec.encode(notes)]
            real += [np.zeros(window, bool), np.ones(len(parts[-1]), bool)]
        self.window = window
        self.rows = np.concatenate(parts) if parts else np.zeros((0, 3), np.float32)
        self.real = np.concatenate(real) if real else np.zeros(0, bool)
        self.notes = np.flatnonzero(self.real)

    def __len__(self) -> int:
        return len(self.notes)

    def batch(self, at: np.ndarray, shifts: np.ndarray | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Windows ``(n, window, 3)`` and targets ``(n, 3)`` for the notes at rows ``at``, each moved by its
        semitones in ``shifts`` (zero rows stay zero)."""
        index = at[:, None] + np.arange(-self.window, 0)
        windows, targets = self.rows[index].copy(), self.rows[at].copy()
        if shifts is not None:
            windows[..., 0] += shifts[:, None] * self.real[index]
            targets[:, 0] += shifts
        return torch.from_numpy(windows), torch.from_numpy(targets)

    def random_batch(self, size: int, rng: np.random.Generator, transpose) -> tuple[torch.Tensor, torch.Tensor]:
        at = self.notes[rng.integers(0, len(self.notes), size)]
        shifts = rng.choice(np.asarray(transpose, np.float32), size)
        index = at[:, None] + np.arange(-self.window, 1)
        pitches = np.where(self.real[index], self.rows[index, 0], np.nan)
        low, high = np.nanmin(pitches, axis=1), np.nanmax(pitches, axis=1)
        shifts = np.where((low + shifts >= 0) & (high + shifts < PITCHES), shifts, 0.0).astype(np.float32)
        return self.batch(at, shifts)


def split_rows(corpus, split: str, data, window: int) -> NoteRows:
    from musicstudio.generators.training.data import split_pieces
    return NoteRows((piece_notes(corpus.piece(i).tracks) for i in split_pieces(corpus, split, data)), window)


# -- training ---------------------------------------------------------------------------------------------
def train(run) -> None:
    from musicstudio.generators.training.loop import LoopConfig, fit, seed_everything
    from musicstudio.generators.training.outputs import split_hashes, write_card, write_history, write_loss_png

    cfg = run.config
    codec = NotesCodec()
    loop = LoopConfig.from_dict(cfg.get("train", {}))
    b = cfg["batches"]
    data = run.data
    model_config = NotesLSTMConfig(**cfg["model"])
    run.log(f"{run.name}: reading the corpus ...")
    train_rows = split_rows(run.corpus, "train", data, model_config.window)
    valid_rows = split_rows(run.corpus, "valid", data, model_config.window)
    run.log(f"{run.name}: {len(train_rows):,} training notes (each transposed by one of {list(data.transpose)} "
            f"when drawn), {len(valid_rows):,} validation notes")
    seed_everything(loop.seed)
    model = NotesLSTM(model_config)
    picks = valid_rows.notes[np.random.default_rng(99).integers(0, len(valid_rows), b["valid_windows"])]
    valid_batches = [valid_rows.batch(picks[i:i + 512]) for i in range(0, len(picks), 512)]
    device = torch.device(run.device)

    def train_batches(epoch: int, rng: np.random.Generator) -> list:
        return [train_rows.random_batch(b["batch_size"], rng, data.transpose) for _ in range(b["per_epoch"])]

    def loss_fn(m, batch):
        x, y = (t.to(device) for t in batch)
        return losses(m, x, y)["loss"], float(len(y))

    def parts(m) -> dict:
        total = {"valid_pitch_ce": 0.0, "valid_step_mse": 0.0, "valid_duration_mse": 0.0}
        count = 0
        with torch.no_grad():
            for x, y in valid_batches:
                out = losses(m, x.to(device), y.to(device))
                for key in total:
                    total[key] += float(out[key[len("valid_"):]]) * len(y)
                count += len(y)
        return {k: round(v / max(count, 1), 5) for k, v in total.items()}

    def save_best(m, row) -> None:
        run.out.mkdir(parents=True, exist_ok=True)
        save_tensors(run.out, m.state_dict())
        write_config(run.out, BACKEND, model_config.to_dict(), codec.vocabulary(), name=run.name,
                     data=data.to_dict(), best_epoch=row["epoch"])

    history = fit(run, model, train_batches, valid_batches, loss_fn, loop, save_best, extra_columns=parts)
    if not run.main:
        return
    write_history(run.out, history)
    write_loss_png(run.out, f"{run.name}: 0.05 x pitch CE + step MSE + duration MSE")
    best = min(history, key=lambda r: r["valid_loss"])
    write_card(run.out, name=run.name, backend=BACKEND, summary=cfg["summary"] + ". Evaluation: `musicstudio eval "
               f"{run.out}`.", command=run.command, data=data, hashes=split_hashes(run.corpus, data),
               corpus=run.corpus, epochs=len(history), seconds=history[-1]["seconds"], device=run.device,
               metrics={"best epoch": best["epoch"], "valid loss (weighted, as trained)": best["valid_loss"],
                        "valid pitch cross-entropy (nats/note)": best["valid_pitch_ce"],
                        "valid step MSE (quarter notes squared)": best["valid_step_mse"],
                        "valid duration MSE (quarter notes squared)": best["valid_duration_mse"]},
               parameters=sum(p.numel() for p in model.parameters()), config=cfg,
               notes=["The loss weighs pitch cross-entropy by 0.05 and adds step and duration MSE with the "
                      "tutorial's positive pressure; the valid_* columns of history.csv are the parts.",
                      f"one epoch = {b['per_epoch']} batches of {b['batch_size']} windows drawn at random"])


# -- generation -------------------------------------------------------------------------------------------
def on_grid_beats(values: np.ndarray, least: float = 0.0) -> np.ndarray:
    """Quarter-note values put on the 16th grid, at least ``least``."""
    return np.maximum(np.round(np.maximum(values, 0.0) / GRID) * GRID, least).astype(np.float32)


class NotesLSTMGenerator:
    backend = BACKEND

    def __init__(self, name: str, model: NotesLSTM, device: str):
        self.name, self.model, self.device = name, model.to(device).eval(), device
        self.codec = NotesCodec()

    @torch.no_grad()
    def predict(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pitch log-probabilities, step and duration for windows ``(rows, window, 3)``."""
        logits, step, duration = self.model(torch.from_numpy(windows).to(self.device))
        return (F.log_softmax(logits.float(), dim=-1).cpu().numpy(), step.float().cpu().numpy(),
                duration.float().cpu().numpy())

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        torch.manual_seed(request.random_seed)
        rng = np.random.default_rng(request.random_seed)
        w, rows = self.model.config.window, request.variations
        seed_notes = on_grid(request.seed.notes)
        seed_rows = self.codec.encode(seed_notes)
        seed_end = max([request.seed.length / PPQ] + [n.end / PPQ for n in seed_notes])
        seed_end = float(np.ceil(seed_end / GRID - 1e-9) * GRID)
        end = seed_end + request.bars * BAR / PPQ
        window = np.concatenate([np.zeros((w, 3), np.float32), seed_rows])[-w:]
        windows = np.repeat(window[None], rows, axis=0)
        position = np.full(rows, float(seed_rows[:, 1].sum()), np.float64)  # start of the last note
        allowed = np.array([request.allows(p) for p in range(PITCHES)])
        velocity = seed_velocity(seed_notes)
        chord = np.zeros(rows, np.int64)  # notes in a row with step 0
        out: list[list[Note]] = [[] for _ in range(rows)]
        reported = -1.0
        guard = StallGuard()
        while (active := position < end).any():
            if cancel is not None:
                cancel.check()
            guard.step(float(np.minimum(position, end).sum()))
            log_p, step, duration = self.predict(windows)
            pitch = sample(shaped(log_p, request.temperature, request.top_p, allowed), rng)
            step = on_grid_beats(step)
            step = np.where(chord >= MAX_EVENTS_PER_STEP, np.maximum(step, GRID), step)
            duration = on_grid_beats(duration, least=GRID)
            position = np.where(active, position + step, position)
            chord = np.where(step > 0, 0, chord + 1)
            for r in np.flatnonzero(active & (position >= seed_end) & (position < end)):
                start = round((position[r] - seed_end) * PPQ)
                length = min(round(float(duration[r]) * PPQ), round((end - seed_end) * PPQ) - start)
                out[r].append(Note(int(pitch[r]), start, max(STEP_TICKS, length), velocity))
            new = np.stack([pitch.astype(np.float32), step, duration], axis=1)
            windows = np.concatenate([windows[:, 1:], new[:, None]], axis=1)
            done = float(np.clip((position - seed_end) / (end - seed_end), 0, 1).mean()) if end > seed_end else 1.0
            if progress is not None and done - reported >= 0.02:
                reported = done
                progress(done)
        if progress is not None:
            progress(1.0)
        length, record = request.bars * BAR, request.record()
        return [Take(notes=on_grid(notes, velocity=velocity), length=length, backend=BACKEND, model=self.name,
                     request=record, variation=r) for r, notes in enumerate(out)]

    # -- evaluation -----------------------------------------------------------------------------------------
    def likelihood(self, phrases) -> dict:
        """Per note of the held-out ``phrases``: pitch cross-entropy (nats and bits), pitch perplexity and
        accuracy, and the step and duration mean squared errors (quarter notes squared)."""
        data = NoteRows(phrases, self.model.config.window)
        log_p, correct, step_err, duration_err = [], [], [], []
        for i in range(0, len(data), 2048):
            windows, targets = data.batch(data.notes[i:i + 2048])
            lp, step, duration = self.predict(windows.numpy())
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


def load(folder: Path, config: dict, device: str = "cpu") -> NotesLSTMGenerator:
    folder = Path(folder)
    try:
        NotesCodec.from_vocabulary(config["codec"])
        model_config = NotesLSTMConfig(**config["model"])
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe an lstm-notes model ({e})") from None
    model = build_checked(lambda: NotesLSTM(model_config), folder, "an lstm-notes model")
    return NotesLSTMGenerator(config.get("name", folder.name), model, device)
