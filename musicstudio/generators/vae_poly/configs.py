"""The polyphonic VAE's named training configs: ``vae-poly`` (the plain VAE), ``vae-poly-gan`` (the first
``vae-poly``'s network, data and 30-minute budget with the discriminator of :mod:`.adversary` beside the ELBO
from a quarter of the budget on) and ``vae-poly-tiny`` (for tests).

``vae-poly`` blanks half of the decoder's fed-back previous steps while training (word dropout, Bowman, Vilnis,
Vinyals, Dai, Jozefowicz & Bengio, "Generating Sentences from a Continuous Space", 2016) and learns at 2e-3 for
48 minutes: the first model (``_FIRST``, kept for the VAE-GAN twin) leaned on the fed-back roll, and its greedy
decoding went wrong within the first few steps and stayed wrong (docs/vae-poly.md, "What limits
reconstruction").

``vae-poly`` now continues from the shipped weights (``train.warm_start``, :mod:`.warm`) with free bits 512
instead of 128, the learning rate falling from 2e-3 to 1e-4 over 70 minutes, and samples its prior from the
Gaussian fitted to the training codes (``model.fitted_prior``, :mod:`.fit_prior`): the model trained from scratch
(``_SCRATCH``, 41 minutes) sat at the free bits (about 135 of 128 nats) while a dense 2-bar quartet phrase needs
far more; in 5-minute probes from its weights free bits 512 lowered the validation reconstruction where 128 did
not; and with 505 nats in its codes, the longer-trained model's N(0, I) samples fell below issue 23's overlap,
its fitted prior's did not (docs/vae-poly.md, "Third pass"). ``--set train.warm_start=`` trains from scratch."""

BACKEND = "vae-poly"
_CODEC = {"codec": "pianoroll", "low": 24, "high": 107}   # the pitches 24..107, both included
_DATA = {"transpose": [-3, -2, -1, 0, 1, 2, 3], "valid_phrases": 1024, "slider_phrases": 6000}
_TRAIN = {"epochs": 400, "per_epoch": 100, "lr": 1e-3, "clip_norm": 1.0, "max_minutes": 30}
_FIRST = {"codec": _CODEC, "data": _DATA, "threads": 1, "batch_size": 32,
          "model": {"embed": 128, "encoder": 128, "decoder": 256, "latent": 128, "position_embed": 16},
          "objective": {"beta": 0.2, "free_bits": 128.0, "anneal_steps": 1500}, "train": _TRAIN}
_SCRATCH = {**_FIRST, "model": {**_FIRST["model"], "feedback_dropout": 0.5},
            "train": {**_TRAIN, "lr": 2e-3, "max_minutes": 48}}
_PLAIN = {**_SCRATCH, "model": {**_SCRATCH["model"], "fitted_prior": True},
          "objective": {"beta": 0.2, "free_bits": 512.0, "anneal_steps": 1},
          "train": {**_TRAIN, "epochs": 2000, "lr": 2e-3, "lr_final": 1e-4, "max_minutes": 70,
                    "warm_start": "models/vae-poly"}}
CONFIGS = {
    "vae-poly": {"summary": "MusicVAE-style polyphonic VAE: 2-bar piano rolls (off / onset / hold per pitch) of "
                            "the piece's meter, bidirectional GRU encoder, GRU decoder on z and the previous step "
                            "(half of those blanked while training), free bits 512, a prior fitted to the codes; "
                            "latent sliders; licence-clean string quartets, piano and trecento pieces", **_PLAIN},
    "vae-poly-gan": {"summary": "the polyphonic VAE trained as a VAE-GAN (Larsen et al. 2016): a convolutional "
                                "discriminator's features matched between phrases and their reconstructions, and "
                                "a hinge loss on reconstructions and prior samples, beside the ELBO", **_FIRST,
                     "adversary": {"start": 0.25, "lr": 2e-4, "matching": 0.1, "adversarial": 5.0}},
    "vae-poly-tiny": {"summary": "a tiny polyphonic VAE for tests (about 30 s on one thread)", "codec": _CODEC,
                      "threads": 1, "batch_size": 16, "data": {"transpose": [0], "valid_phrases": 32,
                                                               "slider_phrases": 200},
                      "model": {"embed": 32, "encoder": 32, "decoder": 64, "latent": 16, "position_embed": 4},
                      "objective": {"beta": 0.2, "free_bits": 24.0, "anneal_steps": 20},
                      "train": {"epochs": 8, "per_epoch": 40, "lr": 1e-2, "max_minutes": 3}},
}
