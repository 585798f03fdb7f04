"""Scale data and benchmarks (DESIGN §6): run on demand with `make bench`, never in the test suite."""
