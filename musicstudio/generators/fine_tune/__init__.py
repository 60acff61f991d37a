"""Fine-tuning an installed model on the user's own MIDI folder (seed paper 000's transfer learning)."""
