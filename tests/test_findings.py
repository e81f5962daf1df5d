"""The findings catalogue: every code has a level and templates that render; findings are made from it."""

from __future__ import annotations

import pytest

import wb
from pipeline.findings import _ENTRIES, CATALOGUE, ERROR, LOCATION, WARNING, Finding, Level, finding
from pipeline.launch import main
from shipped import STD


def test_every_code_once_with_a_level_a_template_and_a_meaning():
    assert len(CATALOGUE) == len(_ENTRIES)  # no code listed twice
    for code, entry in CATALOGUE.items():
        assert entry.code == code
        assert isinstance(entry.level, Level)
        assert entry.meaning.strip()
        assert entry.templates and all(t.strip() for t in entry.templates.values())


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_template_renders_with_its_placeholders(code):
    """Each template (each variant) fills from the location fields and its named parameters, nothing else."""
    entry = CATALOGUE[code]
    for variant in entry.templates:
        params = {name: f"<{name}>" for name in entry.placeholders(variant) if name not in LOCATION}
        f = finding(code, file="f.xlsx", sheet="表", row=3, column="列", value="值", variant=variant, **params)
        assert f.code == code and f.level is entry.level
        assert "{" not in f.message and "}" not in f.message
        for name in params:
            assert f"<{name}>" in f.message


def test_a_message_is_the_template_filled_in():
    f = finding("column-missing", file="a.xlsx", sheet="工作量", row=3, column="届次")
    text = "缺少必需的列“届次”（在第 3 行的表头中找不到）。请按模板补上该列，列名须一致。"
    assert f == Finding(ERROR, "column-missing", text, "a.xlsx", "工作量", 3, "届次", "")
    f = finding("file-unreadable", file="b.xlsx", variant="empty")
    assert f.message == "文件是空的（0 字节）。请向填报人重新索取该工作簿。"
    assert finding("count-negative", value="-1").message == "“-1”是负数。请填写大于等于 0 的整数。"


def test_the_level_comes_from_the_catalogue_and_varies_only_where_documented():
    assert finding("column-unknown", value="x").level is WARNING
    assert finding("count-invalid", value="x").is_error
    assert CATALOGUE["date-order"].level_varies
    params = {"earlier": "发现日期", "earlier_value": "2020-05-01"}
    assert finding("date-order", column="移送日期", value="2020-04-01", **params).level is ERROR
    warned = finding("date-order", column="移送日期", value="2020-04-01", level=WARNING, **params)
    assert not warned.is_error
    with pytest.raises(ValueError):
        finding("count-invalid", value="x", level=WARNING)
    with pytest.raises(KeyError):
        finding("no-such-code")


def test_level_is_data_with_the_chinese_text_as_value():
    assert (ERROR.value, WARNING.value) == ("错误", "警告")
    assert Finding("警告", "c", "m").level is WARNING  # the display text is accepted and becomes the level


def test_a_workbook_kind_without_its_own_code_uses_the_generic_one():
    from pipeline.check.cross import _kind_code

    assert _kind_code("registry", "missing") == "registry-missing"
    assert _kind_code("office", "duplicate") == "workbook-duplicate"


def test_the_console_line_ends_with_the_code(tmp_path, capsys):
    spec = wb.county_spec()
    spec["round"]["workload"][0]["talks"] = "12人"  # error, 工作量 row 2
    spec["round"]["problems"][0]["found"] = wb.D(2020, 3, 1)  # warning, 发现问题 row 2
    wb.write_county(tmp_path / "in", spec)
    assert main(["validate", "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "o")]) == 1
    out = capsys.readouterr().out
    rnd, talks = STD.workbook("round").file, STD.sheet("workload").header("talks")
    assert (f"  [错误] {rnd}，工作量，第2行，{talks}：“12人”不是数字。"
            "请只填写整数，如 12，不要带单位或文字（如“人”“约”）。（问题代码 count-invalid）\n") in out
    found = STD.sheet("problems").header("found")
    assert f"  [警告] {rnd}，发现问题，第2行，{found}：日期不在本巡察组的巡察期间" in out
    assert "内，请核对。（问题代码 date-outside-round）\n" in out


def test_the_one_order_of_findings():
    """Every face lists findings in one order (pipeline.findings.sort_findings): by file; by sheet in
    the standard's order (工作量 before 发现问题, though 发 sorts before 工 by name), then other sheets
    by name, the whole file's findings after the standard's sheets; by row, a whole sheet's first;
    on a row errors, then open warnings, then explained ones; then column and code."""
    from pipeline.explanations import explanation_key, in_order
    from pipeline.findings import sort_findings

    def f(level, file, sheet, row, column, code):
        return Finding(level, code, "说明", file, sheet, row, column)

    explained = f(WARNING, "a.xlsx", "工作量", 3, "列甲", "a-warn")
    findings = [
        f(WARNING, "b.xlsx", "工作量", 2, "列甲", "c-warn"),
        f(WARNING, "a.xlsx", "上报信息", 2, "内容", "d-warn"),
        f(ERROR, "a.xlsx", "", None, "", "e-error"),
        f(WARNING, "a.xlsx", "发现问题", 1, "列甲", "f-warn"),
        explained,
        f(WARNING, "a.xlsx", "工作量", 3, "列甲", "b-warn"),
        f(ERROR, "a.xlsx", "工作量", 3, "列乙", "z-error"),
        f(ERROR, "a.xlsx", "工作量", 2, "列甲", "y-error"),
        f(ERROR, "a.xlsx", "工作量", 2, "列甲", "x-error"),
        f(ERROR, "b.xlsx", "工作量", None, "", "g-error"),
        f(WARNING, "", "", None, "", "h-warn"),
    ]
    expected = [
        ("", "", None, "", "h-warn"),  # not about one file: first
        ("a.xlsx", "工作量", 2, "列甲", "x-error"),  # same place: by code
        ("a.xlsx", "工作量", 2, "列甲", "y-error"),
        ("a.xlsx", "工作量", 3, "列乙", "z-error"),  # on row 3: the error first, whatever its column
        ("a.xlsx", "工作量", 3, "列甲", "b-warn"),  # then the open warning
        ("a.xlsx", "工作量", 3, "列甲", "a-warn"),  # then the explained one, whatever its code
        ("a.xlsx", "发现问题", 1, "列甲", "f-warn"),  # the standard's order of sheets, not the names'
        ("a.xlsx", "", None, "", "e-error"),  # the whole file: after the standard's sheets ...
        ("a.xlsx", "上报信息", 2, "内容", "d-warn"),  # ... and before other sheets, by name
        ("b.xlsx", "工作量", None, "", "g-error"),  # the whole sheet before its rows
        ("b.xlsx", "工作量", 2, "列甲", "c-warn"),
    ]
    place = lambda g: (g.file, g.sheet, g.row, g.column, g.code)  # noqa: E731
    assert [place(g) for g in sort_findings(findings, STD, {explained})] == expected
    assert in_order(findings, {explanation_key(explained): "已核实"}, STD) == sort_findings(findings, STD, {explained})
