"""The ``lstm-ensemble`` backend: the average of independently trained LSTMs' next-event probabilities (a deep
ensemble: Lakshminarayanan, Pritzel & Blundell, "Simple and Scalable Predictive Uncertainty Estimation using
Deep Ensembles", 2017; the "average feature fusion" of Soundarya et al., "Music Generation Using Recurrent
Neural Network").

Several ``lstm`` checkpoints, trained alike from different random seeds, each give the next event's
probabilities; the ensemble samples from their weighted average (a mixture, so its log-probability of a
token is ``log sum_i w_i p_i``). Held-out scoring mixes the same way, so ``eval`` compares it directly
with a single member. On the CPU the members step together, one batched product per layer
(:mod:`.ensemble_stepper`).

The ensemble's folder holds ``config.json``, whose model entry lists the member folders (siblings in
the same models folder) with the sha256 of each member's weights, and ``weights.safetensors`` with the
mixture weights. Training (``musicstudio train lstm-ensemble --config lstm-ensemble``) trains each
member that is not there yet, with its own seed, then measures on the validation windows how the
cross-entropy falls as members are added (``history.csv``: epoch = number of members). ``lstm-ensemble``
is licence-clean and meter-aware (members: the ``lstm-member-small`` config); ``lstm-ensemble-nc`` is the
earlier recipe (members trained on every collection: non-commercial).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from pathlib import Path

import numpy as np
import torch

from musicstudio.generators.blas_threads import one_blas_thread
from musicstudio.generators.checkpoint import WEIGHTS, CheckpointError, load_tensors, read_config
from musicstudio.generators.codecs import codec_from_spec
from musicstudio.generators.continuation import continue_phrase
from musicstudio.generators.copy_cache import CopyCache, with_cache
from musicstudio.generators.interface import CancelToken, GenerationRequest, Progress, Take
from musicstudio.generators.lstm import backend as lstm
from musicstudio.generators.lstm.configs import CONFIGS as LSTM_CONFIGS
from musicstudio.generators.lstm.ensemble_stepper import StackedStepper
from musicstudio.generators.lstm.generator import LSTMGenerator, score_chunks
from musicstudio.generators.lstm.stepper import one_torch_thread
from musicstudio.generators.lstm.training import collate, windows
from musicstudio.generators.phrases import TokenPhrases

BACKEND = "lstm-ensemble"
_MEMBER = LSTM_CONFIGS["lstm-member-small"]
_MEMBER_NC = LSTM_CONFIGS["lstm-member"]
CONFIGS = {
    "lstm-ensemble": {"summary": "the average of three meter-aware lstm networks (hidden 128) trained from different "
                                 "seeds on O'Neill's and Ryan's tunes only (licence-clean): a deep ensemble "
                                 "(Lakshminarayanan, Pritzel & Blundell, \"Simple and Scalable Predictive "
                                 "Uncertainty Estimation using Deep Ensembles\", 2017)",
                      "codec": _MEMBER["codec"], "data": _MEMBER["data"],
                      "members": {"config": "lstm-member-small", "seeds": [1, 2, 3], "name": "lstm-member-{seed}"}},
    "lstm-ensemble-nc": {"summary": "the average of three lstm networks trained from different seeds on every "
                                    "collection (the \"average feature fusion\" of Soundarya et al., \"Music "
                                    "Generation Using Recurrent Neural Network\"): non-commercial",
                         "codec": _MEMBER_NC["codec"], "data": _MEMBER_NC["data"],
                         "members": {"config": "lstm-member", "seeds": [1, 2, 3], "name": "lstm-member-nc-{seed}"}},
    "lstm-ensemble-tiny": {"summary": "two tiny LSTMs averaged, for tests", "codec": LSTM_CONFIGS["lstm-tiny"]["codec"],
                           "data": LSTM_CONFIGS["lstm-tiny"]["data"],
                           "members": {"config": "lstm-tiny", "seeds": [1, 2], "name": "lstm-tiny-{seed}"}},
}


def weights_sha256(folder: Path) -> str:
    digest = hashlib.sha256()
    with open(Path(folder) / WEIGHTS, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mixture_log_probs(member_log_probs: list, weights: np.ndarray):
    """``log sum_i w_i exp(lp_i)`` over members, for numpy arrays or torch tensors of one shape."""
    if isinstance(member_log_probs[0], torch.Tensor):
        stacked = torch.stack(member_log_probs) + torch.log(torch.as_tensor(weights, dtype=torch.float32,
                                                                            device=member_log_probs[0].device)
                                                            ).view(-1, *[1] * member_log_probs[0].dim())
        return torch.logsumexp(stacked, dim=0)
    stacked = np.stack(member_log_probs).astype(np.float64) + np.log(weights).reshape(-1, *[1] *
                                                                                      member_log_probs[0].ndim)
    top = stacked.max(axis=0)
    return top + np.log(np.exp(stacked - top).sum(axis=0))


class EnsembleGenerator:
    """Samples from the mixture of its members. On the CPU, members of one shape step together
    (:class:`~musicstudio.generators.lstm.ensemble_stepper.StackedStepper`: one batched product per layer for
    all of them); otherwise, or with ``batched=False``, each member steps alone and their outputs are mixed.
    With a copy ``cache`` (config.json's ``decoding.copy``, as an ``lstm``'s) each step's mixture is mixed
    again with copying from the seed and the take so far (:mod:`musicstudio.generators.copy_cache`);
    :meth:`score` stays the networks'."""

    backend = BACKEND

    def __init__(self, name: str, members: list[LSTMGenerator], weights: np.ndarray, batched: bool = True,
                 cache: CopyCache | None = None):
        self.name, self.members, self.weights = name, members, np.asarray(weights, np.float64)
        self.cache = cache
        self.phrases: TokenPhrases = members[0].phrases
        self.device = members[0].device
        models = [m.model for m in members]
        self._stacked = StackedStepper(models, self.weights) if (
            batched and torch.device(self.device).type == "cpu" and StackedStepper.fits(models)) else None
        self._steps_of = self.phrases.steps_of()

    @property
    def batched(self) -> bool:
        """Whether the members step together (one batched product per layer) rather than one by one."""
        return self._stacked is not None

    # the TokenModel protocol -----------------------------------------------------------------------------
    def begin(self, seed: np.ndarray, rows: int, meter: tuple[int, int] = (4, 4)):
        states = [m.begin(seed, rows, meter) for m in self.members]
        log_probs = self._mix(states)
        if self._stacked is None:
            return {"members": states, "log_probs": log_probs}
        return {"log_probs": log_probs, "state": StackedStepper.stack([s["state"] for s in states]),
                "position": states[0]["position"], "slots": self._slot_table(meter)}

    def log_probs(self, state) -> np.ndarray:
        return state["log_probs"]

    def push(self, state, tokens: np.ndarray):
        if self._stacked is None:
            states = [m.push(s, tokens) for m, s in zip(self.members, state["members"])]
            return {"members": states, "log_probs": self._mix(states)}
        position = state["position"] + self._steps_of[tokens]
        table = state["slots"]
        log_probs, stacked = self._stacked.step(tokens, table[:, position % table.shape[1]], state["state"])
        return {**state, "log_probs": log_probs, "state": stacked, "position": position}

    def _slot_table(self, meter: tuple[int, int]) -> np.ndarray:
        """``(members, period)``: each member's bar-position slot at every step of one period, the slots
        repeating with the bar of ``meter`` (an old model's every 16 steps), so a step looks its slots up."""
        configs = [m.model.config for m in self.members]
        period = math.lcm(*((c.meter_slot_of(meter)[1] if c.meters else c.positions) or 1 for c in configs))
        steps = np.arange(period)
        return np.stack([c.position_slots(steps, meter) for c in configs])

    def _mix(self, states) -> np.ndarray:
        return mixture_log_probs([m.log_probs(s) for m, s in zip(self.members, states)], self.weights)

    def score(self, tokens: np.ndarray, meter: tuple[int, int] = (4, 4)) -> tuple[np.ndarray, np.ndarray]:
        """Log-probability of each token under the mixture, and whether it was the mixture's top guess."""
        return score_chunks((mixture_log_probs([c[0] for c in chunks], self.weights), chunks[0][1])
                            for chunks in zip(*(m.distributions(tokens, meter=meter) for m in self.members)))

    def generate(self, request: GenerationRequest, progress: Progress | None = None,
                 cancel: CancelToken | None = None) -> list[Take]:
        torch.manual_seed(request.random_seed)
        with one_blas_thread(), one_torch_thread():   # the members' passes over the seed too, as an lstm's
            return continue_phrase(with_cache(self, self.cache, self.phrases), self.phrases, request, BACKEND,
                                   self.name, progress, cancel)


# -- training: the members, then the mixture ------------------------------------------------------------------
def train(run) -> None:
    from musicstudio.generators.training.data import split_sequences
    from musicstudio.generators.training.outputs import ModelFolder

    if run.world > 1:
        raise ValueError("train the ensemble's members one by one (torchrun each with --config lstm-member), "
                         "then run this without torchrun to gather them")
    cfg = run.config
    spec = cfg["members"]
    names = [spec["name"].format(seed=seed) for seed in spec["seeds"]]
    trained_now = []
    for seed, name in zip(spec["seeds"], names):
        folder = run.out.parent / name
        if (folder / WEIGHTS).is_file() and (folder / "history.csv").is_file():
            run.log(f"{run.name}: member {name} is trained already ({folder})")
            continue
        member_config = {**LSTM_CONFIGS[spec["config"]]}
        member_config["train"] = {**member_config.get("train", {}), "seed": seed}
        run.log(f"{run.name}: training member {name} (seed {seed}) ...")
        lstm.train(dataclasses.replace(run, name=name, out=folder, config=member_config, resume=False,
                                       command=f"{run.command} (member {name}: musicstudio train lstm --config "
                                               f"{spec['config']} --name {name} --set train.seed={seed})"))
        trained_now.append(name)
    members = [lstm.load(run.out.parent / n, read_config(run.out.parent / n), run.device) for n in names]

    codec = codec_from_spec(cfg["codec"])
    phrases = TokenPhrases(codec)
    member_batches = LSTM_CONFIGS[spec["config"]]["batches"]
    valid_seqs = split_sequences(run.corpus, "valid", codec, run.data)
    items = windows(valid_seqs, phrases, member_batches["window"], member_batches["valid_windows"],
                         np.random.default_rng(99))  # the members' own validation windows
    history = []
    for k in range(1, len(members) + 1):
        ensemble = EnsembleGenerator(run.name, members[:k], np.full(k, 1.0 / k))
        alone = EnsembleGenerator(run.name, members[k - 1:k], np.ones(1))
        history.append({"epoch": k, "valid_loss": round(_window_ce(ensemble, items), 5),
                        "member_valid_loss": round(_window_ce(alone, items), 5), "seconds": round(run.seconds, 1)})
        run.log(f"  {k} member(s): valid cross-entropy {history[-1]['valid_loss']:.4f} nats/event "
                f"(member {names[k - 1]} alone {history[-1]['member_valid_loss']:.4f})")
    weights = np.full(len(members), 1.0 / len(members))
    folder = ModelFolder(run, BACKEND, codec)
    folder.save({"mixture": torch.tensor(weights, dtype=torch.float32)},
                {"members": names, "weights_sha256": {n: weights_sha256(run.out.parent / n) for n in names}})
    folder.finish(history, loss_title=f"{run.name}: validation cross-entropy by number of members (epoch = members)",
                  epochs=len(members), seconds=run.seconds,
                  metrics={"members": len(members),
                           "valid cross-entropy, ensemble (nats/event)": history[-1]["valid_loss"],
                           "valid cross-entropy, best member alone": min(r["member_valid_loss"] for r in history),
                           "valid cross-entropy, mean of members": float(np.mean([r["member_valid_loss"]
                                                                                  for r in history]))},
                  parameters=sum(p.numel() for m in members for p in m.model.parameters()),
                  notes=[f"members: {', '.join(names)} (folders beside this one; each has its own card)",
                         f"trained by this run: {', '.join(trained_now) or 'none (all were there)'}",
                         "history.csv: epoch = number of members averaged; valid_loss is the ensemble of the first "
                         "k members, member_valid_loss the k-th member alone"])


@torch.no_grad()
def _window_ce(generator: EnsembleGenerator, items, batch_size: int = 64) -> float:
    """Mean cross-entropy per event over validation windows, scored as the members were validated."""
    total, count = 0.0, 0
    pad = generator.phrases.vocab_size
    for i in range(0, len(items), batch_size):
        x, p, y = (t.to(generator.device) for t in collate(items[i:i + batch_size], pad))
        lp = mixture_log_probs([torch.log_softmax(m.model(x, p)[0].float(), dim=-1) for m in generator.members],
                               generator.weights)
        keep = y != -100
        total -= float(lp.gather(2, y.clamp(min=0)[..., None])[..., 0][keep].sum())
        count += int(keep.sum())
    return total / max(count, 1)


def load(folder: Path, config: dict, device: str = "cpu") -> EnsembleGenerator:
    folder = Path(folder)
    path = folder / "config.json"
    try:
        names = list(config["model"]["members"])
        hashes = dict(config["model"].get("weights_sha256", {}))
        if not names:
            raise ValueError("it lists no members")
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(path, f"it does not describe an ensemble ({e})") from None
    members = []
    for name in names:
        member = folder.parent / name
        if not (member / "config.json").is_file():
            raise CheckpointError(path, f"its member {name} is missing (expected the folder {member})")
        if name in hashes and weights_sha256(member) != hashes[name]:
            raise CheckpointError(member / WEIGHTS, f"these are not the weights ensemble {folder.name} was built "
                                                    "with (sha256 differs): retrain the ensemble")
        member_config = read_config(member)
        if member_config["codec"] != config["codec"]:
            raise CheckpointError(member / "config.json", f"its codec is not the ensemble's ({folder.name})")
        members.append(lstm.load(member, member_config, device))
    mixture = load_tensors(folder).get("mixture")
    if mixture is None or tuple(mixture.shape) != (len(members),) or not torch.isclose(mixture.sum(),
                                                                                        torch.tensor(1.0)):
        raise CheckpointError(folder / WEIGHTS, f"it needs mixture weights for {len(members)} members that sum to 1")
    return EnsembleGenerator(config.get("name", folder.name), members, mixture.double().numpy(),
                             cache=lstm.decoding_cache(folder, config))
