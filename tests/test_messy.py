"""A messy-but-valid county reads clean and gives the same figures as its clean twin.

Messy: a title row and a blank row above the header, columns in reverse order,
headers with half-width brackets, line breaks and spaces, full-width digits
in counts, dates typed as text in every accepted form, stray spaces in names,
quotes around enumeration values. Written as .xlsx (openpyxl), .xls (xlwt),
.ods (pandas/odfpy) and, when LibreOffice is installed, converted by it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import xlwt

import wb
from pipeline.engine import load_dataset
from pipeline.read.normalize import PROVENANCE
from shipped import STD

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
DATE_FORMS = ("{y}年{m}月{d}日", "{y}.{m}.{d}", "{y}/{m}/{d}", " {y}-{m:02d}-{d:02d} ")


def _messy_header(header: str) -> str:
    return " " + header.replace("（", "\n(").replace("）", ")") + "\u3000"


def _messy_value(col, value, i: int):
    """The value as a careless (but valid) user would type it; ``i`` varies the form."""
    if value is None:
        return None
    if col.type == "count":
        return f" {str(value).translate(FULL_WIDTH)} "
    if col.type == "year":
        return f"{value}年"
    if col.type == "date":
        if i % 5 == 4:
            return value  # a real date cell now and then
        return DATE_FORMS[i % len(DATE_FORMS)].format(y=value.year, m=value.month, d=value.day)
    if col.type == "org":
        return f" {value[:2]} {value[2:]} ".replace("（", "(").replace("）", ")")
    if col.type == "enum":
        return ("“{}”", '"{}"', " {} ")[i % 3].format(value)
    return f" {value}  "


def _messy_sheet(sheet_id: str, rows: list[dict]) -> list[list]:
    cols = list(reversed(STD.sheet(sheet_id).columns))
    out = [[f"{STD.sheet(sheet_id).name}（2020年）"], []]
    out.append([_messy_header(c.header) for c in cols])
    for r, row in enumerate(rows):
        out.append([_messy_value(c, row.get(c.id), r + k) for k, c in enumerate(cols)])
    return out


def _messy_books() -> dict[str, dict[str, list[list]]]:
    """{file name: {sheet name: rows}} of the messy county."""
    books = {}
    for wb_id, sheets in wb.county_spec().items():
        book = STD.workbook(wb_id)
        books[book.file] = {f" {STD.sheet(sid).name} ": _messy_sheet(sid, rows) for sid, rows in sheets.items()}
    return books


def _write_xls(path: Path, sheets: dict[str, list[list]]) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        ws = book.add_sheet(name.strip())  # xlwt refuses some spaces in names
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write(r, c, value, date_style)
                elif value is not None:
                    ws.write(r, c, value)
    book.save(str(path))


def _write_ods(path: Path, sheets: dict[str, list[list]]) -> None:
    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            width = max(len(r) for r in rows)
            padded = [list(r) + [None] * (width - len(r)) for r in rows]
            pd.DataFrame(padded).to_excel(writer, sheet_name=name, header=False, index=False)


def _messy_folder(folder: Path, fmt: str) -> Path:
    folder.mkdir(parents=True)
    for file, sheets in _messy_books().items():
        path = folder / Path(file).with_suffix("." + fmt).name
        if fmt == "xlsx":
            wb.write_workbook(path, sheets)
        elif fmt == "xls":
            _write_xls(path, sheets)
        else:
            _write_ods(path, sheets)
    return folder


def _figures(ds) -> dict[str, pd.DataFrame]:
    return {sid: frame.drop(columns=list(PROVENANCE)) for sid, frame in ds.tables.items()}


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))}


def _assert_same_figures(messy, clean) -> None:
    got, want = _figures(messy), _figures(clean)
    assert got.keys() == want.keys()
    for sid in want:
        pd.testing.assert_frame_equal(got[sid], want[sid], obj=sid)
    assert sum(len(f) for f in want.values()) == 23  # 2+7+2 registry + 1+2+2+2+1 round + 1+2+1 office
    assert messy.info == clean.info


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_messy_set_reads_clean_with_same_figures(valid_inputs, tmp_path, fmt):
    folder = _messy_folder(tmp_path / f"messy_{fmt}", fmt)
    before = _hashes(folder)
    messy = load_dataset(folder, STD)
    assert messy.findings == []
    assert _hashes(folder) == before  # inputs never modified, nothing added
    _assert_same_figures(messy, load_dataset(valid_inputs, STD))
    assert messy.tables["round_orgs"]["source_row"].tolist() == [4, 5]  # title + blank + header above


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_office_suite_copies_read_the_same(valid_inputs, tmp_path, fmt):
    src = _messy_folder(tmp_path / "src", "xlsx")
    out = tmp_path / f"lo_{fmt}"
    files = [str(p) for p in sorted(src.glob("*.xlsx"))]
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo_profile", "--headless",
                    "--convert-to", fmt, "--outdir", str(out), *files],
                   check=True, capture_output=True, timeout=180)
    messy = load_dataset(out, STD)
    assert messy.findings == []
    assert sorted(s.path for s in messy.sources) == sorted(Path(f).with_suffix("." + fmt).name for f in files)
    _assert_same_figures(messy, load_dataset(valid_inputs, STD))


def test_clean_county_hashes_unchanged(valid_inputs):
    before = _hashes(valid_inputs)
    load_dataset(valid_inputs, STD)
    assert _hashes(valid_inputs) == before
