"""The GAN backend: a MidiNet-style conditional convolutional GAN that writes one bar at a time as a
piano roll, conditioned on the bar before it and on a chord."""
