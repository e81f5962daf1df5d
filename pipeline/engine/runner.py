"""The runner: every decision about processes, warm-ups, garbage collection and timing.

The stages (read, check, stats, render) are plain functions that neither know nor care
whether they run in this process or another. Only this module forks, keeps the pool,
tunes the garbage collector and times stages; ``engine.api`` asks it to.

Children. ``Background(fn, *args)`` starts ``fn(*args)`` in a forked child that shares the
parent's memory (nothing is pickled on the way in; only the result or the exception comes
back). Elsewhere (Windows, macOS, one core, a thread other than the main one, or
``parallel=False``) ``result()`` simply runs ``fn`` in-process. Either way ``result()``
returns ``fn``'s value or raises its exception (a XunchaError keeps its message and exit
code); an unexpected crash of the child becomes a RuntimeError carrying its traceback text.

Children never outlive their parent: each asks the kernel (Linux ``PR_SET_PDEATHSIG``) for a
SIGTERM when the parent dies, even by ``kill -9``, and turns SIGTERM into KeyboardInterrupt so
that its temporary files are removed as it unwinds. Ctrl+C reaches the parent only (a child
ignores SIGINT, which a terminal sends to both): the parent then stops each child once.

Forking happens only from the main thread: the workbench runs its statistics in a thread of
the web server, and a fork from there could copy a lock held by another thread (deadlock), so
there every job simply runs in-process.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

# ---------------------------------------------------------------- policy: what runs where

GC_THRESHOLDS = (50_000, 20, 20)  # Python's default is (700, 10, 10)
POOL_MIN_FILES = 200  # below this a process pool costs more than it saves
CHUNK_FILES = 100  # at least this many files per task of the pool (each task has a fixed cost)
TASKS_PER_WORKER = 4  # a few tasks per worker balance the load
PARALLEL_RENDER_FILES = 50  # from this many workbooks the workbook and charts are written by children
PARALLEL_ROUNDS_FILES = 200  # from this many, the round summaries are computed in a child

_STARTED = time.perf_counter()  # this module is imported as the command starts


def can_fork() -> bool:
    """True when a forked child can run beside this process on another core (and this is the
    main thread: never fork from a thread, see the module's docstring)."""
    return ((os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread())


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, signum: int = signal.SIGTERM) -> None:
    """In a child: be sent ``signum`` when the parent process ``parent`` dies (Linux); if it has
    died already, stop now. Elsewhere nothing (no fork there, so no child of this kind)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _stop_requested(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: unwinding must not be interrupted again
    raise KeyboardInterrupt


def _stop_lost(unraisable) -> None:
    """A stop that landed in a weakref callback or a ``__del__`` (it runs at the first bytecode
    after a long garbage collection, often such a callback: matplotlib has many) is swallowed
    there, with an "Exception ignored" on stderr: ask for it again, to be raised where it unwinds."""
    if issubclass(unraisable.exc_type, KeyboardInterrupt):
        signal.signal(signal.SIGALRM, _stop_requested)
        signal.setitimer(signal.ITIMER_REAL, 0.005)  # not now: this hook too swallows what it raises
        return
    sys.__unraisablehook__(unraisable)


def _as_child(parent: int) -> None:
    """What every child does first: die with the parent, leave Ctrl+C to it, unwind on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_requested)
    sys.unraisablehook = _stop_lost
    die_with_parent(parent)


def _child(conn, fn: Callable, args: tuple, parent: int | None = None) -> None:
    """Body of the child: send ("ok", value, "") or ("err", exception or None, traceback)."""
    if parent is not None:
        _as_child(parent)
    try:
        conn.send(("ok", fn(*args), ""))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        text = traceback.format_exc()
        try:
            conn.send(("err", exc, text))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            conn.send(("err", None, text))
    finally:
        conn.close()


class Background:
    """``fn(*args)`` started now in a child process (when possible); ``result()`` to collect."""

    def __init__(self, fn: Callable, *args, parallel: bool = True):
        self.fn, self.args = fn, args
        self.proc = self.conn = None
        if parallel and can_fork():
            ctx = multiprocessing.get_context("fork")
            self.conn, send = ctx.Pipe(duplex=False)
            self.proc = ctx.Process(target=_child, args=(send, fn, args, os.getpid()), daemon=True)
            self.proc.start()
            send.close()

    def result(self):
        """The value of ``fn(*args)``; raises what it raised."""
        if self.proc is None:
            return self.fn(*self.args)
        try:
            status, payload, text = self.conn.recv()
        except EOFError:
            status, payload, text = "err", None, ""
        except KeyboardInterrupt:
            self._interrupt()
            raise
        finally:
            self.conn.close()
            self.proc.join()
        if status == "ok":
            return payload
        if payload is not None:
            if text:
                payload.add_note(f"(raised in the background process)\n{text}")
            raise payload
        raise RuntimeError(f"background job {getattr(self.fn, '__name__', self.fn)} failed "
                           f"(exit code {self.proc.exitcode}):\n{text}")

    def wait(self) -> None:
        """Wait for the child without collecting (after the parent's own failure)."""
        if self.proc is not None:
            self.proc.join()
            self.conn.close()

    def _interrupt(self) -> None:
        """After Ctrl+C in the parent: ask the child to stop (it cleans up, see ``_stop_requested``)."""
        if self.proc is not None and self.proc.exitcode is None:
            self.proc.terminate()

    def stop(self) -> None:
        """Interrupt the child and wait for it."""
        self._interrupt()
        self.wait()


def _prepared_child(conn, jobs, parent_end, warm_up: Callable, parent: int) -> None:
    """Body of a prepared child: ``warm_up()``, then run the one job sent (or none)."""
    parent_end.close()  # the copy forked with us: else closing the parent's end never reads as EOF here
    _as_child(parent)
    try:
        with contextlib.suppress(Exception):  # the job itself will meet (and report) the same problem
            warm_up()
        job = jobs.recv()
    except (EOFError, KeyboardInterrupt):  # no job; or stopped (``stop``) before any: nothing to clean up
        job = None
    finally:
        jobs.close()
    if job is None:
        conn.close()
        return
    fn, args = job
    _child(conn, fn, args)


class Prepared(Background):
    """A child forked *now* that runs ``warm_up()`` (imports, fonts) at once, beside what this
    process does meanwhile, then waits for one job: ``submit(fn, *args)`` sends ``fn`` and its
    arguments (pickled: for small data only) and ``result()`` collects as for ``Background``.
    Without ``fork`` (or ``parallel=False``) ``submit`` just keeps the job for ``result()``
    to run in-process. ``close()`` releases a child that got no job (always call it: use
    ``prepared``)."""

    def __init__(self, warm_up: Callable, parallel: bool = True):
        self.fn, self.args = None, ()
        self.proc = self.conn = self._jobs = None
        if parallel and can_fork():
            ctx = multiprocessing.get_context("fork")
            self.conn, send = ctx.Pipe(duplex=False)
            receive, self._jobs = ctx.Pipe(duplex=False)
            # Not daemonic, so that its job may fork a helper of its own (``halves``); the
            # parent waits for it in any case (``prepared``).
            self.proc = ctx.Process(target=_prepared_child, args=(send, receive, self._jobs, warm_up, os.getpid()))
            self.proc.start()
            send.close()
            receive.close()

    def submit(self, fn: Callable, *args) -> Prepared:
        """Start ``fn(*args)`` in the prepared child (or keep it for ``result()``)."""
        self.fn, self.args = fn, args
        if self._jobs is not None:
            self._jobs.send((fn, args))
            self._jobs.close()
            self._jobs = None
        return self

    def close(self) -> None:
        """Release the child if it got no job (it exits at once); wait for it in any case."""
        if self._jobs is not None:
            self._jobs.close()  # the child sees EOF: no job
            self._jobs = None
        self.wait()


@contextlib.contextmanager
def prepared(warm_up: Callable, parallel: bool = True):
    """A ``Prepared`` child for the block; released (and waited for) however the block ends."""
    job = Prepared(warm_up, parallel=parallel)
    try:
        yield job
    except KeyboardInterrupt:
        job.stop()
        raise
    finally:
        job.close()


@contextlib.contextmanager
def waiting(*jobs: Background):
    """On an exception inside the block, wait for ``jobs`` before it propagates."""
    try:
        yield
    except KeyboardInterrupt:
        for job in jobs:
            job.stop()
        raise
    except BaseException:
        for job in jobs:
            job.wait()
        raise


def collect(jobs: list[Background]) -> list:
    """Every job's result, in order. A failure is raised once every started child has
    finished (in-process jobs not yet run are skipped after a failure)."""
    results, error = [], None
    for job in jobs:
        if error is not None and job.proc is None:
            continue
        try:
            results.append(job.result())
        except KeyboardInterrupt:
            for other in jobs:
                other.stop()
            raise
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            error = error or exc
    if error is not None:
        raise error
    return results


def halves(fn: Callable, here: tuple, there: tuple) -> list:
    """``fn(*there)`` in a forked helper while ``fn(*here)`` runs in this process (which has
    already warmed up what ``fn`` needs); both lists of results, this process's first."""
    helper = Background(fn, *there)
    with waiting(helper):
        mine = fn(*here)
    return mine + helper.result()


def few_workbooks(inputs: str | os.PathLike, outputs: str | os.PathLike) -> bool:
    """Fewer than PARALLEL_RENDER_FILES workbooks under ``inputs`` (a quick count of the .xlsx
    names, outside ``outputs``; decides only where the charts are drawn, never what is read)."""
    n, skip = 0, os.path.abspath(outputs)
    for folder, dirs, names in os.walk(inputs):
        dirs[:] = [d for d in dirs if os.path.abspath(os.path.join(folder, d)) != skip]
        n += sum(name.lower().endswith(".xlsx") for name in names)
        if n >= PARALLEL_RENDER_FILES:
            return False
    return True


# ---------------------------------------------------------------- a pool of workers

def _pool_worker(parent: int) -> None:
    """Initializer of a pool worker: killed with the parent (it only reads: nothing to clean up,
    and a worker unwinding from SIGTERM can hang on the pool's queues), no cyclic GC."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent, signal.SIGKILL)
    gc.disable()


def map_chunks(fn: Callable, items: list, on_done: Callable[[int], None] | None = None,
               local: Callable | None = None, meanwhile: Callable[[], object] | None = None) -> list:
    """``fn`` over chunks of ``items`` (one per file), results in order: a process pool when
    there are at least POOL_MIN_FILES items, two cores and this is the main thread; else one
    call in-process, of ``local`` when given (e.g. ``fn`` reporting each file as it goes).
    In the pool ``on_done(n)`` is called as each chunk of ``n`` items is done. ``meanwhile()``
    runs in this process while the pool works (or after the in-process call)."""
    if len(items) < POOL_MIN_FILES or not can_fork():
        with no_gc():
            results = [(local or fn)(items)]
        if meanwhile is not None:
            meanwhile()
        return results
    workers = os.cpu_count() or 2
    size = max(CHUNK_FILES, -(-len(items) // (workers * TASKS_PER_WORKER)))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    results = []
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_pool_worker,
                             initargs=(os.getpid(),)) as pool:
        mapped = pool.map(fn, chunks)
        if meanwhile is not None:
            meanwhile()
        for chunk, result in zip(chunks, mapped):
            results.append(result)
            if on_done is not None:
                on_done(len(chunk))
    return results


# ---------------------------------------------------------------- garbage collection

@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Cyclic garbage collection paused: reading makes millions of small acyclic objects,
    and each collection would walk all of them again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the garbage collector less often (cycles are still collected): a run makes many
    small objects, and each collection walks the older ones again."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


# ---------------------------------------------------------------- timing

@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    """Time a stage for the benchmark (bench/, docs/performance.md), never for users: with
    XUNCHA_TIMINGS=1 one line goes to stderr with its seconds, the process and the moment it
    ended (seconds since the command started: with the children's lines, a timeline)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if os.environ.get("XUNCHA_TIMINGS"):
            end = time.perf_counter()
            print(f"[timing] {name}: {end - start:.3f} s (pid {os.getpid()}, ends at {end - _STARTED:.2f} s)",
                  file=sys.stderr)


# ---------------------------------------------------------------- the end of a command

def exit_now(code: int) -> None:
    """Leave the process at once with ``code``, after flushing the console. Call only when every
    output is written and closed and every child waited for: the interpreter's own teardown
    (freeing every object one by one) would only make the user wait for the prompt."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)
