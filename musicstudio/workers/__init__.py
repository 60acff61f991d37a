"""QtCore-only bridges that run long work (generation, renders) off the GUI thread."""
