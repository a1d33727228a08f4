"""Speed and memory of relance at 1,000 and 10,000 contacts: ``python -m benchmarks``."""
