"""A 4-bar level over the frozen 2-bar polyphonic VAE: a small VAE whose latent z4 stands for a whole 4-bar
phrase and whose *conductor* writes, from z4, the codes of the phrase's 2-bar chunks in order, which the frozen
2-bar decoder then plays (issue 23's "4-bar, hierarchical").

MusicVAE's hierarchical decoder (Roberts, Engel, Raffel, Hawthorne & Eck, "A Hierarchical Latent Vector Model
for Learning Long-Term Structure in Music", 2018) has a conductor RNN write one embedding per bar for a
bottom-level decoder trained with it. Here the bottom level is the whole trained 2-bar VAE, left as it is, and
the top level is fitted afterwards to the codes its encoder gives: a second-stage VAE over the first stage's
latent space (Dai & Wipf, "Diagnosing and Enhancing VAE Models", 2019; cf. the ex-post density estimation of
Ghosh, Sajjadi, Vergari, Black & Schoelkopf, "From Variational to Deterministic Autoencoders", 2020).

:class:`Conductor`: the chunk codes, normalised per dimension by the training codes' mean and spread, are read
by a bidirectional GRU over the chunks into (mu, log-variance) of z4; the conductor is a GRU over the chunk
slots whose state starts from z4 and which reads z4 and the slot's one-hot at each slot, a linear head giving
each chunk's (normalised) code. Training (:func:`~.conductor_training.train`,
``python -m musicstudio.generators.vae_poly.conductor vae-poly --out FILE``) minimises, per phrase, a
reconstruction term plus ``beta`` times the KL of z4's posterior to N(0, I) above ``free_bits`` nats:

* ``code``: the Gaussian negative log-likelihood of the chunk codes (normalised) with a learned variance per
  dimension (Dai & Wipf's learned gamma, here one per dimension);
* ``decoder``: what the frozen decoder makes of the written codes: its teacher-forced loss of the phrase's own
  chunks (nats summed over their cells, :meth:`~.kernel.Kernel.objective`), so codes are right where the
  decoder cares and free where it does not. Its gradient with respect to the codes comes from the kernel, and
  is fed back through the conductor alone (no autograd graph through the decoder).

Samples: z4 ~ N(0, I) (or the Gaussian fitted to the training phrases' z4 means, ``fitted_prior``) -> the
conductor's codes -> the frozen decoder (:meth:`Conductor.sample`). The measurements
(:func:`~.conductor_measures.measure`, ``--measure SPLIT``): 4-bar reconstruction through the hierarchy against
the flat path (each chunk's code straight to the decoder), and prior samples against the app's way of writing 4
bars from the prior (two 2-bar codes of the fitted prior, the noise drifting 0.25 between them): Yang & Lerch's
overlap against held-out 4-bar phrases and the coherence of the halves (pitch-class overlap and note-density
ratio of bars 1-2 against bars 3-4). Safe to import: no side effects.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from musicstudio.generators.vae_poly.conductor_measures import measure
from musicstudio.generators.vae_poly.conductor_model import (  # noqa: F401 - the conductor's API, by this name
    OBJECTIVES,
    Conductor,
    ConductorSpec,
    load_conductor,
    load_for,
    save_conductor,
)
from musicstudio.generators.vae_poly.conductor_training import fit_prior, train


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m musicstudio.generators.vae_poly.conductor",
                                description="train (or measure) the polyphonic VAE's 4-bar conductor over the "
                                            "frozen 2-bar model")
    p.add_argument("model", nargs="?", default="vae-poly")
    p.add_argument("--out", help="the conductor's .safetensors file to train")
    p.add_argument("--cache", default="cache/poly-pieces.npz")
    p.add_argument("--latent", type=int, default=64)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--objective", choices=OBJECTIVES, default="code")
    p.add_argument("--beta", type=float, default=1.0)
    p.add_argument("--free-bits", type=float, default=0.0)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--minutes", type=float, default=5.0)
    p.add_argument("--validate-every", type=int, default=200)
    p.add_argument("--transpose", default="0", help="semitones, comma-separated: the training pieces' transpositions")
    p.add_argument("--init", help="a conductor of the same shape to start from")
    p.add_argument("--fit-prior", action="store_true", help="fit z4's prior to the training phrases' z4 means")
    p.add_argument("--measure", metavar="SPLIT", help="measure a conductor (--out, or the model's own) on SPLIT")
    p.add_argument("--no-refined", action="store_true", help="measure without the refined codes (faster)")
    p.add_argument("--json", help="a JSON file for the history or the measurements")
    args = p.parse_args(argv)

    from musicstudio.generators.checkpoint import read_config
    from musicstudio.generators.registry import ModelRegistry  # the backend by name: no import cycle

    folder = Path(args.model) if Path(args.model).is_dir() else Path("models") / args.model
    torch.set_num_threads(1)
    vae = ModelRegistry([folder.parent]).load(folder.name, "cpu")
    transpose = tuple(int(t) for t in args.transpose.split(","))
    result: dict = {}
    if args.out and not (args.measure or args.fit_prior):
        result = train(vae, args.cache, Path(args.out), args.latent, args.hidden, args.objective, args.beta,
                       args.free_bits, args.batch, args.lr, args.minutes, args.validate_every,
                       transpose=transpose, init=args.init)
        print(json.dumps(result["best"]), file=sys.stderr)
    if args.fit_prior or args.measure:
        if args.out:
            spec = ConductorSpec(Path(args.out).name, args.latent, args.hidden, 2, True)
            conductor = load_conductor(Path(args.out), vae.latent, spec)
        else:
            conductor = load_for(vae, folder, read_config(folder))
            if conductor is None:
                p.error(f"{folder} has no conductor: name one with --out")
        if args.fit_prior:
            fit_prior(vae, conductor, args.cache, transpose)
            save_conductor(conductor, Path(args.out))
            result["prior_fitted"] = True
        if args.measure:
            result["measured"] = measure(vae, conductor, args.cache, args.measure, not args.no_refined)
            print(json.dumps(result["measured"], indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
