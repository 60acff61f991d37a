"""The VAE backend: training configs, the objective, and loading (training itself: :mod:`.training`).

The default ``vae`` is meter-aware (phrases of 2 bars of each piece's meter, position slots per meter: see
:mod:`.model`) and trains on O'Neill's and Ryan's only, every meter; ``vae-nc`` and ``vae-hikl-nc`` are the
earlier recipes (32-step phrases of the whole corpus's 4/4 and 2/4 pieces, Essen, Palestrina and Bach
included: non-commercial).

Objective per phrase (MusicVAE's): reconstruction cross-entropy summed over the phrase's steps plus
``beta * max(KL - free_bits, 0)``, beta rising linearly from 0 over the first ``anneal_steps`` batches.
Validation always uses the final beta, so epochs compare. The history also holds reconstruction, KL and
ELBO per phrase (the MGU-V curves, drawn in ``elbo.png``), and teacher-forced and greedy reconstruction
accuracy on validation phrases. After training, the latent sliders are computed on the training phrases
and saved with the weights.
"""

from __future__ import annotations

from pathlib import Path

from musicstudio.generators.checkpoint import CheckpointError, build_checked
from musicstudio.generators.vae.model import METERS, MelodyVAE, VAEConfig

BACKEND = "vae"
_CODEC = {"codec": "melody", "low": 48, "high": 84}
_DATA = {"collections": None, "meter_classes": ["bar"], "transpose": list(range(-5, 7))}
_CLEAN = {"collections": ["oneills1850", "ryansMammoth"], "meter_classes": None, "transpose": list(range(-5, 7))}
_PHRASES = {"hop": 16, "min_notes": 2, "min_sounding": 0.5}
_NETWORK = {"embed": 32, "encoder": 128, "decoder": 256, "decoder_layers": 1, "latent": 128}
_METERED = {"meters": [list(m) for m in METERS], "position_embed": 16}
_MELODY_VAE = {"codec": _CODEC, "model": _NETWORK, "data": _DATA, "phrases": _PHRASES, "threads": 1,
               "batches": {"batch_size": 128, "per_epoch": 300, "valid_phrases": 2048, "slider_phrases": 30000}}
_SUMMARY = ("MusicVAE-style 2-bar melody VAE (bidirectional LSTM encoder, LSTM decoder on z, free bits), with "
            "latent sliders")
CONFIGS = {
    "vae": {"summary": "meter-aware MusicVAE-style melody VAE: phrases of 2 bars of the piece's meter, a position "
                       "slot per step of each meter's bar (bidirectional LSTM encoder, LSTM decoder on z, free bits), "
                       "with latent sliders; O'Neill's and Ryan's only, every meter",
            **_MELODY_VAE, "model": {**_NETWORK, **_METERED}, "data": _CLEAN,
            "objective": {"beta": 0.2, "free_bits": 96.0, "anneal_steps": 2000},
            "train": {"epochs": 14, "lr": 1e-3, "clip_norm": 1.0, "patience": 5, "schedule": "cosine",
                      "max_minutes": 36}},
    "vae-nc": {"summary": _SUMMARY, **_MELODY_VAE,
               "objective": {"beta": 0.2, "free_bits": 96.0, "anneal_steps": 2000},
               "train": {"epochs": 22, "lr": 1e-3, "clip_norm": 1.0, "patience": 5, "schedule": "cosine",
                         "max_minutes": 38}},
    "vae-hikl-nc": {"summary": "the same 2-bar melody VAE with twice the free bits (a higher-KL latent), for "
                               "reconstruction and interpolation (Magenta ships such a pair)", **_MELODY_VAE,
                    "objective": {"beta": 0.2, "free_bits": 192.0, "anneal_steps": 2000},
                    "train": {"epochs": 26, "lr": 1e-3, "clip_norm": 1.0, "patience": 5, "schedule": "cosine",
                              "max_minutes": 45}},
    "vae-tiny": {"summary": "a tiny meter-aware melody VAE for tests (about 30 s on one thread)", "codec": _CODEC,
                 "model": {"embed": 16, "encoder": 48, "decoder": 64, "decoder_layers": 1, "latent": 16,
                           **_METERED, "position_embed": 8},
                 "data": {**_DATA, "meter_classes": None, "transpose": [0, 2, -2]},
                 "phrases": _PHRASES, "threads": 1,
                 "objective": {"beta": 0.2, "free_bits": 24.0, "anneal_steps": 50},
                 "batches": {"batch_size": 32, "per_epoch": 50, "valid_phrases": 64, "slider_phrases": 2000},
                 "train": {"epochs": 14, "lr": 8e-3, "patience": 14}},
}


def train(run) -> None:
    from musicstudio.generators.vae.training import train as train_phrases
    train_phrases(run)


def load(folder: Path, config: dict, device: str = "cpu"):
    from musicstudio.generators.phrases import TokenPhrases
    from musicstudio.generators.vae.generator import VAEGenerator

    folder = Path(folder)
    try:
        phrases = TokenPhrases.from_vocabulary(config["codec"])
        if not phrases.is_melody:
            raise ValueError("the VAE works on the melody codec")
        model_config = VAEConfig(**config["model"])
        if model_config.vocab != phrases.vocab_size:
            raise ValueError(f"the model's vocabulary ({model_config.vocab}) is not the codec's "
                             f"({phrases.vocab_size})")
        sliders = list(config.get("sliders", []))
        if len(sliders) != model_config.directions:
            raise ValueError(f"{len(sliders)} slider names for {model_config.directions} directions")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(folder / "config.json", f"it does not describe a melody VAE ({e})") from None
    model = build_checked(lambda: MelodyVAE(model_config), folder, "a melody VAE")
    return VAEGenerator(config.get("name", folder.name), model, phrases, sliders, device)
