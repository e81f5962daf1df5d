"""Run one rendering job in a forked child process while the main process renders the rest.

With two or more cores and ``fork`` available (Linux), ``Background(fn, *args)``
starts ``fn(*args)`` in a child that shares the parent's memory (nothing is
pickled on the way in; only the result or the exception comes back). Elsewhere
(Windows, macOS spawn, one core, or ``parallel=False``) ``result()`` simply runs
``fn`` in-process. Either way ``result()`` returns ``fn``'s value or raises its
exception (a XunchaError keeps its message and exit code); an unexpected crash of
the child becomes a RuntimeError carrying the child's traceback text.
Every output is written atomically by ``fn`` itself, and the parent always waits
for the child, so no half-written file or orphan process is left behind. Ctrl+C
reaches the parent only (a child ignores SIGINT, which a terminal sends to both): the
parent then stops each child once, with SIGTERM, which the child turns into a
KeyboardInterrupt so that its temporary files are removed as it unwinds.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable


def can_fork() -> bool:
    """True when a forked child can run beside this process on another core."""
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def _stop_requested(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: unwinding must not be interrupted again
    raise KeyboardInterrupt


def _child(conn, fn: Callable, args: tuple) -> None:
    """Body of the child: send ("ok", value, "") or ("err", exception or None, traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_requested)
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
            self.proc = ctx.Process(target=_child, args=(send, fn, args), daemon=True)
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


def _prepared_child(conn, jobs, parent_end, warm_up: Callable) -> None:
    """Body of a prepared child: ``warm_up()``, then run the one job sent (or none)."""
    parent_end.close()  # the copy forked with us: else closing the parent's end never reads as EOF here
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_requested)
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
            # Not daemonic, so that its job may fork a helper of its own (render/charts.py); the
            # parent waits for it in any case (``prepared``).
            self.proc = ctx.Process(target=_prepared_child, args=(send, receive, self._jobs, warm_up))
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
