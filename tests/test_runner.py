"""The runner (engine/runner.py): children die with their parent, even killed with SIGKILL, and
nothing forks from a thread other than the main one (the workbench's runs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.engine import runner

ROOT = Path(__file__).resolve().parents[1]

needs_fork = pytest.mark.skipif(not runner.can_fork() or not sys.platform.startswith("linux"),
                                reason="fork and PR_SET_PDEATHSIG need Linux and two cores")


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


CHILDREN = {
    "background": "b = runner.Background(time.sleep, 120); pids = [b.proc.pid]",
    "prepared": "p = runner.Prepared(lambda: time.sleep(120)); pids = [p.proc.pid]",
    "pool": ("import concurrent.futures as cf, multiprocessing as mp\n"
             "pool = cf.ProcessPoolExecutor(2, mp_context=mp.get_context('fork'), initializer=runner._pool_worker,"
             " initargs=(os.getpid(),))\n"
             "list(pool.map(abs, [1, 2])); pids = [p.pid for p in pool._processes.values()]"),
}


@needs_fork
@pytest.mark.parametrize("kind", CHILDREN)
def test_a_child_dies_when_its_parent_is_killed(kind):
    code = ("import os, sys, time\nfrom pipeline.engine import runner\n" + CHILDREN[kind] +
            "\nprint(*pids, flush=True)\ntime.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert pids and all(_alive(pid) for pid in pids)
        parent.send_signal(signal.SIGKILL)
        parent.wait(30)
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in pids if _alive(pid)], f"{kind}: a child outlived its parent"
    finally:
        parent.kill()
        for pid in pids if "pids" in locals() else []:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_no_fork_from_a_thread():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(runner.can_fork()))
    thread.start()
    thread.join()
    assert seen == [False]
    job = []
    thread = threading.Thread(target=lambda: job.append(runner.Background(os.getpid)))
    thread.start()
    thread.join()
    assert job[0].proc is None and job[0].result() == os.getpid()  # ran in this process


def test_map_chunks_in_process_below_the_pool_size():
    assert runner.map_chunks(sum, [1, 2, 3]) == [6]
    assert runner.map_chunks(sum, [1, 2, 3], local=len) == [3]


@needs_fork
def test_map_chunks_in_a_pool_keeps_the_order(monkeypatch):
    monkeypatch.setattr(runner, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(runner, "CHUNK_FILES", 2)
    done = []
    assert runner.map_chunks(sum, list(range(10)), on_done=done.append) == [1, 5, 9, 13, 17]
    assert sum(done) == 10
