"""Benchmarks of the project's render paths (`python -m bench`)."""
