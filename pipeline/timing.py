"""Stage timings for the benchmark (bench/, docs/performance.md), never shown to users.

With the environment variable XUNCHA_TIMINGS=1 each timed stage prints one line to stderr:
its seconds, the process, and when it ended (seconds since this module was imported, which
is as the command starts): with the forked children's lines, a timeline of the run.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time

_STARTED = time.perf_counter()  # this module is imported as the command starts


@contextlib.contextmanager
def stage(name: str):
    """Time a stage; with XUNCHA_TIMINGS=1 the seconds go to stderr (for bench/, not users),
    with the moment it ended (seconds since the command started: a timeline of the run)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if os.environ.get("XUNCHA_TIMINGS"):
            end = time.perf_counter()
            print(f"[timing] {name}: {end - start:.3f} s (pid {os.getpid()}, ends at {end - _STARTED:.2f} s)",
                  file=sys.stderr)
