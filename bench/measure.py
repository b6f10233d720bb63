"""Measuring a benchmark step in a fresh process, so that peak memory figures do not mix (nor torch preloaded)."""
import multiprocessing
import resource
from concurrent.futures import ProcessPoolExecutor


def peak_rss_of(fn, *args, **kwargs):
    """Run fn(*args, **kwargs) in a fresh process; return (its result, that process's peak RSS in bytes)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_with_peak_rss, fn, args, kwargs).result()


def _with_peak_rss(fn, args, kwargs):
    """fn's result and this (child) process's peak RSS."""
    result = fn(*args, **kwargs)
    return result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
