"""The structure of issue 9: checks only report and one completion step follows them;
every command takes the standard from --schemas."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import wb
from pipeline.check.validate import check
from pipeline.launch import main
from pipeline.read.discover import discover, relative_name
from pipeline.read.load import load_chunk
from pipeline.read.normalize import attach_rounds, inherit_group
from pipeline.standard import SCHEMA_DIR
from shipped import STD


def _frames(folder):
    """Typed frames of a folder as ``check`` receives them (before any check)."""
    paths, _, _ = discover(folder)
    part = load_chunk([(str(p), relative_name(p, folder)) for p in paths], STD)
    inherit_group(part.frames, part.blanks, STD)
    attach_rounds(part.frames, STD)
    return part


def test_checks_change_no_frame_and_completion_works_on_copies(tmp_path):
    spec = wb.county_spec()
    spec["round"]["round_info"][0]["type"] = "例行巡察"  # not a 巡察类型: enum-invalid
    spec["round"]["problems"][0]["category"] = "巡察整改落实"  # a category of another taxonomy
    spec["round"]["round_orgs"][0]["category"] = None  # blank 对象类别: taken from the registry
    wb.write_county(tmp_path, spec)
    part = _frames(tmp_path)
    before = {sid: frame.copy(deep=True) for sid, frame in part.frames.items()}

    findings, completed = check(part.frames, part.blanks, part.findings, part.reads, STD)

    assert {f.code for f in findings} == {"enum-invalid", "problem-category-invalid"}
    for sid, frame in part.frames.items():  # the checked frames are exactly as they were
        pd.testing.assert_frame_equal(frame, before[sid])
    assert completed["round_info"]["type"].tolist()[0] is None
    assert completed["problems"]["category"].tolist()[0] is None
    assert completed["round_orgs"]["category"].tolist()[0] == wb.UNITS[0]["category"]
    assert part.frames["round_info"]["type"].tolist()[0] == "例行巡察"  # still as typed, for the report


@pytest.fixture
def relabelled(tmp_path):
    """A copy of the shipped standard with the header 问题摘要 renamed 问题简述."""
    folder = tmp_path / "标准"
    shutil.copytree(SCHEMA_DIR, folder)
    path = folder / "standard.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count('header = "问题摘要"') == 2  # 发现问题, and its copy in 整改进展
    path.write_text(text.replace('header = "问题摘要"', 'header = "问题简述"'), encoding="utf-8")
    return folder


def test_schemas_option_reaches_templates_and_checks(relabelled, tmp_path, capsys):
    out = tmp_path / "模板"
    assert main(["template", "--out", str(out), "--schemas", str(relabelled)]) == 0
    import openpyxl

    book = openpyxl.load_workbook(out / STD.workbook("round").file)
    assert "问题简述" in [c.value for c in book[STD.sheet("problems").name][1]]
    # the shipped county's workbooks say 问题摘要: under the relabelled standard that column is missing
    wb.write_county(tmp_path / "in", wb.county_spec())
    code = main(["validate", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "out"),
                 "--schemas", str(relabelled)])
    assert code == 1
    assert "缺少必需的列“问题简述”" in capsys.readouterr().out
    assert main(["validate", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "out2")]) == 0


def test_missing_schemas_folder_is_a_usage_error(tmp_path, capsys):
    code = main(["validate", "--inputs", str(tmp_path), "--schemas", str(tmp_path / "没有")])
    assert code == 2
    assert "找不到填报标准文件夹" in capsys.readouterr().err


def test_broken_schemas_are_a_usage_error(tmp_path, capsys):
    folder = tmp_path / "坏标准"
    shutil.copytree(SCHEMA_DIR, folder)
    (folder / "enums.toml").write_text("this is = = not toml", encoding="utf-8")
    code = main(["template", "--out", str(tmp_path / "o"), "--schemas", str(folder)])
    assert code == 2
    assert "标准有误" in capsys.readouterr().err
