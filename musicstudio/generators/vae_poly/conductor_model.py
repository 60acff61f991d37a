"""The 4-bar conductor's network, its config entry, and its file saved and loaded with checks (the overview, the
papers and the command line: :mod:`.conductor`). Safe to import: no side effects."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from musicstudio.generators.vae_poly.side_weights import (
    load_side_weights,
    save_side_weights,
    side_entry,
    weights_beside,
)

OBJECTIVES = ("code", "decoder")


@dataclass(frozen=True)
class ConductorSpec:
    """``conductor`` in a model's config.json: the weights' file beside the model, z4's dimensions (``latent``),
    the GRUs' width (``hidden``), the chunks of 2 bars one z4 stands for, and whether samples draw z4 from the
    Gaussian fitted to the training phrases' z4 means (``fitted_prior``) rather than N(0, I)."""
    weights: str
    latent: int
    hidden: int
    chunks: int = 2
    fitted_prior: bool = False

    @classmethod
    def from_config(cls, config: dict | None) -> "ConductorSpec | None":
        spec = side_entry((config or {}).get("conductor"), "conductor", "weights, latent, hidden, chunks, fitted_prior",
                          {"weights", "latent", "hidden", "chunks", "fitted_prior", "measured"},
                          {"weights", "latent", "hidden"})
        if spec is None:
            return None
        out = cls(str(spec["weights"]), int(spec["latent"]), int(spec["hidden"]), int(spec.get("chunks", 2)),
                  bool(spec.get("fitted_prior", False)))
        if out.latent < 1 or out.hidden < 1 or out.chunks < 1:
            raise ValueError(f"conductor needs latent, hidden and chunks >= 1, not {spec}")
        weights_beside("conductor", out.weights)
        return out

    def to_dict(self) -> dict:
        return asdict(self)


class Conductor(nn.Module):
    """z4 <-> the codes ``(rows, chunks, code)`` of a phrase's 2-bar chunks, in the 2-bar VAE's code space."""

    def __init__(self, code: int, latent: int, hidden: int, chunks: int = 2):
        super().__init__()
        self.code, self.latent, self.hidden, self.chunks = code, latent, hidden, chunks
        self.register_buffer("offset", torch.zeros(code))          # the training codes' mean per dimension
        self.register_buffer("spread", torch.ones(code))           # ... and standard deviation
        self.register_buffer("prior_centre", torch.zeros(latent))  # the fitted prior of z4 (N(0, I) until fitted)
        self.register_buffer("prior_scale", torch.eye(latent))
        self.encoder = nn.GRU(code + chunks, hidden, batch_first=True, bidirectional=True)
        self.to_posterior = nn.Linear(2 * hidden, 2 * latent)
        self.to_state = nn.Linear(latent, hidden)
        self.conductor = nn.GRU(latent + chunks, hidden, batch_first=True)
        self.head = nn.Linear(hidden, code)
        self.log_gamma = nn.Parameter(torch.zeros(code))           # the code objective's variance per dimension

    def _slots(self, rows: int) -> torch.Tensor:
        return torch.eye(self.chunks)[None].expand(rows, -1, -1)

    def normalise(self, codes: torch.Tensor) -> torch.Tensor:
        return (codes - self.offset) / self.spread

    def _check(self, codes: torch.Tensor) -> None:
        if codes.dim() != 3 or codes.shape[1] != self.chunks or codes.shape[2] != self.code:
            raise ValueError(f"the conductor reads codes (rows, {self.chunks}, {self.code}), not {tuple(codes.shape)}")

    def encode(self, codes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Codes ``(rows, chunks, code)`` -> z4's mu, logvar ``(rows, latent)``."""
        codes = torch.as_tensor(codes, dtype=torch.float32)
        self._check(codes)
        x = torch.cat([self.normalise(codes), self._slots(len(codes))], dim=-1)
        _, h = self.encoder(x)
        mu, logvar = self.to_posterior(torch.cat([h[0], h[1]], dim=-1)).chunk(2, dim=-1)
        return mu, logvar.clamp(-12.0, 6.0)

    def decode_normalised(self, z4: torch.Tensor) -> torch.Tensor:
        x = torch.cat([z4[:, None].expand(-1, self.chunks, -1), self._slots(len(z4))], dim=-1)
        out, _ = self.conductor(x, torch.tanh(self.to_state(z4))[None])
        return self.head(out)

    def decode(self, z4: torch.Tensor) -> torch.Tensor:
        """z4 ``(rows, latent)`` -> the chunk codes ``(rows, chunks, code)`` the conductor writes."""
        return self.decode_normalised(z4) * self.spread + self.offset

    def forward(self, codes: torch.Tensor, sample: bool = True):
        mu, logvar = self.encode(codes)
        z4 = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training and sample else mu
        return self.decode(z4), mu, logvar

    @torch.no_grad()
    def reconstruct(self, codes) -> np.ndarray:
        """The codes the conductor writes from the posterior mean of z4 of ``codes``."""
        return self.decode(self.encode(torch.as_tensor(np.asarray(codes, np.float32)))[0]).numpy()

    def prior(self, noise: np.ndarray) -> np.ndarray:
        """z4 for standard normal ``noise`` ``(rows, latent)``: the noise itself, or a draw of the fitted prior."""
        noise = torch.as_tensor(np.asarray(noise, np.float32))
        return (self.prior_centre + noise @ self.prior_scale.T).numpy()

    @torch.no_grad()
    def codes(self, noise: np.ndarray) -> np.ndarray:
        """Codes ``(rows, chunks, code)`` the conductor writes for z4 = :meth:`prior` of ``noise`` ``(rows,
        latent)`` (a caller that drifts the noise from one 4-bar block to the next passes it here)."""
        return self.decode(torch.from_numpy(self.prior(noise))).numpy()

    def sample(self, n: int, rng: np.random.Generator, temperature: float = 1.0) -> np.ndarray:
        """Codes ``(n, chunks, code)`` of ``n`` phrases from the prior of z4 (its noise scaled by
        ``temperature``), for the 2-bar decoder to play chunk by chunk."""
        return self.codes(rng.standard_normal((n, self.latent)).astype(np.float32) * float(temperature))


def kl_per_row(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)


def code_nll(conductor: Conductor, written: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """Per row: the Gaussian negative log-likelihood (nats, constant left out) of the normalised ``codes``
    under the normalised ``written`` ones with the learned variance per dimension."""
    err = conductor.normalise(written) - conductor.normalise(codes)
    g = conductor.log_gamma
    return 0.5 * (err.pow(2) * torch.exp(-g) + g).sum(dim=(1, 2))


# -- saving and loading -----------------------------------------------------------------------------------------
def save_conductor(conductor: Conductor, path: Path) -> Path:
    return save_side_weights(conductor, path)


def load_conductor(path: Path, code: int, spec: ConductorSpec) -> Conductor:
    """The conductor in ``path`` (safetensors), checked: present, small, finite, the shapes ``spec`` describes
    over the 2-bar model's ``code`` dimensions."""
    conductor = load_side_weights(
        path, Conductor(code, spec.latent, spec.hidden, spec.chunks), "the conductor",
        "the model's conductor entry names this file, and it is missing",
        f"the conductor the config describes ({spec.latent} latent dimensions, {spec.hidden} hidden units, "
        f"{spec.chunks} chunks of a {code}-dimensional code)")
    if not spec.fitted_prior:       # N(0, I): whatever fit the file holds is not used
        conductor.prior_centre.zero_()
        conductor.prior_scale.copy_(torch.eye(spec.latent))
    return conductor.eval()


def load_for(vae, folder: Path, config: dict) -> Conductor | None:
    """The conductor of the model in ``folder`` (its config's ``conductor`` entry), or None where it has none."""
    from musicstudio.generators.checkpoint import CheckpointError

    try:
        spec = ConductorSpec.from_config(config)
    except ValueError as e:
        raise CheckpointError(Path(folder) / "config.json", str(e)) from None
    if spec is None:
        return None
    return load_conductor(Path(folder) / spec.weights, vae.latent, spec)
