"""The LSTM backend: continue a seed phrase over the polyphonic events codec."""
