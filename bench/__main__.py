"""`python -m bench`: the FOMM render benchmark."""
from bench.fomm_bench import main

main()
