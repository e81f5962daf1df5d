"""The read cache (read/cache.py): a recheck parses only the workbooks that changed, and the
dataset equals a fresh load."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

import wb
from pipeline.engine import cache as cache_module
from pipeline.engine import load_dataset
from pipeline.engine.cache import ReadCache
from pipeline.read import workbook
from shipped import STD

RND = STD.workbook("round").file
REG = STD.workbook("registry").file


@pytest.fixture
def county(tmp_path) -> Path:
    folder = tmp_path / "inputs"
    wb.write_county(folder)
    wb.round_wb(folder / "第二份.xlsx")  # a fourth workbook (same rows twice: findings, which is fine here)
    return folder


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The names of the files the cache parses, in order."""
    seen: list[str] = []
    real = cache_module.read_data

    def spy(data, rel, std, sha256=None):
        seen.append(rel)
        return real(data, rel, std, sha256)

    monkeypatch.setattr(cache_module, "read_data", spy)
    return seen


def _same(a, b) -> None:
    """Two datasets hold the same frames, findings, sources and info."""
    assert a.tables.keys() == b.tables.keys()
    for key in a.tables:
        assert a.tables[key].equals(b.tables[key]), key
    assert a.findings == b.findings
    assert [dataclasses.astuple(s) for s in a.sources] == [dataclasses.astuple(s) for s in b.sources]
    assert (a.skipped, a.info) == (b.skipped, b.info)


def _later(path: Path) -> None:
    """Move the modification time on (file systems with coarse clocks would not see a quick rewrite)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_unchanged_files_are_not_parsed_again(county, counted):
    cache = ReadCache()
    first = load_dataset(county, STD, cache=cache)
    assert sorted(counted) == sorted(["第二份.xlsx", REG, RND, STD.workbook("office").file])
    counted.clear()
    again = load_dataset(county, STD, cache=cache)
    assert counted == []
    _same(again, first)


def test_a_changed_file_is_the_only_one_parsed_and_the_result_equals_a_fresh_load(county, counted):
    cache = ReadCache()
    load_dataset(county, STD, cache=cache)
    counted.clear()
    spec = wb.county_spec()
    spec["round"]["workload"][0]["talks"] = "12人"
    wb.round_wb(county / "第二份.xlsx", workload=spec["round"]["workload"])
    _later(county / "第二份.xlsx")
    rechecked = load_dataset(county, STD, cache=cache)
    assert counted == ["第二份.xlsx"]
    assert [(f.file, f.row, f.code) for f in rechecked.errors if f.code == "count-invalid"] == [
        ("第二份.xlsx", 2, "count-invalid")]
    _same(rechecked, load_dataset(county, STD))  # no cache: everything read afresh


def test_a_touched_but_unchanged_file_is_hashed_not_parsed(county, counted):
    cache = ReadCache()
    load_dataset(county, STD, cache=cache)
    counted.clear()
    _later(county / REG)  # saved again without changes: same bytes, new time
    again = load_dataset(county, STD, cache=cache)
    assert counted == []
    _same(again, load_dataset(county, STD))
    counted.clear()
    assert load_dataset(county, STD, cache=cache) and counted == []  # the new time was remembered


def test_removed_and_added_files(county, counted):
    cache = ReadCache()
    load_dataset(county, STD, cache=cache)
    counted.clear()
    (county / "第二份.xlsx").unlink()
    wb.office_wb(county / "新增.xlsx")
    ds = load_dataset(county, STD, cache=cache)
    assert counted == ["新增.xlsx"]
    assert "第二份.xlsx" not in {s.path for s in ds.sources}
    _same(ds, load_dataset(county, STD))


def test_an_unreadable_file_is_not_kept(county, counted, monkeypatch):
    """A workbook open in Excel (locked) is its finding; once closed, the next check reads it."""
    cache = ReadCache()

    def locked(path, *args, **kwargs):
        if Path(path).name == "第二份.xlsx":
            raise PermissionError(13, "Permission denied")
        return open(path, *args, **kwargs)

    monkeypatch.setattr(workbook, "open", locked, raising=False)  # the reader's open() only
    ds = load_dataset(county, STD, cache=cache)
    assert [(f.file, f.code) for f in ds.findings if f.file == "第二份.xlsx"] == [("第二份.xlsx", "file-unreadable")]
    monkeypatch.delattr(workbook, "open")
    counted.clear()
    ds = load_dataset(county, STD, cache=cache)
    assert counted == ["第二份.xlsx"]
    assert "第二份.xlsx" in {s.path for s in ds.sources}


def test_another_standard_empties_the_cache(county, counted):
    cache = ReadCache()
    load_dataset(county, STD, cache=cache)
    counted.clear()
    load_dataset(county, dataclasses.replace(STD), cache=cache)  # an equal standard, but another object
    assert len(counted) == 4
