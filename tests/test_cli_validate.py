"""The validate command end to end, exit codes, no tracebacks, and --skip-invalid's dataset."""

from __future__ import annotations

import hashlib
import os

import pytest

import wb
from pipeline.engine import load_dataset
from pipeline.errors import InputErrors
from pipeline.launch import main
from pipeline.read.load import drop_invalid
from shipped import STD

RND = STD.workbook("round").file


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_inputs_exit_0_and_write_report(valid_inputs, tmp_path, capsys):
    code, out, _ = _run(capsys, "validate", "--inputs", str(valid_inputs), "--outputs", str(tmp_path / "out"))
    assert code == 0
    assert "读取工作簿 3 份；错误 0 处，警告 0 处（已说明 0 处，未说明 0 处）。" in out
    assert (tmp_path / "out" / "校验报告.xlsx").is_file()


def test_warnings_only_exit_0(tmp_path, capsys):
    spec = wb.county_spec()
    spec["round"]["problems"][0]["found"] = wb.D(2020, 3, 1)
    wb.write_county(tmp_path / "in", spec)
    code, out, _ = _run(capsys, "validate", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "o"))
    assert code == 0
    assert "错误 0 处，警告 1 处（已说明 0 处，未说明 1 处）" in out


def test_errors_exit_1_and_name_the_cell(tmp_path, capsys):
    spec = wb.county_spec()
    spec["round"]["workload"][0]["talks"] = "12人"
    wb.write_county(tmp_path / "in", spec)
    code, out, _ = _run(capsys, "validate", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "o"))
    assert code == 1
    assert f"[错误] {RND}，工作量，第2行，个别谈话（人次）：“12人”不是数字" in out
    assert f"校验报告：{tmp_path / 'o' / '校验报告.xlsx'}" in out


def test_missing_folder_exit_2(tmp_path, capsys):
    code, _, err = _run(capsys, "validate", "--inputs", str(tmp_path / "没有"), "--outputs", str(tmp_path / "o"))
    assert code == 2
    assert "找不到输入文件夹" in err


def test_every_bad_fixture_without_traceback(valid_inputs, tmp_path, capsys):
    """All the broken files at once: one finding each, exit 1, no crash log."""
    (valid_inputs / "乱码.xlsx").write_bytes(os.urandom(3000))
    (valid_inputs / "空.xlsx").write_bytes(b"")
    (valid_inputs / "加密.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
                                      + "EncryptedPackage".encode("utf-16-le"))
    (valid_inputs / "假.xls").write_text("not a workbook", encoding="utf-8")
    (valid_inputs / "坏.ods").write_bytes(b"PK\x03\x04" + bytes(100))
    half = wb.round_wb(valid_inputs / "半截.xlsx")
    half.write_bytes(half.read_bytes()[:2000])
    wb.write_workbook(valid_inputs / "无关.xlsx", {"Sheet1": [["x"]]})
    wb.write_workbook(valid_inputs / "公式.xlsx", {
        wb.sheet_name("round_info"): wb.table("round_info", [dict(wb.ROUND_INFO[0], group="第二巡察组")]),
        wb.sheet_name("round_orgs"): wb.table("round_orgs", []),
        wb.sheet_name("workload"): wb.table("workload", [{"group": "第二巡察组", "date": wb.D(2020, 5, 1),
                                                          "talks": "=SUM(1,2)"}]),
        wb.sheet_name("problems"): wb.table("problems", []),
        wb.sheet_name("clues"): wb.table("clues", [])})
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in valid_inputs.iterdir()}
    out_dir = tmp_path / "out"
    code, out, err = _run(capsys, "validate", "--inputs", str(valid_inputs), "--outputs", str(out_dir))
    assert code == 1
    assert "Traceback" not in out + err and "内部错误" not in err
    ds = load_dataset(valid_inputs, STD)
    assert sorted((f.file, f.code) for f in ds.findings) == sorted([
        ("假.xls", "file-unreadable"), ("公式.xlsx", "formula-no-cached-value"),
        ("加密.xlsx", "file-encrypted"), ("半截.xlsx", "file-unreadable"), ("坏.ods", "file-unreadable"),
        ("无关.xlsx", "workbook-unknown"), ("乱码.xlsx", "file-unreadable"), ("空.xlsx", "file-unreadable"),
        # 第二巡察组 has a 结束日期 (2020-06-30, from ROUND_INFO) and an empty 发现问题 sheet
        ("公式.xlsx", "group-no-problems")])
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in valid_inputs.iterdir()} == before
    assert [p.name for p in out_dir.iterdir()] == ["校验报告.xlsx"]


def test_annual_with_errors_writes_report_and_no_statistics(tmp_path, capsys):
    spec = wb.county_spec()
    spec["round"]["clues"][0]["cadres"] = "两人"
    wb.write_county(tmp_path / "in", spec)
    code, _, err = _run(capsys, "annual", "--year", "2020", "--inputs", str(tmp_path / "in"),
                        "--outputs", str(tmp_path / "o"))
    assert code == 1
    assert "未生成统计结果" in err
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["校验报告.xlsx"]


def test_drop_invalid_leaves_out_files_with_errors(tmp_path):
    folder = tmp_path / "in"
    wb.write_county(folder)
    bad_info = [dict(wb.ROUND_INFO[0], group="第二巡察组")]
    bad_orgs = [dict(wb.ROUND_ORGS[0], group="第二巡察组", org="城关镇", category=None)]
    bad_work = [{"group": "第二巡察组", "date": wb.D(2020, 5, 1), "talks": "很多"}]
    wb.round_wb(folder / "二组.xlsx", info=bad_info, orgs=bad_orgs, workload=bad_work, problems=[], clues=[])
    ds = load_dataset(folder, STD)
    assert [(f.file, f.code) for f in ds.errors] == [("二组.xlsx", "count-invalid")]
    kept = drop_invalid(ds, STD)
    assert kept.excluded == ["二组.xlsx"]
    assert {s.path: s.valid for s in kept.sources} == {
        "二组.xlsx": False, RND: True, "巡察对象名册.xlsx": True, "年度综合情况.xlsx": True}
    assert set(kept.tables["round_orgs"]["source_file"]) == {RND}
    assert kept.tables["round_orgs"].index.tolist() == [0, 1]
    assert len(kept.tables["workload"]) == 2 and kept.tables["workload"]["talks"].sum() == 85 + 10


@pytest.mark.parametrize("edit", [
    lambda spec: spec["registry"]["units"][0].update(category="部门"),
    lambda spec: spec.pop("registry"),
], ids=["registry error", "no registry"])
def test_drop_invalid_cannot_skip_the_registry(tmp_path, edit):
    spec = wb.county_spec()
    edit(spec)
    wb.write_county(tmp_path / "in", spec)
    with pytest.raises(InputErrors, match="不能用 --skip-invalid 跳过"):
        drop_invalid(load_dataset(tmp_path / "in", STD), STD)
