"""The drum backend's named training configs (``musicstudio train drums --config drums``). The codec's
vocabulary is learnt from the training grooves (:meth:`~musicstudio.generators.codecs.drums.DrumCodec.fit`),
at most ``max_vocab`` sets."""

CONFIGS = {
    "drums": {"backend": "drums", "codec": {"codec": "drums"},
              "model": {"embed": 64, "hidden": 192, "layers": 2, "dropout": 0.1},
              "epochs": 60, "minutes": 19.5, "window_bars": 12, "batch": 32, "lr": 2e-3, "max_vocab": 512, "seed": 0},
}
