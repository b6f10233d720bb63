"""`python -m bench`: FOMM's official loop against the project's path (fp32 and bf16), then the whole pipeline."""
from bench import fomm_bench, render_bench

if __name__ == "__main__":
    fomm_bench.main([])
    render_bench.main([])
