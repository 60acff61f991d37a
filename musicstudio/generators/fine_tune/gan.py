"""Fine-tuning the bar GAN: the base model's generator and the critic shipped with it go on with the same
adversarial training (:class:`~musicstudio.generators.gan.training.Adversary`) on the folder's bar pairs,
each bar at a random transposition of the base model's (-5..+6) that keeps it and the bar before in range.

A GAN has no validation loss, so each epoch is judged as the GAN's training judges it
(:class:`~musicstudio.generators.gan.training.BarJudge`): bars generated for the folder's validation pairs
(the bar before and the chord, fixed noise), binarised as the app does, against the real bars by their
figures (pitch classes, notes and voices per bar, note length, empty bars). That distance is the "loss"
the dialog plots: the base model's is the line to beat, the closest epoch is kept, and the same distance
on the training bars is the training curve. A base model without a critic (one trained before critics
shipped) gets a new critic, trained alone for one epoch first.

Resume: every epoch leaves the latest generator and critic and the best generator and critic in
``resume/``; the optimisers start afresh on resume.
"""

from __future__ import annotations

import json

import numpy as np

from musicstudio.generators.checkpoint import load_state_into, save_tensors, write_config
from musicstudio.generators.fine_tune.card import write_fine_tune_card
from musicstudio.generators.fine_tune.folder import FineTuneError
from musicstudio.generators.training.outputs import HISTORY, LOSS_PNG, write_history

SETTINGS = {"batch_size": 64, "lr": 2e-4, "min_batches": 25, "max_batches": 50, "judged_bars": 1024}
MEASURE = "distance of generated bars from real ones (by their figures)"   # for the card
SHORT = "validation distance"                                               # for the dialog and the CLI
STATE = "gan_state.json"


def _judged(pairs, most: int):
    """(bar, bar before, chord) of up to ``most`` of ``pairs``' bars that fit the model's range as they
    are, spread evenly; None when none fits."""
    fits = np.flatnonzero(pairs.shifts_allowed(np.array([0]))[:, 0])
    if not len(fits):
        return None
    index = fits[np.linspace(0, len(fits) - 1, min(most, len(fits))).round().astype(int)]
    return pairs.window(index, np.zeros(len(index), dtype=int))


def fine_tune_gan(work):
    import torch

    from musicstudio.generators.devices import pick_device
    from musicstudio.generators.fine_tune.job import FineTuneResult
    from musicstudio.generators.gan.backend import BACKEND, codec_of, load_critic, model_config_of
    from musicstudio.generators.gan.data import BarPairs
    from musicstudio.generators.gan.model import BarCritic, BarGenerator
    from musicstudio.generators.gan.training import Adversary, BarJudge, tensors

    config, s = work.base_config, dict(SETTINGS)
    codec, model_config = codec_of(config), model_config_of(work.base_folder, config)
    generator = BarGenerator(model_config)
    load_state_into(generator, work.base_folder)
    critic = load_critic(work.base_folder, config)
    fresh_critic = critic is None
    if fresh_critic:
        critic = BarCritic(model_config)
    train = BarPairs.from_pieces(work.data.train, codec.low, codec.high, width=model_config.steps)
    valid = BarPairs.from_pieces(work.data.valid, codec.low, codec.high, width=model_config.steps)
    shifts = list(config.get("data", {}).get("transpose") or [0])
    judged_valid, judged_train = _judged(valid, s["judged_bars"]), _judged(train, s["judged_bars"])
    if judged_valid is None or judged_train is None:
        raise FineTuneError(f"none of the folder's {'validation' if judged_valid is None else 'training'} bars "
                            f"fits the model's pitch range ({codec.low}-{codec.high}) with the bar before it")
    draw = train.sampler(shifts, seed=1)
    judge = BarJudge(judged_valid, model_config.noise, codec.low)
    train_judge = BarJudge(judged_train, model_config.noise, codec.low)
    device = pick_device(work.job.device)
    dev = torch.device(device)
    bs, epochs = s["batch_size"], work.job.epochs
    per_epoch = min(s["max_batches"], max(s["min_batches"], -(-len(train) // bs)))
    resume, state_file = work.resume_dir, work.resume_dir / STATE
    folders = {name: resume / name for name in ("generator", "critic", "best_generator", "best_critic")}

    def save(names_and_modules) -> None:
        for name, module in names_and_modules:
            folders[name].mkdir(parents=True, exist_ok=True)
            save_tensors(folders[name], module.state_dict())

    torch.manual_seed(1234)
    if work.job.resume and state_file.is_file():
        state = json.loads(state_file.read_text("utf-8"))
        load_state_into(generator, folders["generator"])
        load_state_into(critic, folders["critic"])
        history, before = state["history"], state["before"]
        for row in history:   # the curve so far
            work.emit({"kind": "epoch", "epoch": row["epoch"], "epochs": epochs, "train_loss": row["train_loss"],
                       "valid_loss": row["valid_loss"], "before": before, "measure": SHORT})
    else:
        work.emit({"kind": "stage", "text": f"Measuring {work.base_name} on the validation pieces …"})
        before, history = round(judge(generator)[0], 5), []
    generator.to(dev).train()
    critic.to(dev).train()
    adversary = Adversary(generator, critic, config.get("objective", {}),
                          {"g_lr": s["lr"], "d_lr": s["lr"], "betas": (0.5, 0.9)})
    if fresh_critic and not history:   # a new critic learns the folder's bars before the generator listens
        work.emit({"kind": "stage", "text": "Training a critic for the base model (it has none) …"})
        for _ in range(per_epoch):
            work.check()
            adversary.step_critic(*tensors(draw(bs), dev))
    _run_epochs(work, adversary, (draw, bs, dev, per_epoch, epochs), (judge, train_judge), history, before,
                save, state_file)
    work.check()
    best_row = min(history, key=lambda r: r["valid_loss"])
    generator, critic = BarGenerator(model_config), BarCritic(model_config)
    load_state_into(generator, folders["best_generator"])
    load_state_into(critic, folders["best_critic"])
    sizes = {"train": len(train), "valid": len(valid), "judged_valid": len(judged_valid[0]),
             "judged_train": len(judged_train[0]), "per_epoch": per_epoch, "batch": bs, "epochs": epochs}
    _write_model(work, generator, critic, judge, history, before, best_row, sizes,
                 {"settings": s, "shifts": shifts, "fresh_critic": fresh_critic, "device": device})
    return FineTuneResult(work.out, work.name, BACKEND, before, best_row["valid_loss"], len(history), work.seconds,
                          history, measure=SHORT)


def _run_epochs(work, adversary, batches, judges, history: list, before: float, save, state_file) -> None:
    """The epochs still to run (after ``history``'s): adversarial steps, then both judges; the best epoch's
    networks and every epoch's go to the resume folders, with the state to resume from."""
    from musicstudio.generators.gan.training import tensors

    generator, critic = adversary.generator, adversary.critic
    draw, bs, dev, per_epoch, epochs = batches
    judge, train_judge = judges
    best = min((row["valid_loss"] for row in history), default=float("inf"))
    for epoch in range(len(history) + 1, epochs + 1):
        sums = np.zeros(5)
        for done in range(1, per_epoch + 1):
            work.check()
            sums += adversary.step(*tensors(draw(bs), dev))
            work.emit({"kind": "progress", "epoch": epoch, "epochs": epochs, "done": done / per_epoch})
        score, figures = judge(generator)
        train_score, _ = train_judge(generator)
        means = sums / per_epoch
        row = {"epoch": epoch, "train_loss": round(train_score, 5), "valid_loss": round(score, 5),
               "d_loss": round(means[0], 4), "g_loss": round(means[1], 4), "feature_matching": round(means[2], 5),
               "d_real": round(means[3], 4), "d_fake": round(means[4], 4),
               **{f"valid_{k}": round(v, 4) for k, v in figures.items()}, "seconds": round(work.seconds, 1)}
        history.append(row)
        if score < best:
            best = score
            save([("best_generator", generator), ("best_critic", critic)])
        save([("generator", generator), ("critic", critic)])
        state_file.write_text(json.dumps({"history": history, "before": before}), "utf-8")
        work.emit({"kind": "epoch", "epoch": epoch, "epochs": epochs, "train_loss": row["train_loss"],
                   "valid_loss": row["valid_loss"], "before": before, "measure": SHORT})


def _write_model(work, generator, critic, judge, history, before, best_row, sizes, how) -> None:
    """The fine-tuned model's folder: the best epoch's generator and critic, history, curves, config, card."""
    from musicstudio.generators.gan.backend import BACKEND, CRITIC, codec_of, model_config_of

    config, s, shifts = work.base_config, how["settings"], how["shifts"]
    codec, model_config = codec_of(config), model_config_of(work.base_folder, config)
    epochs, per_epoch, bs = sizes["epochs"], sizes["per_epoch"], sizes["batch"]
    out = work.out
    save_tensors(out, generator.state_dict())
    (out / CRITIC).mkdir(exist_ok=True)
    save_tensors(out / CRITIC, critic.state_dict())
    write_history(out, history)
    try:
        from musicstudio.generators.gan.pictures import gan_curves_png
        gan_curves_png(out / HISTORY, out / LOSS_PNG, judge.real,
                       f"{work.name}: distance from the folder's bars, losses, critic scores and figures", before)
    except ImportError:
        pass
    notes = [f"the base model's generator and critic trained on for {epochs} epochs of {per_epoch} batches of "
             f"{bs} bar pairs of the folder, learning rate {s['lr']:g}, the base model's objective; each bar at a "
             f"random transposition of {shifts} semitones that keeps it in range; the epoch whose generated bars "
             "come closest to the folder's validation bars is kept",
             f"{sizes['train']:,} training bars and {sizes['valid']:,} validation bars (16 steps each; pieces in 4/4 "
             f"or 2/4); judged on {sizes['judged_valid']:,} validation bars and {sizes['judged_train']:,} training "
             "bars",
             "the critic's weights are in critic/, for fine-tuning again"]
    if how["fresh_critic"]:
        notes.append("the base model had no critic: a new one was trained alone for one epoch first")
    if best_row["valid_loss"] >= before:
        notes.append("the fine-tune did not come closer to the folder's validation bars than the base model; its "
                     "best epoch is kept anyway")
    write_config(out, BACKEND, model_config.to_dict(), codec.vocabulary(), name=work.name,
                 data={**config.get("data", {}), "fine_tune": str(work.data.folder)},
                 fine_tuned_from=work.base_name, best_epoch=best_row["epoch"],
                 objective=config.get("objective", {}), validation_bars=judge.real,
                 fine_tune={"data_sha256": work.data.sha256(), "best_epoch": best_row["epoch"], **s})
    write_fine_tune_card(work, backend=BACKEND, before=before, after=best_row["valid_loss"], epochs=len(history),
                         device=how["device"], loss_name=MEASURE,
                         parameters=sum(p.numel() for p in generator.parameters()),
                         metrics={"best epoch": best_row["epoch"], "training bars": sizes["train"],
                                  "validation bars": sizes["valid"], "batches per epoch": per_epoch,
                                  **{f"generated {k.removeprefix('valid_')}": best_row[k] for k in best_row
                                     if k.startswith("valid_") and k != "valid_loss"},
                                  **{f"folder's validation bars {k}": round(v, 4) for k, v in judge.real.items()}},
                         settings={**s, "epochs": epochs, "transpose": shifts, "objective": config.get("objective")},
                         notes=notes)
