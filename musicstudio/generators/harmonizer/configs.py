"""The harmonizer's named training configs (``musicstudio train harmonizer --config harmonizer-nc``)."""

CONFIGS = {
    "harmonizer-nc": {"backend": "harmonizer", "codec": {"codec": "melody", "low": 36, "high": 84},   # voices.CODEC
                      "data": {"collections": ["bach"], "corpus": "cache/corpus"},
                      "model": {"hidden": 192, "blocks": 12, "dilations": [1, 2, 4, 8, 16], "dropout": 0.1},
                      "train": {"max_minutes": 40, "batch": 32, "window": 128, "lr": 1e-3, "seed": 0,
                                "eval_every": 150},
                      # chosen on the validation chorales (tuning.py): the parallel rule takes parallels from
                      # 2.0 to 0.07 per 100 transitions (Bach 0.08), one repair round to 0.00; the lower temperatures
                      # keep the chords
                      "decoding": {"gibbs_steps": 24, "variation_steps": 12, "rate_max": 1.0, "rate_min": 0.05,
                                   "anneal": 0.75, "temperature": 0.8, "final_temperature": 0.3,
                                   "parallel_penalty": 8.0, "repair_rounds": 1}},
}
