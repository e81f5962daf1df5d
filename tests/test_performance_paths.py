"""The fast paths of issue 6 give the same results as the plain ones.

- detail tables above ``DETAIL_INLINE_CELLS`` go to the companion workbook, cell for cell
  the same as they would be inline, and the main workbook says where they are;
- the background (forked) rendering writes the same outputs and passes errors back
  with their message and exit code;
- ``cell_list`` and the fast docx runs equal what they replace.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

import pipeline.render.workbook as rw
from county import county_dataset, write_county
from pipeline.engine import runner
from pipeline.engine.runner import Background, can_fork, collect
from pipeline.errors import EXIT_WRITE_FAILED, OutputError
from pipeline.launch import main
from pipeline.periods import annual, monthly
from pipeline.render.docx_layout import BODY_FONT, BODY_PT, LATIN_FONT, _fast_run, style_run
from pipeline.stats.aggregate import build_report
from pipeline.stats.selection import cell_list
from shipped import STD

TODAY = dt.date(2021, 1, 5)
MOVED = ["问题明细", "巡察对象明细", "工作量明细"]
FIRST_DATA_ROW = 4  # main workbook: title, compiling line, header, then data


def _data_rows(ws, first: int, width: int) -> list[tuple]:
    """Rows from ``first`` while column A holds a number (序号) or 合计."""
    out = []
    for row in ws.iter_rows(min_row=first, max_col=width, values_only=True):
        if not (isinstance(row[0], int) or row[0] == "合计"):
            break
        out.append(tuple("" if v is None else v for v in row))
    return out


@pytest.fixture(scope="module", params=["annual", "monthly"])
def both(request, tmp_path_factory):
    """(report, inline folder, companion folder): the same report written both ways."""
    period = annual("2020") if request.param == "annual" else monthly("2020-06")
    report = build_report(county_dataset(), STD, period, today=TODAY)
    inline, split = tmp_path_factory.mktemp("inline"), tmp_path_factory.mktemp("split")
    rw.write_workbooks(report, inline)
    limit = rw.DETAIL_INLINE_CELLS
    rw.DETAIL_INLINE_CELLS = 10  # every long detail table of the county moves
    try:
        rw.write_workbooks(report, split)
    finally:
        rw.DETAIL_INLINE_CELLS = limit
    return report, inline, split


def test_small_run_has_no_companion(both):
    report, inline, _ = both
    assert not (inline / rw.companion_name(report)).exists()


@pytest.mark.parametrize("sheet", MOVED)
def test_companion_rows_equal_the_inline_rows(both, sheet):
    report, inline, split = both
    main_ws = openpyxl.load_workbook(inline / rw.workbook_name(report))[sheet]
    width = main_ws.max_column
    expected = _data_rows(main_ws, FIRST_DATA_ROW, width)
    comp = openpyxl.load_workbook(split / rw.companion_name(report))[sheet]
    headers = [c.value for c in comp[2]]
    assert headers == [c.value.replace("\n", "") for c in main_ws[3]]  # same columns (unbroken)
    assert comp["A1"].value == main_ws["A1"].value  # same title
    got = _data_rows(comp, 3, width)
    assert len(expected) > 0
    assert got == expected


def test_main_workbook_points_to_the_companion(both):
    report, _, split = both
    wb = openpyxl.load_workbook(split / rw.workbook_name(report))
    ws = wb["问题明细"]
    text = ws.cell(FIRST_DATA_ROW, 1).value
    assert rw.companion_name(report) in text and "问题明细" in text
    n = len(report.detail.problems)
    assert f"本表共 {n:,} 行" in text
    assert "全覆盖明细" in wb.sheetnames  # short detail tables stay inline


def test_stale_companion_is_removed(tmp_path):
    report = build_report(county_dataset(), STD, annual("2020"), today=TODAY)
    stale = tmp_path / rw.companion_name(report)
    stale.write_bytes(b"old")
    written = rw.write_workbooks(report, tmp_path)
    assert written == [tmp_path / rw.workbook_name(report)] and not stale.exists()


# ---------------------------------------------------------------- background rendering

def _boom(message: str):
    raise OutputError(message)


def _crash():
    raise ValueError("内部错误")


def _pair(a, b):
    return [a, b]


@pytest.mark.parametrize("parallel", [True, False])
def test_background_returns_the_value(parallel):
    assert Background(_pair, 1, "二", parallel=parallel).result() == [1, "二"]


@pytest.mark.parametrize("parallel", [True, False])
def test_background_passes_errors_back(parallel):
    with pytest.raises(OutputError, match="无法写入") as info:
        Background(_boom, "无法写入文件", parallel=parallel).result()
    assert info.value.exit_code == EXIT_WRITE_FAILED


@pytest.mark.skipif(not can_fork(), reason="fork needs Linux and two cores")
def test_unexpected_child_error_keeps_its_traceback():
    with pytest.raises(ValueError, match="内部错误") as info:
        Background(_crash).result()
    assert any("_crash" in note for note in info.value.__notes__)


def test_collect_waits_for_every_job_then_raises_the_first_error():
    jobs = [Background(_boom, "第一个"), Background(_pair, 1, 2)]
    with pytest.raises(OutputError, match="第一个"):
        collect(jobs)
    assert all(job.proc is None or not job.proc.is_alive() for job in jobs)


@pytest.fixture(scope="module")
def county_inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("county")
    write_county(folder)
    return folder


def _annual(inputs: Path, out: Path) -> int:
    return main(["annual", "--year", "2020", "--inputs", str(inputs), "--outputs", str(out)])


def test_parallel_render_writes_the_same_outputs(county_inputs, tmp_path, monkeypatch):
    assert _annual(county_inputs, tmp_path / "seq") == 0
    monkeypatch.setattr(runner, "PARALLEL_RENDER_FILES", 0)
    monkeypatch.setattr(rw, "DETAIL_INLINE_CELLS", 10)
    assert _annual(county_inputs, tmp_path / "par") == 0
    seq, par = tmp_path / "seq" / "2020年度", tmp_path / "par" / "2020年度"
    names = {p.relative_to(par).as_posix() for p in par.rglob("*") if p.is_file()}
    assert names == {p.relative_to(seq).as_posix() for p in seq.rglob("*") if p.is_file()} | \
        {"巡察工作统计_2020年度_明细.xlsx"}
    assert json.loads((par / "metrics.json").read_text("utf-8")) == \
        json.loads((seq / "metrics.json").read_text("utf-8"))
    assert not list(tmp_path.rglob(".~tmp-*"))


def test_parallel_render_error_keeps_exit_code(county_inputs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(runner, "PARALLEL_RENDER_FILES", 0)
    monkeypatch.setattr(rw, "_write_main", lambda *a: _boom("无法写入文件“巡察工作统计”"))
    assert _annual(county_inputs, tmp_path) == EXIT_WRITE_FAILED
    assert "无法写入文件“巡察工作统计”" in capsys.readouterr().err
    assert not list(tmp_path.rglob(".~tmp-*"))


# ---------------------------------------------------------------- vectorised helpers

def test_cell_list_gives_dates_and_none():
    days = pd.Series(pd.to_datetime(["2020-06-01", None]))
    text = pd.Series(["甲", None, float("nan")], dtype="str")
    assert cell_list(days) == [dt.date(2020, 6, 1), None]
    assert cell_list(text) == ["甲", None, None]
    assert cell_list(pd.Series([3, 4], dtype="int64")) == [3, 4]


@pytest.mark.parametrize("text, marker", [("正文", False), (" 前后有空格 ", False), ("", False),
                                          ("【待补充：数字】", True)])
def test_fast_docx_run_equals_python_docx_run(text, marker):
    doc = Document()
    para = doc.add_paragraph()
    slow = para.add_run(text)
    style_run(slow, BODY_FONT, BODY_PT, LATIN_FONT)
    if marker:
        slow.font.highlight_color = WD_COLOR_INDEX.YELLOW
    fast = _fast_run(para, text, BODY_FONT, BODY_PT, LATIN_FONT, marker)
    assert fast.xml == slow._element.xml
    assert fast.find(qn("w:rPr")) is not slow._element.find(qn("w:rPr"))  # a copy, not shared
