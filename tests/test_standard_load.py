"""The standard is typed and checked when it is loaded: a wrong schemas/ folder is refused by the
real command, exit 2, with one Chinese line naming the file, the key and what is expected, before
any workbook is read; a valid changed value takes effect (figures worked out by hand below)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import wb
from pipeline.engine import load_dataset
from pipeline.launch import main
from pipeline.standard import SCHEMA_DIR, StandardError, load_standard, standard_at
from shipped import STD

ROOT = Path(__file__).resolve().parent.parent


def _schemas(tmp_path: Path, file: str, old: str | None = None, new: str = "") -> Path:
    """A copy of the shipped schemas/ with ``old`` replaced by ``new`` in ``file`` (``old`` None:
    the file removed)."""
    folder = tmp_path / "坏标准"
    shutil.copytree(SCHEMA_DIR, folder)
    path = folder / file
    if old is None:
        path.unlink()
    else:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def _validate(schemas: Path, inputs: Path, outputs: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", "validate", "--schemas", str(schemas), "--inputs", str(inputs),
                           "--outputs", str(outputs)], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)


REFUSED = [  # (id, file, old, new, what the one line must say besides the file)
    ("day limit as text", "rules.toml", "days_after_round_end = 90", 'days_after_round_end = "九十"',
     ['[checks] days_after_round_end = "九十"', "须为整数"]),
    ("length as text", "rules.toml", "min_length = 6", 'min_length = "six"',
     ['[explanations] min_length = "six"', "须为整数"]),
    ("yellow beyond green", "rules.toml", "due_soon_days = 10", "due_soon_days = 30",
     ["[rectification]", "due_soon_days（30）不得大于 warning_days（20）"]),
    ("no round named", "rules.toml", "largest_rounds = 5", "largest_rounds = 0",
     ["[summary] largest_rounds = 0", "须为不小于 1 的整数"]),
    ("unknown key", "rules.toml", "warning_days = 20", "warn_days = 20",
     ["[rectification] warn_days = 20", "不是可用的设置项"]),
    ("a label missing", "rules.toml", 'on_track = "正常推进"', "",
     ["[rectification.labels] on_track", "缺少这一项"]),
    ("round type unknown", "rules.toml", '"交叉巡察", "联动巡察"]', '"交叉巡察", "联合巡察"]',
     ['[coverage] counting_round_types 第 6 项 = "联合巡察"', "须为 enums.toml [round_type] 的值之一"]),
    ("date order on no column", "standard.toml", 'later = "transferred_on"', 'later = "transfered_on"',
     ['[[workbooks.sheets.date_orders]]（round / clues / 第 1 项）later = "transfered_on"',
      "须为本表日期列的 id 之一：found、transferred_on"]),
    ("minimum on a text column", "standard.toml", 'header = "巡察组"\n  type = "text"\n  not_null = true\n'
     '  help = "如：第一巡察组。', 'header = "巡察组"\n  type = "text"\n  min = 1\n  not_null = true\n'
     '  help = "如：第一巡察组。', ["（round / round_info / group）min = 1", "min 只用于 count 或 year 类型的列"]),
    ("column type typo", "standard.toml", 'id = "cadres"\n  header = "涉及党员干部（人）"\n  type = "count"',
     'id = "cadres"\n  header = "涉及党员干部（人）"\n  type = "number"',
     ['（round / clues / cadres）type = "number"', '须为以下之一："text"、"org"、"count"、"date"、"enum"、"year"']),
    ("county label blank", "standard.toml", 'county = "县名"', 'county = " "',
     ['[info_labels] county = " "', "不能为空"]),
    ("empty enumeration", "enums.toml", 'values = ["好", "良好", "较好", "一般", "较差"]', "values = []",
     ["[grade] values = []", "不能为空"]),
    ("family member not a value", "enums.toml", 'members = ["村党组织", "社区党组织"]',
     'members = ["村党组织", "社区党组织", "居委会"]',
     ['[[org_category.families]]（village）members 第 3 项 = "居委会"', "须为本枚举 values 中的值之一"]),
    ("unknown taxonomy", "taxonomy.toml", '"十五届" = "四个聚焦"', '"十五届" = "五个聚焦"',
     ['[terms] "十五届" = "五个聚焦"', "须为 [taxonomies] 中的问题分类之一：三个聚焦、四个聚焦、四个落实"]),
    ("not TOML", "rules.toml", "[checks]", "[checks", ["rules.toml 第 44 行第 8 列附近不符合 TOML 格式"]),
    ("file missing", "taxonomy.toml", None, "", ["缺少文件：taxonomy.toml"]),
]


@pytest.mark.parametrize("file, old, new, said", [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_wrong_standard_is_refused_by_the_command_before_reading(tmp_path, valid_inputs, file, old, new, said):
    done = _validate(_schemas(tmp_path, file, old, new), valid_inputs, tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # nothing read, nothing written
    assert not (tmp_path / "out").exists()
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), done.stderr
    assert file in lines[0]
    for part in said:
        assert part in lines[0], lines[0]


def test_the_message_in_full(tmp_path, valid_inputs):
    done = _validate(_schemas(tmp_path, "rules.toml", "days_after_round_end = 90", 'days_after_round_end = "九十"'),
                     valid_inputs, tmp_path / "out")
    assert done.stderr == ('错误：填报标准有误：rules.toml 中 [checks] days_after_round_end = "九十"：'
                           "须为整数（不加引号）。请对照随程序提供的 schemas/rules.toml 改正。\n")


def test_the_folder_handling_lives_in_the_standard(tmp_path):
    with pytest.raises(StandardError, match="填报标准文件夹“.*”中缺少文件：rules.toml"):
        standard_at(_schemas(tmp_path, "rules.toml"))
    assert standard_at(None).version == STD.version  # the shipped one
    with pytest.raises(StandardError):
        load_standard(_schemas(tmp_path / "b", "standard.toml", 'later = "end"\n\n[[workbooks.sheets]]\nid = "units"',
                               'later = "ende"\n\n[[workbooks.sheets]]\nid = "units"'))


def test_the_rules_are_typed_with_their_defaults_in_the_records(tmp_path):
    rules = STD.rules
    assert (rules.checks.days_after_round_end, rules.rectification.due_soon_days, rules.rectification.warning_days,
            rules.summary.largest_rounds, rules.explanations.min_length) == (90, 10, 20, 5, 6)
    assert rules.rectification.labels["overdue"] == "逾期未整改（红）"
    # a setting left out takes its default (the same as the shipped file's)
    std = load_standard(_schemas(tmp_path, "rules.toml", "days_after_round_end = 90\n", ""))
    assert std.rules.checks.days_after_round_end == 90


def test_the_declared_facts_come_from_the_files():
    assert STD.round_sheets == ("round_orgs", "workload", "problems", "clues")
    assert (STD.info_labels.county, STD.info_labels.compiler) == ("县名", "编制单位")
    assert STD.sheet("round_info").column("round").min == 1 and STD.sheet("plan").column("round").min == 1
    orders = [(o.earlier, o.later, o.level) for o in STD.sheet("problems").date_orders]
    assert orders == [("found", "rectified_on", "error"), ("found", "deadline", "warning")]
    assert {sid: STD.sheet(sid).period_date for sid in STD.round_sheets} == {
        "round_orgs": "start", "workload": "date", "problems": "found", "clues": "found"}


# ------------------------------------------------------------------ a valid changed value takes effect

def _late_problems(folder: Path) -> None:
    """The valid county, its round (进驻 2020-04-01, 结束 2020-06-30) with problem W1-001 found on
    2020-08-19 (50 days after the end, Excel row 2) and W1-002 on 2020-07-20 (20 days, row 3)."""
    spec = wb.county_spec()
    spec["round"]["problems"][0]["found"] = wb.D(2020, 8, 19)
    spec["round"]["problems"][1]["found"] = wb.D(2020, 7, 20)
    wb.write_county(folder, spec)


@pytest.mark.parametrize("days, late_rows", [(90, []), (50, []), (49, [2]), (30, [2]), (20, [2]), (19, [2, 3])])
def test_days_after_round_end_decides_which_rows_warn(tmp_path, days, late_rows):
    # a row warns when found more than `days` days after 2020-06-30: 50 days late warns from 49 on, 20 from 19 on
    _late_problems(tmp_path / "in")
    folder = _schemas(tmp_path, "rules.toml", "days_after_round_end = 90", f"days_after_round_end = {days}")
    ds = load_dataset(tmp_path / "in", load_standard(folder))
    late = [f for f in ds.findings if f.code == "date-outside-round"]
    assert [(f.sheet, f.row, f.column) for f in late] == [("发现问题", r, "发现日期") for r in late_rows]
    assert ds.findings == late  # nothing else
    assert all(f"及结束后 {days} 天" in f.message for f in late)


def test_the_changed_limit_reaches_the_command(tmp_path, capsys):
    _late_problems(tmp_path / "in")
    folder = _schemas(tmp_path, "rules.toml", "days_after_round_end = 90", "days_after_round_end = 30")
    assert main(["validate", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "o")]) == 0
    assert "警告 0 处" in capsys.readouterr().out
    assert main(["validate", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "o"),
                 "--schemas", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "错误 0 处，警告 1 处" in out
    assert f"[警告] {STD.workbook('round').file}，发现问题，第2行，发现日期：" in out
