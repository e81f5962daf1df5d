"""Hostile or odd workbook files: zip bombs, lying zip directories, namespace-prefixed XML."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import wb
from pipeline.engine import load_dataset
from pipeline.model import ERROR
from pipeline.read import xlsx_parts
from pipeline.read.workbook import read_file
from shipped import STD

ROOT = Path(__file__).resolve().parent.parent
RND = STD.workbook("round").file
BOMB = "第1轮第一巡察组.xlsx"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MB = 1 << 20


def _copy_with(src: Path, dst: Path, name: str, megabytes: int) -> Path:
    """``src`` plus a member ``name`` of ``megabytes`` MiB of zeros, written in 1 MiB chunks."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info))
        with new.open(name, "w") as fh:
            zeros = bytes(MB)
            for _ in range(megabytes):
                fh.write(zeros)
    return dst


# ------------------------------------------------------------------ zip bombs

MEMORY_SCRIPT = """
import json, resource, sys
from pathlib import Path
from pipeline.read.workbook import read_file
from pipeline.standard import load_standard
fr = read_file(Path(sys.argv[1]), "bomb.xlsx", load_standard())
print(json.dumps({"codes": [f.code for f in fr.findings],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="ru_maxrss is Unix only")
def test_a_1_gib_zip_bomb_named_like_a_round_workbook_is_refused(valid_inputs):
    bomb = _copy_with(valid_inputs / RND, valid_inputs / BOMB, "xl/media/image1.bin", 1024)
    assert bomb.stat().st_size < 5 * MB  # about 1 MB on disk, 1 GiB unzipped
    ds = load_dataset(valid_inputs, STD)
    assert [(f.code, f.level, f.file) for f in ds.findings] == [("file-too-large", ERROR, BOMB)]
    assert "512 MB" in ds.findings[0].message
    assert len(ds.sources) == 3  # the three valid workbooks are still read
    done = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(bomb)], check=False, capture_output=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    result = json.loads(done.stdout)
    assert result["codes"] == ["file-too-large"]
    assert result["peak_mb"] < 300


def test_a_part_compressed_a_thousand_times_is_refused(valid_inputs):
    # 20 MiB of zeros deflate to about 20 KB: ratio about 1000 > 100, and 20 MiB >= 10 MiB
    _copy_with(valid_inputs / RND, valid_inputs / BOMB, "xl/media/image1.bin", 20)
    ds = load_dataset(valid_inputs, STD)
    assert [(f.code, f.level, f.file) for f in ds.findings] == [("file-compression-suspicious", ERROR, BOMB)]
    assert "xl/media/image1.bin" in ds.findings[0].message


def test_a_small_part_may_compress_well(valid_inputs):
    # 5 MiB of zeros: ratio about 1000, but below compression_check_from_mb (10): read as usual
    copy = RND.replace(".xlsx", "副本.xlsx")
    _copy_with(valid_inputs / RND, valid_inputs / copy, "xl/media/image1.bin", 5)
    ds = load_dataset(valid_inputs, STD)
    assert {s.path: s.kind for s in ds.sources}[copy] == "round"
    assert {f.code for f in ds.findings} == {"submission-duplicate"}  # the copy repeats the round


def test_a_file_larger_than_the_limit_is_not_read(tmp_path, monkeypatch):
    path = tmp_path / BOMB
    path.write_bytes(bytes(3 * MB))
    fr = read_file(path, BOMB, dataclasses.replace(STD, max_unzipped_mb=2))
    assert [(f.code, f.level, f.file) for f in fr.findings] == [("file-too-large", ERROR, BOMB)]
    assert "3 MB" in fr.findings[0].message and "2 MB" in fr.findings[0].message


def _lie_about_size(path: Path, name: str, declared: int) -> None:
    """Rewrite the declared unzipped size of member ``name`` (central directory and local header)."""
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == name.encode():
            struct.pack_into("<I", data, pos + 24, declared)
            local = struct.unpack_from("<I", data, pos + 42)[0]
            struct.pack_into("<I", data, local + 22, declared)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


def test_a_part_larger_than_declared_is_not_read_past_its_size(tmp_path):
    path = _copy_with(wb.round_wb(tmp_path / "r.xlsx"), tmp_path / BOMB, "xl/media/image1.bin", 8)
    _lie_about_size(path, "xl/media/image1.bin", 2000)
    parts = xlsx_parts.open_zip(path.read_bytes(), xlsx_parts.ZipLimits.of(STD))
    assert parts.sizes["xl/media/image1.bin"][1] == 2000  # the guard sees 2000 bytes: passes
    got = 0
    with pytest.raises(zipfile.BadZipFile):
        for piece in parts.pieces("xl/media/image1.bin"):
            got += len(piece)
    assert got <= 2000


def test_a_sheet_larger_than_declared_is_unreadable(tmp_path):
    path = wb.round_wb(tmp_path / BOMB)
    _lie_about_size(path, "xl/worksheets/sheet1.xml", 100)
    fr = read_file(path, BOMB, STD)
    assert [(f.code, f.file) for f in fr.findings] == [("file-unreadable", BOMB)]


def test_the_limits_are_read_from_the_rules():
    limits = xlsx_parts.ZipLimits.of(STD)
    assert (limits.max_bytes, limits.max_ratio, limits.ratio_from_bytes) == (512 * MB, 100, 10 * MB)


# ------------------------------------------------------- namespace-prefixed XML

def _prefixed(xml: bytes) -> bytes:
    """The same part with the SpreadsheetML namespace bound to prefix ``x:`` instead of the default."""
    text = xml.decode("utf-8").replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')
    return re.sub(r"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", r"<\1x:\2", text).encode("utf-8")


def _rewrite_prefixed(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    parts = {name: _prefixed(data) if name == "xl/workbook.xml" or name.startswith("xl/worksheets/sheet") else data
             for name, data in parts.items()}
    assert b"<x:c " in parts["xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _plant_formula_and_error(folder: Path) -> None:
    spec = wb.county_spec()
    spec["round"]["workload"][0]["talks"] = "=80+5"  # Excel row 2: openpyxl stores no cached value
    spec["round"]["workload"][1]["talks"] = "#DIV/0!"  # Excel row 3: an error cell
    wb.write_county(folder, spec)


def test_a_namespace_prefixed_workbook_has_the_same_findings(tmp_path):
    plain, prefixed = tmp_path / "plain", tmp_path / "prefixed"
    _plant_formula_and_error(plain)
    shutil.copytree(plain, prefixed)
    _rewrite_prefixed(prefixed / RND)
    sheet, talks = wb.sheet_name("workload"), STD.sheet("workload").header("talks")
    expected = [("formula-no-cached-value", RND, sheet, 2, talks, "=80+5"),
                ("cell-error-value", RND, sheet, 3, talks, "#DIV/0!")]
    for folder in (plain, prefixed):
        found = [(f.code, f.file, f.sheet, f.row, f.column, f.value) for f in load_dataset(folder, STD).findings]
        assert found == expected, folder.name
