"""`annual` and `monthly` end to end through the real command line, on the hand-made county."""

from __future__ import annotations

import json
import os
from pathlib import Path

import openpyxl
import pytest

from county import write_county
from pipeline.launch import main

BROKEN = "2020/第5轮_第一巡察组.xlsx"  # round 5: talks 22 + 17


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    write_county(folder)
    return folder


def _run(*argv: str) -> int:
    return main(list(argv))


def _break_round_5(folder: Path) -> None:
    """Make one count cell of round 5 invalid ("22人" in 个别谈话)."""
    path = folder / BROKEN
    wb = openpyxl.load_workbook(path)
    wb["工作量"]["E2"] = "22人"
    wb.save(path)


@pytest.mark.parametrize("argv, folder, stem", [
    (["annual", "--year", "2020"], "2020年度", "巡察工作统计_2020年度"),
    (["monthly", "--month", "2020-06"], "2020年06月", "巡察工作统计_2020年06月"),
], ids=["annual", "monthly"])
def test_period_writes_every_output(inputs, tmp_path, capsys, argv, folder, stem):
    code = _run(*argv, "--inputs", str(inputs), "--outputs", str(tmp_path))
    out = capsys.readouterr().out
    assert code == 0, out
    period_dir = tmp_path / folder
    assert (period_dir / f"{stem}.xlsx").is_file()
    assert (period_dir / "校验报告.xlsx").is_file()
    assert sorted(p.name for p in (period_dir / "charts").iterdir()) == \
        ["全覆盖进度.png", "月度趋势.png", "问题分类.png"]
    assert len(list(period_dir.glob("*.docx"))) == 1 and len(list(period_dir.glob("*.md"))) == 1
    metrics = json.loads((period_dir / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["schema_version"] == 4 and metrics["period"]["label"] == folder
    assert not list(tmp_path.rglob(".~tmp-*"))
    assert "统计完成" in out


def test_annual_metrics_match_golden(inputs, tmp_path):
    assert _run("annual", "--year", "2020", "--inputs", str(inputs), "--outputs", str(tmp_path)) == 0
    metrics = json.loads((tmp_path / "2020年度" / "metrics.json").read_text(encoding="utf-8"))
    assert (metrics["totals"]["talks"], metrics["totals"]["problems"]) == (137, 11)
    assert metrics["coverage"]["county"]["inspected"] == 7


def test_input_errors_write_only_the_check_report(tmp_path, capsys):
    folder = tmp_path / "inputs"
    write_county(folder)
    _break_round_5(folder)
    outputs = tmp_path / "out"
    assert _run("annual", "--year", "2020", "--inputs", str(folder), "--outputs", str(outputs)) == 1
    assert (outputs / "校验报告.xlsx").is_file()
    assert not (outputs / "2020年度").exists()
    assert "未生成统计结果" in capsys.readouterr().err


def test_skip_invalid_names_the_excluded_workbook(tmp_path, capsys):
    folder = tmp_path / "inputs"
    write_county(folder)
    _break_round_5(folder)
    outputs = tmp_path / "out"
    code = _run("annual", "--year", "2020", "--skip-invalid", "--inputs", str(folder),
                "--outputs", str(outputs))
    assert code == 0
    assert BROKEN in capsys.readouterr().out
    metrics = json.loads((outputs / "2020年度" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["excluded"] == [BROKEN]
    assert metrics["totals"]["talks"] == 98  # 137 - 22 - 17 (round 5 left out)
    assert metrics["totals"]["rounds"] == 3  # R2, R3, R4
    book = openpyxl.load_workbook(outputs / "2020年度" / "巡察工作统计_2020年度.xlsx")
    for ws in book.worksheets:
        assert BROKEN in ws["A3"].value, ws.title
    statuses = {r[1]: r[-1] for r in book["数据来源"].iter_rows(min_row=5, values_only=True)}
    assert statuses[BROKEN] == "有错误，未计入"


def test_locked_output_gives_clear_message(inputs, tmp_path, capsys, monkeypatch):
    """The leadership workbook is open in Excel: a clear message, exit 3, no partial file."""
    real_replace = os.replace
    target = "巡察工作统计_2020年度.xlsx"

    def replace(src, dst):
        if Path(dst).name == target:
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    code = _run("annual", "--year", "2020", "--inputs", str(inputs), "--outputs", str(tmp_path))
    err = capsys.readouterr().err
    assert code == 3
    assert target in err and "无法写入文件" in err and "请关闭该文件后重新运行" in err
    assert "Traceback" not in err
    assert not (tmp_path / "2020年度" / target).exists()
    assert not list(tmp_path.rglob(".~tmp-*"))  # the temporary file was removed
