"""Benchmarks run by hand on a seeded district; not part of the test suite."""
