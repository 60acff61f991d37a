"""Benchmarks: each module's ``run()`` returns figures; ``python -m benchmarks`` prints them all."""
