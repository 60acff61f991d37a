"""Seed paper 002's note-row LSTM: (pitch, step, duration) in, a pitch softmax and two regressions out."""
