"""Reading: discovery, workbook recognition, header rows, formulas, broken files, round trip."""

from __future__ import annotations

import datetime as dt
import os
import zipfile

import openpyxl
import pandas as pd
import pytest

import wb
from pipeline.engine import load_dataset
from pipeline.model import ERROR, WARNING
from pipeline.read.workbook import norm_label, read_file
from shipped import STD

D = dt.date
RND = STD.workbook("round").file


def _round_sheets(**replace) -> dict[str, list[list]]:
    """The valid round workbook as {sheet name: rows}, with some sheets replaced."""
    spec = wb.county_spec()["round"]
    sheets = {wb.sheet_name(sid): wb.table(sid, rows) for sid, rows in spec.items()}
    for sid, rows in replace.items():
        sheets.pop(wb.sheet_name(sid))
        if rows is not None:
            sheets[wb.sheet_name(sid)] = rows
    return sheets


def _with_column(rows: list[list], header: str, values: list) -> list[list]:
    return [r + [v] for r, v in zip(rows, [header, *values])]


def _ole(payload: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + payload + os.urandom(2048)


# ------------------------------------------------------------ file-level plants

def _unknown(folder):
    wb.write_workbook(folder / "笔记.xlsx", {"Sheet1": [["随便写写"]], "统计": [[1, 2]]})


def _sheet_renamed(folder):
    sheets = _round_sheets(workload=None)
    sheets["工作量统计"] = wb.table("workload", wb.WORKLOAD)
    wb.write_workbook(folder / RND, sheets)


def _column_missing(folder):
    rows = [r[:2] + r[3:] for r in wb.table("workload", wb.WORKLOAD)]  # 统计日期 dropped
    wb.write_workbook(folder / RND, _round_sheets(workload=rows))


def _header_gone(folder):
    wb.write_workbook(folder / RND, _round_sheets(clues=[]))


def _extra_column(folder):
    rows = _with_column(wb.table("workload", wb.WORKLOAD), "序号", [1, 2])
    wb.write_workbook(folder / RND, _round_sheets(workload=rows))


def _column_twice(folder):
    rows = _with_column(wb.table("workload", wb.WORKLOAD), STD.sheet("workload").header("talks") + " ", [1, 2])
    wb.write_workbook(folder / RND, _round_sheets(workload=rows))


def _formula(folder):
    spec = wb.county_spec()
    spec["round"]["workload"][0]["talks"] = "=80+5"  # openpyxl stores no cached value
    wb.write_county(folder, spec)


def _error_value(folder):
    spec = wb.county_spec()
    spec["round"]["workload"][1]["talks"] = "#DIV/0!"  # openpyxl writes an error cell
    wb.write_county(folder, spec)


def _total_row(folder):
    rows = wb.table("workload", wb.WORKLOAD)
    rows.append(["合 计", None, None, 15, 95, 6, 320, 45, 150, 8])  # 12+3, 85+10, ...
    wb.write_workbook(folder / RND, _round_sheets(workload=rows))


def _bytes(name: str, data: bytes):
    def make(folder):
        (folder / name).write_bytes(data)
    return make


def _truncated(folder):
    path = wb.round_wb(folder / "半截.xlsx")
    path.write_bytes(path.read_bytes()[:1500])


FILE_PLANTS = [
    ("unknown workbook", _unknown, "workbook-unknown", "笔记.xlsx", "", None, ""),
    ("sheet renamed", _sheet_renamed, "sheet-missing", RND, wb.sheet_name("workload"), None, ""),
    ("column missing", _column_missing, "column-missing", RND, wb.sheet_name("workload"), 1,
     STD.sheet("workload").header("date")),
    ("sheet emptied", _header_gone, "header-not-found", RND, wb.sheet_name("clues"), None, ""),
    ("column twice", _column_twice, "column-duplicate", RND, wb.sheet_name("workload"), 1,
     STD.sheet("workload").header("talks")),
    ("formula without value", _formula, "formula-no-cached-value", RND, wb.sheet_name("workload"), 2,
     STD.sheet("workload").header("talks")),
    ("error value", _error_value, "cell-error-value", RND, wb.sheet_name("workload"), 3,
     STD.sheet("workload").header("talks")),
    ("total row", _total_row, "total-row", RND, wb.sheet_name("workload"), 4, ""),
    ("random bytes", _bytes("乱码.xlsx", os.urandom(4000)), "file-unreadable", "乱码.xlsx", "", None, ""),
    ("empty file", _bytes("空.xlsx", b""), "file-unreadable", "空.xlsx", "", None, ""),
    ("text file", _bytes("文本.xlsx", "这不是表格".encode()), "file-unreadable", "文本.xlsx", "", None, ""),
    ("ole named xlsx", _bytes("旧格式.xlsx", _ole(b"")), "file-unreadable", "旧格式.xlsx", "", None, ""),
    ("encrypted", _bytes("加密.xlsx", _ole("EncryptedPackage".encode("utf-16-le"))),
     "file-encrypted", "加密.xlsx", "", None, ""),
    ("truncated zip", _truncated, "file-unreadable", "半截.xlsx", "", None, ""),
    ("broken xls", _bytes("坏.xls", _ole(b"")), "file-unreadable", "坏.xls", "", None, ""),
    ("broken ods", _bytes("坏.ods", b"PK\x03\x04" + os.urandom(600)), "file-unreadable", "坏.ods", "", None, ""),
]


@pytest.mark.parametrize("name, make, code, file, sheet, row, column", FILE_PLANTS,
                         ids=[p[0] for p in FILE_PLANTS])
def test_file_level_plant(valid_inputs, name, make, code, file, sheet, row, column):
    make(valid_inputs)
    ds = load_dataset(valid_inputs, STD)
    assert [(f.code, f.file, f.sheet, f.row, f.column) for f in ds.findings] == [
        (code, file, sheet, row, column)]
    assert ds.findings[0].level == ERROR


def test_unknown_workbook_names_its_sheets(valid_inputs):
    _unknown(valid_inputs)
    [found] = load_dataset(valid_inputs, STD).findings
    assert "“Sheet1”" in found.message and "“统计”" in found.message


def test_formula_value_shown(valid_inputs):
    _formula(valid_inputs)
    [found] = load_dataset(valid_inputs, STD).findings
    assert found.value == "=80+5"


def test_extra_column_is_a_warning(valid_inputs):
    _extra_column(valid_inputs)
    ds = load_dataset(valid_inputs, STD)
    assert [(f.code, f.level, f.row, f.column) for f in ds.findings] == [("column-unknown", WARNING, 1, "序号")]
    assert "序号" not in ds.tables["workload"].columns


def test_cached_formula_values_are_used(tmp_path):
    """A formula saved with its result (as Excel does) reads as that result."""
    path = wb.round_wb(tmp_path / "in" / "r.xlsx")
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    book = openpyxl.load_workbook(path)
    index = book.sheetnames.index(wb.sheet_name("workload")) + 1
    xml_name = f"xl/worksheets/sheet{index}.xml"
    xml = parts[xml_name].decode()
    # D2 holds 12 (受理来电来访); make it a formula with cached value 12
    cell_start = xml.index('<c r="D2"')
    cell_end = xml.index("</c>", cell_start) + 4
    parts[xml_name] = (xml[:cell_start] + '<c r="D2" t="n"><f>10+2</f><v>12</v></c>' + xml[cell_end:]).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    fr = read_file(path, "r.xlsx", STD)
    assert fr.findings == []
    workload = next(s for s in fr.sheets if s.sheet_id == "workload")
    assert workload.columns["visits_received"][0] == 12


# ------------------------------------------------------------ discovery

def test_lock_hidden_and_other_files_are_skipped(valid_inputs):
    (valid_inputs / "~$巡察轮次填报表.xlsx").write_bytes(b"lock")
    (valid_inputs / ".隐藏.xlsx").write_bytes(b"hidden")
    (valid_inputs / ".git").mkdir()
    (valid_inputs / ".git" / "x.xlsx").write_bytes(b"x")
    (valid_inputs / "说明.docx").write_bytes(b"doc")
    (valid_inputs / "旧表.et").write_bytes(b"et")
    ds = load_dataset(valid_inputs, STD)
    assert sorted(s.path for s in ds.skipped) == sorted(
        ["~$巡察轮次填报表.xlsx", ".隐藏.xlsx", ".git", "说明.docx", "旧表.et"])
    assert [(f.code, f.level, f.file) for f in ds.findings] == [("file-format-unsupported", WARNING, "旧表.et")]
    assert len(ds.sources) == 3


def test_files_found_recursively_with_relative_posix_paths(tmp_path):
    folder = tmp_path / "inputs"
    wb.registry(folder / "名册" / "巡察对象名册.xlsx")
    wb.round_wb(folder / "2020" / "第五轮" / "一组.xlsx")
    ds = load_dataset(folder, STD)
    assert ds.findings == []
    assert [s.path for s in ds.sources] == ["2020/第五轮/一组.xlsx", "名册/巡察对象名册.xlsx"]
    assert set(ds.tables["problems"]["source_file"]) == {"2020/第五轮/一组.xlsx"}


# ------------------------------------------------------------ headers and rows

def test_header_found_below_title_and_blank_rows_ignored(tmp_path):
    rows = wb.table("round_orgs", wb.ROUND_ORGS)
    sheets = _round_sheets(round_orgs=[["第五轮巡察对象"], [], rows[0], [], rows[1], [None] * 3, rows[2], []])
    wb.write_workbook(tmp_path / "in" / RND, sheets)
    wb.registry(tmp_path / "in" / "名册.xlsx")
    ds = load_dataset(tmp_path / "in", STD)
    assert ds.findings == []
    assert list(ds.tables["round_orgs"]["source_row"]) == [5, 7]


def test_header_beyond_search_rows_is_not_found(tmp_path):
    limit = STD.header_search_rows
    rows = [["标题"]] + [[]] * limit + wb.table("clues", wb.CLUES)
    fr = read_file(wb.write_workbook(tmp_path / "r.xlsx", _round_sheets(clues=rows)), "r.xlsx", STD)
    assert [f.code for f in fr.findings] == ["header-not-found"]


@pytest.mark.parametrize("label, expected", [
    (" 受理来电来访\n(件次) ", "受理来电来访（件次）"),
    ("个别谈话\u3000（人次）", "个别谈话（人次）"),
    ("巡察 对象", "巡察对象"),
])
def test_norm_label(label, expected):
    assert norm_label(label) == expected


def test_merged_cells_fill_text_but_not_counts(tmp_path):
    path = wb.round_wb(tmp_path / "in" / RND)
    wb.registry(tmp_path / "in" / "名册.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book[wb.sheet_name("workload")]
    # Two rows for the same org: group and org merged over rows 2-3, talks merged too.
    ws["B3"] = None
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("E2:E3")
    book.save(path)
    ds = load_dataset(tmp_path / "in", STD)
    work = ds.tables["workload"]
    assert list(work["org"]) == ["县住房和城乡建设管理局", "县住房和城乡建设管理局"]
    assert list(work["group"]) == [wb.GROUP, wb.GROUP]
    assert work["talks"].sum() == 85  # 85 once, not twice
    assert ds.findings == []


# ------------------------------------------------------------ round trip (issue 2, item 4)

def _expected(sheet_id: str, rows: list[dict]) -> pd.DataFrame:
    sheet = STD.sheet(sheet_id)
    data = {}
    for col in sheet.columns:
        values = [r.get(col.id) for r in rows]
        if col.type == "date":
            data[col.id] = pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[ns]")
        elif col.type in ("count", "year"):
            data[col.id] = pd.Series([v or 0 for v in values], dtype="int64")
        else:
            values = [v if v is not None else col.default for v in values]
            data[col.id] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


@pytest.mark.parametrize("wb_id", ["registry", "round", "office"])
def test_round_trip_exact_values(valid_inputs, wb_id):
    """Workbooks written with openpyxl read back with the same dates, counts and text."""
    ds = load_dataset(valid_inputs, STD)
    spec = wb.county_spec()
    for sid, rows in spec[wb_id].items():
        got = ds.tables[sid]
        want = _expected(sid, rows)
        if sid == "round_orgs":  # a blank 对象类别 is taken from the registry
            want.loc[1, "category"] = "县直党群行政单位"
        pd.testing.assert_frame_equal(got[list(want.columns)], want, check_dtype=True)
        assert list(got["source_row"]) == list(range(2, len(rows) + 2))
        assert set(got["source_file"]) == {STD.workbook(wb_id).file}


def test_typed_frames_follow_the_contract(valid_inputs):
    """Every sheet id present with the standard's columns and dtypes (see model.py)."""
    ds = load_dataset(valid_inputs, STD)
    assert set(ds.tables) == set(STD.sheets)
    for sid, sheet in STD.sheets.items():
        frame = ds.tables[sid]
        extra = ("term", "round") if sid in ("round_orgs", "workload", "problems", "clues") else ()
        assert list(frame.columns) == ["source_file", "source_sheet", "source_row",
                                       *(c.id for c in sheet.columns), *extra]
        for col in sheet.columns:
            dtype = {"date": "datetime64[ns]", "count": "int64", "year": "int64"}.get(col.type, "object")
            assert str(frame[col.id].dtype) == dtype, (sid, col.id)
            if dtype == "object":
                assert all(v is None or type(v) is str for v in frame[col.id]), (sid, col.id)
        if extra:
            assert str(frame["term"].dtype) == "object" and str(frame["round"].dtype) == "int64"


def test_empty_inputs_give_empty_frames_with_columns(tmp_path):
    (tmp_path / "in").mkdir()
    ds = load_dataset(tmp_path / "in", STD)
    assert [f.code for f in ds.findings] == ["registry-missing"]
    assert all(frame.empty for frame in ds.tables.values())
    assert str(ds.tables["problems"]["found"].dtype) == "datetime64[ns]"
    assert "term" in ds.tables["clues"].columns


def test_process_pool_gives_the_same_dataset(tmp_path, monkeypatch):
    """Chunks normalised in worker processes, then combined, equal one in-process pass."""
    import pipeline.engine.runner as load

    folder = tmp_path / "in"
    spec = wb.county_spec()
    spec["round"]["workload"][1]["talks"] = "十"  # one error, to compare findings too
    wb.write_county(folder, spec)
    for k, group in enumerate(["第二巡察组", "第三巡察组", "第四巡察组"]):
        info = [dict(wb.ROUND_INFO[0], group=group)]
        orgs = [dict(wb.ROUND_ORGS[0], group=group, org=wb.UNITS[2 + k]["name"], category=None)]
        work = [{"group": group, "date": D(2020, 5, k + 1), "talks": k + 1}]
        wb.round_wb(folder / f"组{k}.xlsx", info=info, orgs=orgs, workload=work, problems=[], clues=[])
    serial = load_dataset(folder, STD)
    monkeypatch.setattr(load, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(load, "CHUNK_FILES", 2)
    pooled = load_dataset(folder, STD)
    assert pooled.findings == serial.findings
    # 组0..组2.xlsx: each group has a 结束日期 (ROUND_INFO) and no 发现问题 row: one warning each
    assert [f.code for f in pooled.findings] == ["count-invalid"] + ["group-no-problems"] * 3
    assert pooled.sources == serial.sources
    for sid, frame in serial.tables.items():
        pd.testing.assert_frame_equal(pooled.tables[sid], frame, obj=sid)
    assert pooled.tables["workload"]["talks"].sum() == 85 + 0 + 1 + 2 + 3  # "十" is an error, read as 0
