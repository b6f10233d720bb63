"""Media the project makes itself (a drawn face, its motion, a tune): the demo template, tests and benchmarks use it."""
