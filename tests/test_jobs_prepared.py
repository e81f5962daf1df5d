"""jobs.Prepared: a child forked early, warmed up, then given one job (or none)."""

from __future__ import annotations

import os

import pytest

from pipeline.engine.runner import Prepared, can_fork, prepared


def _warm() -> None:
    os.environ["XUNCHA_TEST_WARM"] = "1"  # only in the child's own copy of the environment


def _job(a: int, b: int) -> tuple[int, str | None, int]:
    return a + b, os.environ.get("XUNCHA_TEST_WARM"), os.getpid()


def _fails() -> None:
    raise ValueError("坏")


@pytest.mark.skipif(not can_fork(), reason="fork needs Linux and two cores")
def test_the_job_runs_in_the_warmed_child():
    with prepared(_warm) as job:
        total, warmed, pid = job.submit(_job, 2, 3).result()
    assert (total, warmed) == (5, "1")  # 2 + 3, after the warm-up
    assert pid != os.getpid()


@pytest.mark.skipif(not can_fork(), reason="fork needs Linux and two cores")
def test_a_child_given_no_job_is_released():
    with prepared(_warm) as job:
        pass
    assert job.proc.exitcode == 0  # waited for, exited by itself


@pytest.mark.skipif(not can_fork(), reason="fork needs Linux and two cores")
def test_a_release_after_an_error_does_not_hang():
    with pytest.raises(RuntimeError), prepared(_warm) as job:
        raise RuntimeError("before the job")
    assert job.proc.exitcode == 0


def test_without_fork_the_job_runs_here():
    job = Prepared(_warm, parallel=False)
    assert job.proc is None
    assert job.submit(_job, 1, 1).result() == (2, None, os.getpid())  # no warm-up here


@pytest.mark.skipif(not can_fork(), reason="fork needs Linux and two cores")
def test_the_jobs_exception_comes_back():
    with prepared(_warm) as job, pytest.raises(ValueError, match="坏"):
        job.submit(_fails).result()
