"""The standard as data: the schema files load, agree with each other, and are the only source."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipeline.standard import SCHEMA_DIR, StandardError, load_standard
from shipped import STD

ROOT = Path(__file__).resolve().parent.parent


def test_the_standard_holds_every_sheet_of_the_spec():
    std = STD
    names = {wb.id: [s.name for s in wb.sheets] for wb in std.workbooks}
    assert names == {
        "registry": ["届次设置", "巡察对象名册", "基本情况", "巡察计划"],  # 巡察计划: office-loop.md §1
        "round": ["轮次信息", "巡察对象", "工作量", "发现问题", "问题线索"],
        "office": ["专项工作", "队伍建设", "学习培训"],
        "rectification": ["整改进展"],  # the returned 整改进展表: rectification.md §2
        "explanations": ["核实说明"],
        "wording": ["文稿措辞"],  # periods.md §4
    }
    assert std.sheet("problems").header("found") == "发现日期"
    assert std.taxonomy_for_term("十四届").name == "三个聚焦"
    assert "专项巡察" not in std.coverage_round_types
    assert "回头看" not in std.coverage_round_types


def test_only_clue_summary_is_confidential():
    std = STD
    confidential = [(s.id, c.id) for s in std.sheets.values() for c in s.columns if c.confidential]
    assert confidential == [("clues", "summary")]


def test_an_unknown_enumeration_is_refused(tmp_path):
    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, schemas)
    path = schemas / "standard.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('enum = "grade"', 'enum = "nope"'),
                    encoding="utf-8")
    with pytest.raises(StandardError) as refused:
        load_standard(schemas)
    assert refused.value.message.startswith(
        '填报标准有误：standard.toml 中 [[workbooks.sheets.columns]]（round / round_orgs / grade）'
        'enum = "nope"：须为 enums.toml 中的枚举 id 之一（')


def test_no_header_or_enumeration_value_is_hard_coded_in_the_pipeline():
    """Headers and enumeration values live in schemas/ only (messages may quote sheet names)."""
    std = STD
    literals = {c.header for s in std.sheets.values() for c in s.columns}
    literals |= {v for e in std.enums.values() for v in e.values if len(v) > 2}
    literals |= {cat for t in std.taxonomies.values() for cat in t.categories}
    # The explanations sheet (核实说明) names two plain words the outputs also use in their own
    # sense (a 文件 column of the sources table, a 状态 column, "写入文件" in messages).
    literals -= {std.sheet("explanations").header("file"), std.sheet("explanations").header("status")}
    offenders = []
    for path in (ROOT / "pipeline").rglob("*.py"):
        code = path.read_text(encoding="utf-8")
        for text in re.findall(r"[\"']([^\"'\n]+)[\"']", code):
            if text in literals:
                offenders.append(f"{path.name}: {text}")
    assert offenders == []
