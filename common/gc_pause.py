"""Python's cyclic garbage collector paused around a set-based job.

Pricing a province builds millions of small acyclic objects (facts, lines, rows); each of the
collector's full passes walks all of them, and the profile of a month's generation showed a quarter
of its time there (bench/). Reference counting still frees them; cycles made meanwhile are collected
when the pause ends.
"""
import gc
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
