"""The speed-ups of issue 6 that change where work runs must not change any result:
round summaries computed in a forked child (runner.PARALLEL_ROUNDS_FILES), and the
SourceFile list built per reading chunk (read.load.load_chunk)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import pipeline.engine.api as api
import pipeline.engine.runner as runner
import pipeline.read.load as load
from county import county_dataset, write_county
from pipeline.engine.runner import can_fork
from pipeline.periods import annual, monthly
from pipeline.read.discover import relative_name
from pipeline.stats.aggregate import build_report
from shipped import STD

TODAY = dt.date(2021, 3, 1)


@pytest.mark.parametrize("period", [annual("2020"), monthly("2020-06")], ids=["annual", "monthly"])
def test_round_summaries_in_a_child_equal_in_process(period, monkeypatch):
    if not can_fork():
        pytest.skip("no fork on this platform: the child path is not used here")
    ds = county_dataset()
    seq = build_report(ds, STD, period, today=TODAY)
    monkeypatch.setattr(runner, "PARALLEL_ROUNDS_FILES", 0)
    par = api._build_report(ds, STD, period, today=TODAY)
    assert len(par.rounds) == len(seq.rounds) > 0
    assert par.rounds == seq.rounds
    assert par.metrics == seq.metrics


def test_sources_of_chunks_equal_sources_of_all_files(tmp_path):
    write_county(tmp_path)
    paths = sorted(p for p in tmp_path.rglob("*.xlsx"))
    jobs = [(str(p), relative_name(p, tmp_path)) for p in paths]
    whole = load.load_chunk(jobs, STD)
    parts = load.combine([load.load_chunk(jobs[i:i + 2], STD) for i in range(0, len(jobs), 2)])
    assert len(whole.sources) == len(paths) > 2
    assert parts.sources == whole.sources
    # every data row of the frames is counted once, under its file and sheet
    assert sum(n for s in whole.sources for n in s.rows.values()) == sum(len(f) for f in whole.frames.values())


@pytest.mark.parametrize("inputs, path, expected", [
    (Path("/data/in"), Path("/data/in/a/b.xlsx"), "a/b.xlsx"),
    (Path("/data/in"), Path("/data/input/b.xlsx"), "/data/input/b.xlsx"),  # a sibling, not inside
    (Path("."), Path("b.xlsx"), "b.xlsx"),
    (Path("/"), Path("/b.xlsx"), "b.xlsx"),
])
def test_relative_name(inputs, path, expected):
    assert relative_name(path, inputs) == expected
