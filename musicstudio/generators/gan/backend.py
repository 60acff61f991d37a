"""The GAN backend: training configs, training on bar pairs of the corpus, and loading.

The shipped ``gan`` is meter-aware and licence-clean: it trains on every piece of O'Neill's and Ryan's
(single melodies, every meter whose bar fits 24 steps), each bar in its own meter in a 24-step roll with the
meter's grid as conditioning (:mod:`.meters`). ``gan-nc`` (config ``gan-nc``) is the earlier model: every
4/4 and 2/4 piece of the chorales and the folk-tune collections in 16-step bars (tunes one line, chorales
four voices in one roll), Bach's bars drawn twice as often as their share. Each bar is drawn at a random
transposition that keeps it and the bar before in C2..C6. The generator's weights are the
model; the critic's ship next to them in ``critic/`` (:data:`CRITIC`), for fine-tuning.
"""

from __future__ import annotations

from pathlib import Path

import torch

from musicstudio.generators.checkpoint import CheckpointError, build_checked
from musicstudio.generators.codecs.pianoroll import PianorollCodec
from musicstudio.generators.gan import CRITIC  # the critic's weights: a subfolder of the model's
from musicstudio.generators.gan.meters import CHANNELS, WIDTH
from musicstudio.generators.gan.model import BarGenerator, GANConfig

BACKEND = "gan"
_CODEC = {"codec": "pianoroll", "low": 36, "high": 84, "steps_per_bar": 16, "onsets": True}
_METERED_CODEC = {**_CODEC, "steps_per_bar": WIDTH}   # a bar of any meter in a 24-step roll
_DATA = {"collections": ["bach", "essenFolksong", "oneills1850", "ryansMammoth"], "meter_classes": ["bar"],
         "transpose": list(range(-5, 7))}
_CLEAN = {"collections": ["oneills1850", "ryansMammoth"], "meter_classes": None, "transpose": list(range(-5, 7))}
_OBJECTIVE = {"loss": "hinge", "critic_sees": "soft", "feature_matching": 1.0, "mismatch": 0.5, "mode_seeking": 0.05}
_TRAIN = {"epochs": 200, "batch_size": 64, "per_epoch": 400, "g_lr": 2e-4, "d_lr": 2e-4, "betas": [0.5, 0.9],
          "max_minutes": 55, "valid_bars": 2048}
_SUMMARY = ("MidiNet-style conditional convolutional GAN: one bar at a time as a piano roll (sounding and onset "
            "planes, C2..C6), conditioned on the bar before and a chord")
CONFIGS = {
    "gan": {"summary": f"{_SUMMARY} and the meter's grid (a bar of any meter up to 24 16th steps); "
                       "matching-aware critic and mode-seeking term; melodies",
            "codec": _METERED_CODEC,
            "model": {"noise": 64, "width": 96, "critic": 128, "steps": WIDTH, "meter_channels": CHANNELS},
            "data": _CLEAN, "weights": {"3/4": 2.0, "9/8": 3.0, "4/4": 1.5}, "threads": 1, "textures": ["melody"],
            "objective": _OBJECTIVE, "train": {**_TRAIN, "per_epoch": 200, "max_minutes": 35}},
    "gan-nc": {"summary": f"{_SUMMARY}; matching-aware critic and mode-seeking term",
               "codec": _CODEC, "model": {"noise": 64, "width": 96, "critic": 128},
               "data": _DATA, "weights": {"bach": 2.0}, "threads": 1, "objective": _OBJECTIVE, "train": _TRAIN},
    "gan-tiny": {"summary": "a tiny bar GAN for tests (seconds on one thread)",
                 "codec": _CODEC, "model": {"noise": 8, "width": 16, "critic": 16},
                 "data": {**_DATA, "meter_classes": None, "transpose": [0, 2, -2]}, "threads": 1,
                 "objective": {"loss": "hinge", "critic_sees": "binary", "feature_matching": 1.0},
                 "train": {"epochs": 3, "batch_size": 16, "per_epoch": 20, "g_lr": 1e-3, "d_lr": 1e-3,
                           "betas": [0.5, 0.9], "valid_bars": 64}},
    "gan-tiny-meters": {"summary": "a tiny meter-aware bar GAN for tests (seconds on one thread)",
                        "codec": _METERED_CODEC,
                        "model": {"noise": 8, "width": 16, "critic": 16, "steps": WIDTH, "meter_channels": CHANNELS},
                        "data": {**_CLEAN, "transpose": [0, 2, -2]}, "threads": 1, "textures": ["melody"],
                        "objective": {"loss": "hinge", "critic_sees": "soft", "feature_matching": 1.0},
                        "train": {"epochs": 2, "batch_size": 16, "per_epoch": 10, "g_lr": 1e-3, "d_lr": 1e-3,
                                  "betas": [0.5, 0.9], "valid_bars": 64}},
}


def codec_of(config: dict) -> PianorollCodec:
    spec = dict(config["codec"])
    if spec.pop("codec", None) != "pianoroll":
        raise ValueError("the GAN works on the pianoroll codec")
    return PianorollCodec(**{k: spec[k] for k in ("low", "high", "steps_per_bar", "onsets")})


def train(run) -> None:
    from musicstudio.generators.gan.bar_stats import roll_figures
    from musicstudio.generators.gan.data import BarPairs
    from musicstudio.generators.gan.pictures import gan_curves_png
    from musicstudio.generators.gan.training import adversarial_fit
    from musicstudio.generators.training.loop import seed_everything
    from musicstudio.generators.training.outputs import ModelFolder

    cfg = run.config
    if cfg.get("threads"):
        torch.set_num_threads(int(cfg["threads"]))
    codec = codec_of(cfg)
    model_config = GANConfig(pitches=codec.pitches, **cfg["model"])
    if codec.steps_per_bar != model_config.steps or not codec.onsets:
        raise ValueError(f"the GAN's networks take {model_config.steps}-step bars with an onset plane")
    loop, data = cfg["train"], run.data
    run.log(f"{run.name}: reading the corpus ...")
    train_bars = BarPairs.from_corpus(run.corpus, "train", codec.low, codec.high, data, cfg.get("weights"),
                                      model_config.steps)
    valid_bars = BarPairs.from_corpus(run.corpus, "valid", codec.low, codec.high, data, width=model_config.steps)
    if not len(train_bars) or not len(valid_bars):
        raise ValueError("no bars in the training or validation split: widen the data filters")
    seed_everything(1234)
    draw = train_bars.sampler(list(data.transpose), seed=1)
    valid = valid_bars.sampler([0], seed=2)(loop["valid_bars"])
    meters = {f"{n}/{d}": count for (n, d), count in train_bars.meter_counts().items()}
    run.log(f"{run.name}: {len(train_bars):,} training bars, {len(valid_bars):,} validation bars; by meter {meters}")

    folder = ModelFolder(run, BACKEND, codec)

    def save_best(generator, critic, row) -> None:
        if run.main:
            folder.save(generator.state_dict(), model_config.to_dict(), {CRITIC: critic.state_dict()},
                        best_epoch=row["epoch"], **extra)

    extra = {"textures": cfg["textures"]} if cfg.get("textures") else {}
    if model_config.meter_channels:
        extra["training_bars_by_meter"] = meters

    history = adversarial_fit(run, model_config, draw, valid, cfg["objective"], loop, save_best, run.log)
    if not run.main:
        return
    real = roll_figures(valid[0] > 0, codec.low)
    best = min(history, key=lambda r: r["valid_distance"])
    folder.write_config(model_config.to_dict(), best_epoch=best["epoch"], objective=cfg["objective"],
                        validation_bars=real, **extra)
    folder.finish(history, loss_title=None,
                  evaluation=f" and `python -m musicstudio.generators.gan.report {run.out}`",
                  metrics={"best epoch (closest validation bars)": best["epoch"],
                           "validation distance": best["valid_distance"],
                           **{f"generated {k.removeprefix('valid_')}": best[k] for k in best
                              if k.startswith("valid_") and k != "valid_distance"},
                           **{f"validation data {k}": round(v, 4) for k, v in real.items()},
                           "training bars": len(train_bars)},
                  parameters=sum(p.numel() for p in BarGenerator(model_config).parameters()),
                  notes=["parameters: the generator's (what generates); the critic's weights are in critic/, for "
                         "fine-tuning",
                         "bars drawn more often than their share: " + (", ".join(
                             f"{k} {v} times" for k, v in cfg.get("weights", {}).items()) or "none"),
                         "loss.png: critic and generator losses, critic scores, and the validation bars' figures "
                         "against the real bars' (dashed)"])
    try:
        gan_curves_png(run.out / "history.csv", run.out / "loss.png", real,
                       f"{run.name}: losses, critic scores and validation bars against epochs")
    except ImportError:
        run.log("no matplotlib: no loss.png")


def model_config_of(folder: Path, config: dict) -> GANConfig:
    """The networks' shape from a model's config (CheckpointError when it does not describe a bar GAN)."""
    try:
        codec = codec_of(config)
        model_config = GANConfig(**config["model"])
        if model_config.pitches != codec.pitches:
            raise ValueError(f"the model's {model_config.pitches} pitches are not the codec's {codec.pitches}")
        if model_config.steps != codec.steps_per_bar:
            raise ValueError(f"the model's {model_config.steps} steps are not the codec's {codec.steps_per_bar}")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(Path(folder) / "config.json", f"it does not describe a bar GAN ({e})") from None
    return model_config


def load_critic(folder: Path, config: dict):
    """The critic shipped with a model, or None when the model has none (one trained before critics shipped)."""
    from musicstudio.generators.gan.model import BarCritic

    critic_folder = Path(folder) / CRITIC
    if not critic_folder.is_dir():
        return None
    model_config = model_config_of(folder, config)
    return build_checked(lambda: BarCritic(model_config), critic_folder, "a GAN critic")


def load(folder: Path, config: dict, device: str = "cpu"):
    from musicstudio.generators.gan.generator import GANGenerator

    folder = Path(folder)
    model_config = model_config_of(folder, config)
    model = build_checked(lambda: BarGenerator(model_config), folder, "a GAN generator")
    return GANGenerator(config.get("name", folder.name), model, codec_of(config), device,
                        tuple(config.get("textures") or ("melody", "chords")), config.get("onset_thresholds"),
                        config.get("first_bar"))
