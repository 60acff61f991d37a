"""Generative backends (LSTM, VAE, GAN): codecs, models, sampling, training. Never imports Qt."""
