"""The note-row LSTM of Soundarya et al., "Music Generation Using Recurrent Neural Network": (pitch, step,
duration) in, a pitch softmax and two regressions out."""
