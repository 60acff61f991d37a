"""Training the GAN: hinge loss with spectral normalisation in the critic, and feature matching.

Each batch: one critic step (real bars against the generator's, both with their bar before and chord:
``relu(1 - D(real)) + relu(1 + D(fake))``), then one generator step (``-D(fake)`` plus ``feature_matching``
times the squared distance between the mean critic features of real and generated bars, MidiNet's
stabiliser). With ``mismatch`` above 0 the critic is also *matching-aware* (Reed et al. 2016): real bars
paired with another bar's predecessor and chord stand in for that share of the generated ones, so a bar
must fit what comes before it and its chord, not just look like a bar. With ``mode_seeking`` above 0 the
generator also pays that much times the inverse of how far apart two of its bars for the same condition
are, per unit of distance between their noises (Mao et al. 2019), so the noise keeps its say and the
variations of a request differ. ``critic_sees``: ``"soft"``, the generator's probabilities, or
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

from musicstudio.generators.gan.bar_stats import distance, roll_figures
from musicstudio.generators.gan.chords import condition_vectors
from musicstudio.generators.gan.model import BarCritic, BarGenerator, GANConfig
from musicstudio.generators.gan.rolls import binarise


def critic_input(logits: torch.Tensor, mode: str) -> torch.Tensor:
    """What the critic sees of generated logits: probabilities, or 0/1 with the probabilities' gradient."""
    p = torch.sigmoid(logits)
    if mode == "soft":
        return p
    return p + ((p >= 0.5).float() - p).detach()


def tensors(batch, device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    cur, prev, chords = batch
    return (torch.from_numpy(cur).to(device), torch.from_numpy(prev).to(device),
            torch.from_numpy(condition_vectors(chords)).to(device))


@torch.no_grad()
def generated_rolls(generator: BarGenerator, prev: np.ndarray, chords: np.ndarray, noise: np.ndarray,
                    melody: np.ndarray, batch: int = 512) -> np.ndarray:
    generator.eval()
    out = []
    for i in range(0, len(prev), batch):
        logits = generator(torch.from_numpy(noise[i:i + batch]), torch.from_numpy(prev[i:i + batch]),
                           torch.from_numpy(condition_vectors(chords[i:i + batch])))
        out.append(binarise(torch.sigmoid(logits).numpy(), melody[i:i + batch], previous=prev[i:i + batch]))
    generator.train()
    return np.concatenate(out)


def is_melody(prev: np.ndarray) -> np.ndarray:
    """Rows whose bar before holds one line (at most one pitch per step, and some notes): the app's "auto"."""
    busy = prev[:, 0].sum(axis=-1)
    return (busy.max(axis=1) <= 1) & (busy.sum(axis=1) > 0)


def adversarial_fit(run, config: GANConfig, draw, valid, objective: dict, loop: dict, save_best, log) -> list[dict]:
    """Train; returns the history rows. ``draw(n)`` gives training batches; ``valid`` is (cur, prev,
    chords) of the fixed validation pairs; ``save_best(generator, critic, row)`` is called on each new best."""
    device = torch.device(run.device)
    generator, critic = BarGenerator(config).to(device), BarCritic(config).to(device)
    betas = tuple(loop.get("betas", (0.5, 0.9)))
    g_opt = torch.optim.Adam(generator.parameters(), lr=loop["g_lr"], betas=betas)
    d_opt = torch.optim.Adam(critic.parameters(), lr=loop["d_lr"], betas=betas)
    mode, fm = objective.get("critic_sees", "binary"), objective.get("feature_matching", 1.0)
    mismatch = float(objective.get("mismatch", 0.0))
    seeking = float(objective.get("mode_seeking", 0.0))
    bs, per_epoch = loop["batch_size"], loop["per_epoch"]
    v_cur, v_prev, v_chords = valid
    v_noise = np.random.default_rng(11).standard_normal((len(v_prev), config.noise)).astype(np.float32)
    v_melody = is_melody(v_prev)
    low = int(run.config["codec"]["low"])
    real = roll_figures(v_cur > 0, low)
    log(f"{run.name}: validation bars: " + ", ".join(f"{k} {v:.3f}" for k, v in real.items()))
    history, best = [], float("inf")
    started = time.monotonic()
    for epoch in range(1, loop["epochs"] + 1):
        sums = np.zeros(5)
        for _ in range(per_epoch):
            cur, prev, chord = tensors(draw(bs), device)
            noise = torch.randn(bs, config.noise, device=device)
            with torch.no_grad():
                fake = critic_input(generator(noise, prev, chord), mode)
            d_real, f_real = critic(cur, prev, chord)
            d_fake, _ = critic(fake, prev, chord)
            d_loss = F.relu(1 - d_real).mean() + (1 - mismatch) * F.relu(1 + d_fake).mean()
            if mismatch:  # a real bar after another piece's bar, or over another chord, is wrong too
                other = torch.randperm(bs, device=device)
                d_wrong, _ = critic(cur, prev[other], chord[other])
                d_loss = d_loss + mismatch * F.relu(1 + d_wrong).mean()
            d_opt.zero_grad(set_to_none=True)
            d_loss.backward()
            d_opt.step()

            noise = torch.randn(bs, config.noise, device=device)
            logits = generator(noise, prev, chord)
            fake = critic_input(logits, mode)
            g_score, f_fake = critic(fake, prev, chord)
            matching = ((f_real.detach().mean(0) - f_fake.mean(0)) ** 2).mean()
            g_loss = -g_score.mean() + fm * matching
            if seeking:  # two noises, one bar before: the bars should differ as much as the noises do
                other = torch.randn(bs, config.noise, device=device)
                apart = (torch.sigmoid(logits) - torch.sigmoid(generator(other, prev, chord))).abs().mean(dim=(1, 2, 3))
                g_loss = g_loss + seeking / (apart / (noise - other).abs().mean(dim=1) + 1e-5).mean()
            g_opt.zero_grad(set_to_none=True)
            g_loss.backward()
            g_opt.step()
            sums += [d_loss.item(), g_loss.item(), matching.item(), d_real.mean().item(), d_fake.mean().item()]
        means = sums / per_epoch
        figures = roll_figures(generated_rolls(generator, v_prev, v_chords, v_noise, v_melody), low)
        score = distance(figures, real)
        row = {"epoch": epoch, "d_loss": round(means[0], 4), "g_loss": round(means[1], 4),
               "feature_matching": round(means[2], 5), "d_real": round(means[3], 4), "d_fake": round(means[4], 4),
               **{f"valid_{k}": round(v, 4) for k, v in figures.items()}, "valid_distance": round(score, 4),
               "seconds": round(time.monotonic() - started, 1)}
        history.append(row)
        improved = score < best
        if improved:
            best = score
            save_best(generator, critic, row)
        log(f"{run.name}: epoch {epoch}: D {row['d_loss']:.3f} G {row['g_loss']:.3f} FM {row['feature_matching']:.4f}"
            f" | valid distance {score:.3f}{' (best)' if improved else ''}, pitch classes "
            f"{figures['pitch_classes']:.2f}, notes/bar {figures['notes_per_bar']:.2f}, note steps "
            f"{figures['note_steps']:.2f}, empty {figures['empty_bar_rate']:.3f} | {row['seconds']:.0f} s")
        if loop.get("max_minutes") and time.monotonic() - started > 60 * loop["max_minutes"]:
            log(f"{run.name}: stopping after {loop['max_minutes']} minutes")
            break
    return history

