"""`python -m bench`: FOMM's official loop against the project's path (fp32 and bf16), the whole pipeline, then
what signing the video's content credentials costs against its render."""
from bench import fomm_bench, render_bench, signing_bench

if __name__ == "__main__":
    fomm_bench.main([])
    render_bench.main([])
    signing_bench.main([])
