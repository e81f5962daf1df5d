"""线索摘要 and the clue sheet's other free text never reach any output file.

A canary string is planted in every clue's 线索摘要 and in every 线索编号; the full
command line runs; every output file is searched, zip containers (xlsx, docx) part by
part, for the canary and for its ASCII head alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from county import CANARY, county_dataset, write_county
from pipeline.launch import main
from pipeline.periods import annual, monthly
from pipeline.stats.aggregate import build_report
from shipped import STD

ID_CANARY = "-CANARY-编号-91c4"
NEEDLES = [CANARY.encode("utf-8"), ID_CANARY.encode("utf-8"), b"CANARY-"]


def _parts(path: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of a file, or of every part of a zip container."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return [(f"{path.name}:{n}", zf.read(n)) for n in zf.namelist()]
    return [(path.name, path.read_bytes())]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    inputs = tmp_path_factory.mktemp("inputs")
    write_county(inputs, secret=CANARY, id_suffix=ID_CANARY)
    out = tmp_path_factory.mktemp("outputs")
    for argv in (["annual", "--year", "2020"], ["monthly", "--month", "2020-06"]):
        assert main([*argv, "--inputs", str(inputs), "--outputs", str(out)]) == 0
    return out


def test_outputs_were_written(outputs):
    kinds = {p.suffix for p in outputs.rglob("*") if p.is_file()}
    assert {".xlsx", ".json", ".png", ".docx", ".md"} <= kinds


def test_canary_in_no_output_file(outputs):
    files = [p for p in outputs.rglob("*") if p.is_file()]
    assert len(files) >= 16  # 2 periods x (workbook, check report, json, 3 png, docx, md)
    for path in files:
        for name, data in _parts(path):
            for needle in NEEDLES:
                assert needle not in data, (name, needle)


def test_clue_counts_still_there(outputs):
    text = (outputs / "2020年度" / "metrics.json").read_text(encoding="utf-8")
    assert '"clues": 5' in text  # counts and categories do reach the outputs


def _leaks(path: Path) -> list[str]:
    return [name for name, data in _parts(path) for needle in NEEDLES if needle in data]


def test_search_finds_a_planted_canary(tmp_path):
    """Control: the search does see the canary inside an xlsx (shared strings are zipped)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "leak.xlsx"))
    book.add_worksheet("线索").write_string(0, 0, f"摘要：{CANARY}")
    book.close()
    assert _leaks(tmp_path / "leak.xlsx")


def test_report_holds_no_clue_text():
    from pipeline.stats.selection import Frames

    ds = county_dataset(secret=CANARY, id_suffix=ID_CANARY)
    assert "summary" not in Frames.from_dataset(ds, STD).clues
    assert "clue_id" not in Frames.from_dataset(ds, STD).clues
    report = build_report(ds, STD, annual("2020"), today=dt.date(2021, 1, 5))
    assert "CANARY" not in repr(report.metrics)
    frames = [report.coverage.units, report.overdue]
    for fig in (report.main, report.previous):
        frames += [fig.problems, fig.orgs, fig.work]
    for frame in frames:
        assert not frame.astype(str).apply(lambda col: col.str.contains("CANARY")).any().any()


def _walk(obj, seen: set[int]):
    """Every value reachable from a Report: dataclass fields, dicts, lists, frames' columns and cells."""
    if id(obj) in seen or obj is None or isinstance(obj, (int, float, bool, dt.date)):
        return
    seen.add(id(obj))
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, pd.DataFrame):
        yield obj
        yield from (str(c) for c in obj.columns)
        yield from obj.astype(str).to_numpy().ravel().tolist()
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            if f.name != "std":  # the standard names the column 线索摘要 as a header, by design
                yield from _walk(getattr(obj, f.name), seen)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk(k, seen)
            yield from _walk(v, seen)
    elif isinstance(obj, (list, tuple, set)):
        for v in obj:
            yield from _walk(v, seen)


@pytest.mark.parametrize("period", [annual("2020"), monthly("2020-06")], ids=["annual", "monthly"])
def test_the_whole_report_holds_no_clue_summary(period):
    """Renderers see only the Report: nowhere in it is a 线索摘要 value, or a clue frame with that column."""
    ds = county_dataset(secret=CANARY, id_suffix=ID_CANARY)
    report = build_report(ds, STD, period, today=dt.date(2021, 1, 5))
    values = list(_walk(report, set()))
    frames = [v for v in values if isinstance(v, pd.DataFrame)]
    assert frames, "the walk reached the report's frames"
    assert not [v for v in values if isinstance(v, str) and "CANARY" in v]
    clue_header = STD.sheet("clues").header("summary")
    assert clue_header not in [v for v in values if isinstance(v, str)]
    assert not [f for f in frames if {"cadres", "others"} <= set(f.columns) and "summary" in f.columns]
