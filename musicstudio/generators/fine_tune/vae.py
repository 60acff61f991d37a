"""Fine-tuning the melody VAE: the base model's weights go on training on the folder's 2-bar phrases (of each
piece's meter, one meter a batch, for a meter-aware model: :func:`~musicstudio.generators.vae.phrases.group_windows`)
(:func:`.torch_fit.fit_from_base`) at a tenth of the shipped learning rate, with the base model's objective
at its final beta (no annealing: the model is trained already). Afterwards the latent sliders are computed
again on the folder's untransposed phrases (the latent space has moved), or the base model's are kept when
the folder has too few phrases for quartiles to mean anything.
"""

from __future__ import annotations

import numpy as np

from musicstudio.generators.checkpoint import load_state_into, save_tensors, write_config
from musicstudio.generators.fine_tune.card import write_fine_tune_card
from musicstudio.generators.fine_tune.folder import FineTuneError
from musicstudio.generators.fine_tune.torch_fit import FitSettings, fit_from_base
from musicstudio.generators.training.outputs import write_history, write_loss_png

SETTINGS = {"batch_size": 32, "lr": 1e-4, "min_lr": 1e-5, "patience": 3, "clip_norm": 1.0,
            "min_batches": 4, "max_batches": 40, "min_slider_phrases": 32}
PHRASES = {"hop": 16, "min_notes": 2, "min_sounding": 0.5}
OBJECTIVE = {"beta": 0.2, "free_bits": 96.0}


def fine_tune_vae(work):
    import torch

    from musicstudio.generators.codecs import MelodyCodec
    from musicstudio.generators.devices import pick_device
    from musicstudio.generators.fine_tune.job import FineTuneResult
    from musicstudio.generators.vae.model import MelodyVAE, VAEConfig
    from musicstudio.generators.vae.objective import group_slots, phrase_loss
    from musicstudio.generators.vae.phrases import group_windows
    from musicstudio.generators.vae.training import batches_of

    config = work.base_config
    spec = dict(config["codec"])
    codec = MelodyCodec(spec["low"], spec["high"])
    model_config = VAEConfig(**config["model"])
    model = MelodyVAE(model_config)
    load_state_into(model, work.base_folder)
    device = pick_device(work.job.device)
    s = dict(SETTINGS)
    obj = {**OBJECTIVE, **{k: v for k, v in config.get("objective", {}).items() if k in OBJECTIVE}}
    shifts = tuple(config.get("data", {}).get("transpose") or (0,))
    cut = (PHRASES["min_notes"], PHRASES["min_sounding"])
    train_g = group_windows(work.data.metered("train", codec, shifts), model_config, *cut)
    plain_g = group_windows(work.data.metered("train", codec), model_config, *cut)
    valid_g = group_windows(work.data.metered("valid", codec), model_config, *cut)
    train_n, valid_n = (sum(len(w) for w in g.values()) for g in (train_g, valid_g))
    if not train_n or not valid_n:
        raise FineTuneError(f"the folder's pieces give {train_n} training and {valid_n} validation "
                            "2-bar phrases (the VAE needs melodies that sound for at least half of two bars)")
    bs = s["batch_size"]
    per_epoch = min(s["max_batches"], max(s["min_batches"], -(-train_n // bs)))
    valid_batches = [(m, torch.from_numpy(w[i:i + bs].astype(np.int64)))
                     for m, w in valid_g.items() for i in range(0, len(w), bs)]
    dev = torch.device(device)

    def make_batches(epoch: int, rng: np.random.Generator) -> list:
        return batches_of(train_g, per_epoch, bs, rng)

    def batch_loss(m, batch):
        meter, tokens = batch
        loss, *_ = phrase_loss(m, tokens.to(dev), obj["beta"], obj["free_bits"],
                               group_slots(model_config, meter, tokens.shape[1]))
        return loss, float(len(tokens))

    epochs = work.job.epochs
    history, before = fit_from_base(work, model, device, make_batches, valid_batches, batch_loss,
                                    FitSettings(epochs, per_epoch, s["lr"], s["min_lr"], s["patience"], s["clip_norm"]))
    best = min(history, key=lambda r: r["valid_loss"])
    model, final_config, names, sliders = _sliders_again(model, model_config, config, plain_g, codec, s)
    out = work.out
    save_tensors(out, model.state_dict())
    write_history(out, history)
    write_loss_png(out, f"{work.name}: loss per phrase on the folder")
    notes = [f"the base model's weights trained on for up to {epochs} epochs of {per_epoch} batches of {bs} "
             f"2-bar phrases, learning rate {s['lr']:g}, beta {obj['beta']:g}, free bits {obj['free_bits']:g}; "
             "the best epoch is kept", sliders,
             f"training phrases transposed by {list(shifts)} semitones; {train_n} training and {valid_n} "
             "validation phrases"]
    if best["valid_loss"] >= before:
        notes.append("the fine-tune did not beat the base model on the folder's validation phrases; its best "
                     "epoch is kept anyway")
    write_config(out, "vae", final_config.to_dict(), config["codec"], name=work.name,
                 data={**config.get("data", {}), "fine_tune": str(work.data.folder)},
                 fine_tuned_from=work.base_name, best_epoch=best["epoch"], sliders=names,
                 objective=config.get("objective", obj),
                 fine_tune={"data_sha256": work.data.sha256(), "best_epoch": best["epoch"], **s})
    write_fine_tune_card(work, backend="vae", before=before, after=best["valid_loss"], epochs=len(history),
                         device=device, loss_name="loss per phrase (nats)",
                         parameters=sum(p.numel() for p in model.parameters()),
                         metrics={"best epoch": best["epoch"], "training phrases (transposed)": train_n,
                                  "validation phrases": valid_n, "batches per epoch": per_epoch},
                         settings={**s, "epochs": epochs, "transpose": list(shifts), "objective": obj},
                         notes=notes)
    return FineTuneResult(out, work.name, "vae", before, best["valid_loss"], len(history), work.seconds, history)


def _sliders_again(model, model_config, config: dict, plain_g: dict, codec, s: dict):
    """The latent sliders computed again on the folder's untransposed training phrases (``plain_g``, by
    meter) when there are enough of them, else the base model's kept: (model, its config, slider names, a
    note for the card)."""
    from musicstudio.generators.vae.objective import with_sliders

    model.to("cpu").eval()
    names = list(config.get("sliders", []))
    count = sum(len(w) for w in plain_g.values())
    if count >= s["min_slider_phrases"]:
        model, names = with_sliders(model, plain_g, codec.low)
        final_config = model.config
        sliders = f"the latent sliders computed again on the folder's {count} untransposed training phrases"
    else:
        final_config = model_config
        sliders = (f"the base model's latent sliders kept: the folder has {count} untransposed training "
                   f"phrases, fewer than {s['min_slider_phrases']}")
    return model, final_config, names, sliders
