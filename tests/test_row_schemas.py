"""The row checks as pandera schemas built from the standard: validated once per sheet kind over
every file's rows, a rule that raises is an internal error naming it, pandera stays in check/, and
the schemas written as YAML load back in pandera and find the same failures."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.io.pandas_io import from_yaml

import wb
from pipeline.check import rows
from pipeline.check.rows import RuleError, failures, typed_view
from pipeline.check.schema_export import write_schema_yaml
from pipeline.check.schemas import registered, schemas
from pipeline.engine import load_dataset
from pipeline.errors import EXIT_INTERNAL
from pipeline.launch import main
from shipped import STD

ROOT = Path(__file__).resolve().parent.parent
D = pd.Timestamp


def test_each_sheet_kind_is_validated_once_over_all_its_files(tmp_path, monkeypatch):
    spec = wb.county_spec()
    wb.write_county(tmp_path, spec)
    for n in (6, 7):  # two more round workbooks: three files of each round sheet kind
        info = [dict(spec["round"]["round_info"][0], round=n)]
        wb.round_wb(tmp_path / f"第{n}轮.xlsx", info=info)
    calls = []
    real = pa.DataFrameSchema.validate

    def spy(schema, frame, *args, **kwargs):
        calls.append((schema.name, frame["problem_id"].size if schema.name == "problems" else None))
        return real(schema, frame, *args, **kwargs)

    monkeypatch.setattr(pa.DataFrameSchema, "validate", spy)
    ds = load_dataset(tmp_path, STD)
    names = [name for name, _ in calls]
    assert sorted(names) == sorted(set(names))  # once per sheet kind
    assert ("problems", 3 * len(spec["round"]["problems"])) in calls  # the rows of all three files at once
    assert len([f for f in ds.findings if f.code == "date-order"]) == 0


@pytest.mark.parametrize("where", ["row", "column"])
def test_a_rule_that_raises_is_an_internal_error_naming_it(valid_inputs, tmp_path, monkeypatch, where):
    real = schemas(STD)
    problems = real["problems"]
    if where == "row":  # a date order naming a column the frame does not have: the check raises KeyError
        broken = pa.DataFrameSchema(problems.columns, name="problems",
                                    checks=[*problems.checks, registered("date-order", earlier="found",
                                                                         later="没有这列", level="error")])
        said = "工作表“发现问题”（problems）规则“date-order”无法运行"
    else:
        bad_check = pa.Check(lambda s: s.str.no_such_method(), name="enum-invalid")
        broken = problems.update_column("status", checks=[bad_check])
        said = "工作表“发现问题”（problems）“status”列的规则“enum-invalid”无法运行"
    monkeypatch.setattr(rows, "schemas", lambda std: {**real, "problems": broken})
    with pytest.raises(RuleError) as caught:
        load_dataset(valid_inputs, STD)
    assert said in str(caught.value)
    assert main(["validate", "--inputs", str(valid_inputs), "--outputs", str(tmp_path / "o")]) == EXIT_INTERNAL


def test_pandera_is_imported_only_where_the_checks_run():
    code = ("import sys, pipeline.launch, pipeline.cli, pipeline.engine.start, pipeline.standard, pipeline.read.load, "
            "pipeline.stats.aggregate, pipeline.render.workbook; print('pandera' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr
    importers = sorted(str(p.relative_to(ROOT / "pipeline")) for p in (ROOT / "pipeline").rglob("*.py")
                       if "import pandera" in p.read_text(encoding="utf-8")
                       or "from pandera" in p.read_text(encoding="utf-8"))
    assert importers == ["check/rows.py", "check/schemas.py"]


# ------------------------------------------------------------------ the schemas as YAML

def _problems_frame() -> pd.DataFrame:
    """Four typed 发现问题 rows: 0 clean; 1 整改状态 not an option; 2 整改完成日期 before 发现日期;
    3 已整改 without 整改完成日期 and 整改时限 before 发现日期 (a warning)."""
    rows_ = [("W1", "已整改", D(2020, 5, 1), D(2020, 6, 1), None),
             ("W2", "改好了", D(2020, 5, 1), None, None),
             ("W3", "已整改", D(2020, 5, 1), D(2020, 4, 1), None),
             ("W4", "已整改", D(2020, 5, 1), None, D(2020, 4, 30))]
    frame = pd.DataFrame({c.id: pd.Series([None] * len(rows_), dtype=object) for c in STD.sheet("problems").columns})
    frame["problem_id"] = [r[0] for r in rows_]
    frame["group"], frame["org"], frame["category"] = "第一巡察组", "县交通运输局", "巡察整改落实"
    frame["status"] = [r[1] for r in rows_]
    for i, cid in ((2, "found"), (3, "rectified_on"), (4, "deadline")):
        frame[cid] = pd.Series([r[i] for r in rows_], dtype="datetime64[ns]")
    return frame


def test_the_schemas_written_as_yaml_load_back_and_find_the_same_failures(tmp_path):
    paths = write_schema_yaml(STD, tmp_path / "schema")
    assert [p.name for p in paths] == [f"{sid}.yaml" for sid in STD.sheets]
    text = (tmp_path / "schema" / "problems.yaml").read_text(encoding="utf-8")
    assert "title: 发现问题" in text and "check_name: date-order" in text and "name: enum-invalid" in text
    sheet = STD.sheet("problems")
    frame = _problems_frame()
    view = typed_view(frame, frame.isna(), sheet)
    loaded = from_yaml(tmp_path / "schema" / "problems.yaml")
    found = [(rule.code, rule.column, index, rule.level) for rule, index in failures(loaded, view, sheet)]
    assert found == [(rule.code, rule.column, index, rule.level)
                     for rule, index in failures(schemas(STD)["problems"], view, sheet)]
    # worked out by hand: by column (整改状态), then the row checks in the standard's order
    assert [f[:3] for f in found] == [("enum-invalid", "status", 1), ("date-order", "rectified_on", 2),
                                      ("date-order", "deadline", 3), ("rectified-date-missing", "rectified_on", 3)]
    assert found[2][3].name == "WARNING"
    for path in paths:  # every sheet's file loads back as the schema the checks run (compared as YAML:
        # pandera's == also compares a check's function object, which its first run replaces)
        assert from_yaml(path).to_yaml() == schemas(STD)[path.stem].to_yaml()


def test_the_yaml_loads_in_a_fresh_process_once_the_checks_are_registered(tmp_path):
    write_schema_yaml(STD, tmp_path)
    code = ("import sys, pipeline.check.schemas; from pandera.io.pandas_io import from_yaml; "
            "s = from_yaml(sys.argv[1]); print(s.title, [c.name for c in s.checks])")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "round_info.yaml")], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "轮次信息 ['date-order', 'date-order', 'date-order', 'date-order']"


def test_a_blank_required_count_is_reported_blank_not_zero():
    sheet = STD.sheet("round_info")
    frame = pd.DataFrame({c.id: pd.Series([None], dtype=object) for c in sheet.columns})
    frame["round"] = pd.Series([0], dtype="int64")  # a blank 轮次 reads as 0 in the typed frame
    for c in sheet.columns:
        if c.type == "date":
            frame[c.id] = pd.Series([dt.datetime(2020, 4, 1)], dtype="datetime64[ns]")
    blank = frame.isna().assign(round=True)
    codes = [(rule.code, rule.column) for rule, _ in failures(schemas(STD)["round_info"],
                                                              typed_view(frame, blank, sheet), sheet)]
    assert ("required-blank", "round") in codes and ("value-too-small", "round") not in codes


def test_the_schema_command_writes_yaml_that_pandera_loads(tmp_path):
    """`xuncha schema --out DIR` end to end: one YAML per sheet, each loadable by pandera."""
    import pandera.pandas as pa

    import pipeline.check.schemas  # noqa: F401 - registers the custom checks the YAML names
    from pipeline.launch import main

    assert main(["schema", "--out", str(tmp_path / "规则")]) == 0
    names = sorted(p.name for p in (tmp_path / "规则").glob("*.yaml"))
    assert names == sorted(f"{sid}.yaml" for sid in STD.sheets)
    problems = pa.DataFrameSchema.from_yaml(tmp_path / "规则" / "problems.yaml")
    assert "date-order" in problems.to_yaml() and set(problems.columns) == {c.id for c in STD.sheet("problems").columns}
