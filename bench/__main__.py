"""`python -m bench`: FOMM's official loop against the project's path, then the whole render pipeline's speed and memory."""
from bench import fomm_bench, render_bench

if __name__ == "__main__":
    fomm_bench.main([])
    render_bench.main([])
