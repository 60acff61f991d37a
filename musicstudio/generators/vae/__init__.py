"""A MusicVAE-style melody VAE: encode, decode, sample, vary, interpolate, latent sliders."""
