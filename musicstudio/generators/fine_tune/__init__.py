"""Fine-tuning an installed model on the user's own MIDI folder (transfer learning)."""
