"""Local replicas of the councils' sites: the web for the demo, the tests and the benchmarks."""
