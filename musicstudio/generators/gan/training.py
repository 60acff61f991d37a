"""Training the GAN: hinge loss with spectral normalisation in the critic, and feature matching.

Each batch: one critic step (real bars against the generator's, both with their bar before and chord:
``relu(1 - D(real)) + relu(1 + D(fake))``), then one generator step (``-D(fake)`` plus ``feature_matching``
times the squared distance between the mean critic features of real and generated bars, MidiNet's
stabiliser). With ``mismatch`` above 0 the critic is also *matching-aware* (Reed et al. 2016): real bars
paired with another bar's predecessor and chord stand in for that share of the generated ones, so a bar
must fit what comes before it and its chord, not just look like a bar. With ``mode_seeking`` above 0 the
generator also pays that much times the inverse of how far apart two of its bars for the same condition
are, per unit of distance between their noises (Mao et al. 2019), so the noise keeps its say and the
variations of a request differ. With ``onset_profile`` above 0 (a meter-aware model) the generator also pays
that much times how far, per meter of the batch and step of its bar, the share of its bars that start a
note there (the likeliest pitch's onset probability, averaged over the meter's bars) is from the real bars'
(:func:`onset_profile_gap`): the critic alone let the 2/4 bars keep to eighths where the tunes run in 16ths.
``critic_sees``: ``"soft"``, the generator's probabilities, or
``"binary"``, 0/1 with a straight-through gradient (BinaryMuseGAN's deterministic binary neurons), which
stalled here (see docs/gan.md).

A GAN has no validation loss that says which epoch is best, so every epoch generates bars for fixed
validation pairs (the held-out bar before and chord, fixed noise), binarises them as the app does, and
compares their figures (empty bars, pitch classes, notes, note length, voices) with the real bars':
the epoch with the smallest :func:`~musicstudio.generators.gan.bar_stats.distance` is kept.
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F

from musicstudio.generators.gan.bar_stats import distance, onset_positions, roll_figures
from musicstudio.generators.gan.chords import condition_vectors
from musicstudio.generators.gan.model import BarCritic, BarGenerator, GANConfig
from musicstudio.generators.gan.rolls import binarise


def critic_input(logits: torch.Tensor, mode: str) -> torch.Tensor:
    """What the critic sees of generated logits: probabilities, or 0/1 with the probabilities' gradient."""
    p = torch.sigmoid(logits)
    if mode == "soft":
        return p
    return p + ((p >= 0.5).float() - p).detach()


def _tensor(array: np.ndarray | None, device) -> torch.Tensor | None:
    return None if array is None else torch.from_numpy(array).to(device)


def tensors(batch, device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """(bar, bar before, chord vectors, meter grid or None) of a batch as :meth:`BarPairs.window` gives it."""
    cur, prev, chords, grid = batch
    return _tensor(cur, device), _tensor(prev, device), _tensor(condition_vectors(chords), device), \
        _tensor(grid, device)


@torch.no_grad()
def generated_rolls(generator: BarGenerator, prev: np.ndarray, chords: np.ndarray, noise: np.ndarray,
                    melody: np.ndarray, batch: int = 512, grid: np.ndarray | None = None) -> np.ndarray:
    generator.eval()
    device = next(generator.parameters()).device
    out = []
    for i in range(0, len(prev), batch):
        part = slice(i, i + batch)
        logits = generator(_tensor(noise[part], device), _tensor(prev[part], device),
                           _tensor(condition_vectors(chords[part]), device),
                           None if grid is None else _tensor(grid[part], device))
        out.append(binarise(torch.sigmoid(logits).cpu().numpy(), melody[part], previous=prev[part]))
    generator.train()
    return np.concatenate(out)


def is_melody(prev: np.ndarray) -> np.ndarray:
    """Rows whose bar before holds one line (at most one pitch per step, and some notes): the app's "auto"."""
    busy = prev[:, 0].sum(axis=-1)
    return (busy.max(axis=1) <= 1) & (busy.sum(axis=1) > 0)


def onset_profile_gap(fake_onsets: torch.Tensor, real_onsets: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    """Mean absolute difference, over the meters in a batch (bars with one grid share a meter) and their
    bars' steps, between how often generated and real bars start a note at each step. ``fake_onsets``,
    ``real_onsets``: (n, steps, pitches) onset probabilities and 0/1; ``grid``: (n, channels, steps)."""
    _, meter = torch.unique(grid.flatten(1), dim=0, return_inverse=True)
    members = F.one_hot(meter).to(fake_onsets.dtype)                     # (n, meters)
    counts = members.sum(0)[:, None]
    fake = members.T @ fake_onsets.amax(dim=-1) / counts                 # (meters, steps)
    real = members.T @ real_onsets.amax(dim=-1) / counts
    inside = (members.T @ grid[:, 0]) / counts > 0.5                     # the steps of each meter's bar
    return (fake - real).abs()[inside].mean()


class Adversary:
    """The generator and critic with their optimisers: :meth:`step` is one critic step and one generator
    step on a batch, as this module's docstring says (training and fine-tuning share it)."""

    def __init__(self, generator: BarGenerator, critic: BarCritic, objective: dict, loop: dict):
        betas = tuple(loop.get("betas", (0.5, 0.9)))
        self.generator, self.critic = generator, critic
        self.g_opt = torch.optim.Adam(generator.parameters(), lr=loop["g_lr"], betas=betas)
        self.d_opt = torch.optim.Adam(critic.parameters(), lr=loop["d_lr"], betas=betas)
        self.mode, self.fm = objective.get("critic_sees", "binary"), objective.get("feature_matching", 1.0)
        self.mismatch = float(objective.get("mismatch", 0.0))
        self.seeking = float(objective.get("mode_seeking", 0.0))
        self.profile = float(objective.get("onset_profile", 0.0))

    def step_critic(self, cur: torch.Tensor, prev: torch.Tensor, chord: torch.Tensor,
                    grid: torch.Tensor | None = None):
        """One critic step alone; returns (critic loss, D(real), D(fake), the critic's features of the real bars)."""
        generator, critic, mismatch = self.generator, self.critic, self.mismatch
        bs = len(cur)
        noise = torch.randn(bs, generator.config.noise, device=cur.device)
        with torch.no_grad():
            fake = critic_input(generator(noise, prev, chord, grid), self.mode)
        d_real, f_real = critic(cur, prev, chord, grid)
        d_fake, _ = critic(fake, prev, chord, grid)
        d_loss = F.relu(1 - d_real).mean() + (1 - mismatch) * F.relu(1 + d_fake).mean()
        if mismatch:  # a real bar after another piece's bar, or over another chord, is wrong too
            other = torch.randperm(bs, device=cur.device)
            d_wrong, _ = critic(cur, prev[other], chord[other], grid)
            d_loss = d_loss + mismatch * F.relu(1 + d_wrong).mean()
        self.d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        self.d_opt.step()
        return d_loss, d_real, d_fake, f_real

    def step(self, cur: torch.Tensor, prev: torch.Tensor, chord: torch.Tensor,
             grid: torch.Tensor | None = None) -> np.ndarray:
        """Train on one batch; returns (critic loss, generator loss, feature matching, D(real), D(fake))."""
        d_loss, d_real, d_fake, f_real = self.step_critic(cur, prev, chord, grid)
        generator, critic = self.generator, self.critic
        bs, noise_size = len(cur), generator.config.noise
        noise = torch.randn(bs, noise_size, device=cur.device)
        logits = generator(noise, prev, chord, grid)
        g_score, f_fake = critic(critic_input(logits, self.mode), prev, chord, grid)
        matching = ((f_real.detach().mean(0) - f_fake.mean(0)) ** 2).mean()
        g_loss = -g_score.mean() + self.fm * matching
        if self.seeking:  # two noises, one bar before: the bars should differ as much as the noises do
            other = torch.randn(bs, noise_size, device=cur.device)
            apart = (torch.sigmoid(logits) - torch.sigmoid(generator(other, prev, chord, grid))).abs()
            apart = apart.mean(dim=(1, 2, 3))
            g_loss = g_loss + self.seeking / (apart / (noise - other).abs().mean(dim=1) + 1e-5).mean()
        if self.profile and grid is not None:
            g_loss = g_loss + self.profile * onset_profile_gap(torch.sigmoid(logits[:, 1]), cur[:, 1], grid)
        self.g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        self.g_opt.step()
        return np.array([d_loss.item(), g_loss.item(), matching.item(), d_real.mean().item(), d_fake.mean().item()])


MIN_METER_BARS = 100   # a meter's validation bars needed for its own onset overlap to count


class BarJudge:
    """How far a generator's bars are from real ones: it generates a bar for each of ``valid``'s (bar before,
    chord) pairs with fixed noise, binarises as the app does, and compares the figures with the real bars'."""

    def __init__(self, valid, noise_size: int, low: int, by_meter: bool = False):
        self.cur, self.prev, self.chords, self.grid = valid
        self.noise = np.random.default_rng(11).standard_normal((len(self.prev), noise_size)).astype(np.float32)
        self.melody, self.low = is_melody(self.prev), low
        self.real = roll_figures(self.cur > 0, low)
        self.real_onsets = onset_positions(self.cur > 0)
        self.meters = None
        if by_meter and self.grid is not None:   # the meters with enough bars to compare, by grid
            kinds, which = np.unique(self.grid.reshape(len(self.grid), -1), axis=0, return_inverse=True)
            self.meters = [rows for rows in (np.flatnonzero(which.ravel() == k) for k in range(len(kinds)))
                           if len(rows) >= MIN_METER_BARS]

    def __call__(self, generator: BarGenerator) -> tuple[float, dict]:
        """(distance, the generated bars' figures). For a meter-aware model the distance also counts where
        in the bar the notes start: 1 minus the overlap of the onset-position histograms (the bars of every
        meter together; the generated bars have the real ones' meters), or, judged ``by_meter``, 1 minus
        the smallest overlap of one meter's bars (meters with :data:`MIN_METER_BARS` or more)."""
        rolls = generated_rolls(generator, self.prev, self.chords, self.noise, self.melody, grid=self.grid)
        figures = roll_figures(rolls, self.low)
        score = distance(figures, self.real)
        if self.grid is not None:
            figures["onset_overlap"] = float(np.minimum(onset_positions(rolls), self.real_onsets).sum())
        if self.meters:   # each meter's overlap on its own, the worst counting
            worst = 1.0
            for rows in self.meters:
                worst = min(worst, float(np.minimum(onset_positions(rolls[rows]),
                                                    onset_positions(self.cur[rows] > 0)).sum()))
            figures["onset_overlap_worst_meter"] = worst
            score += 1.0 - worst
        elif self.grid is not None:
            score += 1.0 - figures["onset_overlap"]
        return score, figures


def adversarial_fit(run, config: GANConfig, draw, valid, objective: dict, loop: dict, save_best, log) -> list[dict]:
    """Train; returns the history rows. ``draw(n)`` gives training batches; ``valid`` is (cur, prev,
    chords, grid) of the fixed validation pairs; ``save_best(generator, critic, row)`` is called on each new
    best. ``loop["init_from"]``: a model folder whose generator and critic start the run."""
    device = torch.device(run.device)
    generator, critic = BarGenerator(config), BarCritic(config)
    if loop.get("init_from"):   # go on from an earlier run's generator and critic (a fresh optimiser)
        from musicstudio.generators.checkpoint import load_state_into
        from musicstudio.generators.gan import CRITIC

        load_state_into(generator, loop["init_from"])
        load_state_into(critic, f"{loop['init_from']}/{CRITIC}")
        log(f"{run.name}: starting from the generator and critic in {loop['init_from']}")
    adversary = Adversary(generator.to(device), critic.to(device), objective, loop)
    judge = BarJudge(valid, config.noise, int(run.config["codec"]["low"]), bool(objective.get("onset_profile")))
    log(f"{run.name}: validation bars: " + ", ".join(f"{k} {v:.3f}" for k, v in judge.real.items()))
    bs, per_epoch = loop["batch_size"], loop["per_epoch"]
    history, best = [], float("inf")
    started = time.monotonic()
    for epoch in range(1, loop["epochs"] + 1):
        sums = np.zeros(5)
        for _ in range(per_epoch):
            sums += adversary.step(*tensors(draw(bs), device))
        means = sums / per_epoch
        score, figures = judge(adversary.generator)
        row = {"epoch": epoch, "d_loss": round(means[0], 4), "g_loss": round(means[1], 4),
               "feature_matching": round(means[2], 5), "d_real": round(means[3], 4), "d_fake": round(means[4], 4),
               **{f"valid_{k}": round(v, 4) for k, v in figures.items()}, "valid_distance": round(score, 4),
               "seconds": round(time.monotonic() - started, 1)}
        history.append(row)
        improved = score < best
        if improved:
            best = score
            save_best(adversary.generator, adversary.critic, row)
        log(f"{run.name}: epoch {epoch}: D {row['d_loss']:.3f} G {row['g_loss']:.3f} FM {row['feature_matching']:.4f}"
            f" | valid distance {score:.3f}{' (best)' if improved else ''}, pitch classes "
            f"{figures['pitch_classes']:.2f}, notes/bar {figures['notes_per_bar']:.2f}, note steps "
            f"{figures['note_steps']:.2f}, empty {figures['empty_bar_rate']:.3f} | {row['seconds']:.0f} s")
        if loop.get("max_minutes") and time.monotonic() - started > 60 * loop["max_minutes"]:
            log(f"{run.name}: stopping after {loop['max_minutes']} minutes")
            break
    return history
