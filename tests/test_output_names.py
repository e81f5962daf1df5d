"""The names of the outputs: one catalogue (the end of pipeline/output.py), spelled nowhere else in the code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from pipeline import output

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"
CJK = re.compile(r"[\u4e00-\u9fff]")
MARK = "\x00"  # stands for the variable part of a made name

# Files not yet switched to the catalogue, with the literals they still spell (file: literals).
# Delete an entry once its file names the catalogue: the test fails while an entry is stale.
NOT_YET: dict[str, set[str]] = {
}
# Words that are an output's name and also the name of something else.
OTHER_MEANING = {
    ("workbench/pages.py", "templates"),  # the workbench's own page templates, shipped in the package
    ("workbench/pages.py", "/templates"),  # the address of its 模板 page
    ("workbench/pages.py", "/templates/rectification"),  # the 模板 page's 生成整改进展表 button
    ("workbench/views.py", "charts"),  # a key of the 统计 page's context
}


def _spellings() -> tuple[set[str], set[str]]:
    """(the parts of the names holding Chinese, the plain-ASCII names) of the catalogue."""
    names = [v for k, v in vars(output).items()
             if k.isupper() and not k.startswith("_") and k.endswith(("_NAME", "_FOLDER")) and isinstance(v, str)]
    made = [output.workbook_name(MARK), output.companion_name(MARK), output.crash_log_name(MARK),
            output.document_stem(MARK, "annual", MARK, MARK), output.document_stem(MARK, "monthly", MARK, MARK),
            output.package_name(MARK, MARK), output.rollup_folder(MARK), output.rollup_workbook_name(MARK),
            # the organisation's part (届次 and 轮次 are words every message uses: "第", "轮")
            output.rectification_form_name(MARK, "", ""), output.problem_list_name(MARK, "", "")]
    parts = {part for name in names + made for part in name.split(MARK) if CJK.search(part)}
    return parts, {name for name in names if not CJK.search(name)}


def _strings(tree: ast.AST):
    """The string constants of a module (parts of f-strings too), docstrings left out."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value


def _spelled(parts: set[str], words: set[str]) -> dict[str, set[str]]:
    """{module: literals spelling an output's name} over pipeline/, the catalogue itself left out."""
    found: dict[str, set[str]] = {}
    for path in sorted(PIPELINE.rglob("*.py")):
        rel = path.relative_to(PIPELINE).as_posix()
        if rel == "output.py":
            continue
        for text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            names_one = any(p in text for p in parts) or any(w in text.split("/") for w in words)
            if names_one and (rel, text) not in OTHER_MEANING:
                found.setdefault(rel, set()).add(text)
    return found


def test_the_catalogue_is_what_the_search_looks_for():
    parts, words = _spellings()
    assert {"校验报告.xlsx", "核实说明（工作台）.xlsx", "问题分类.png", "巡察工作统计_", "_明细.xlsx", "上报_", "汇总_",
            "巡察工作汇总_", "年度巡察工作总结（初稿）", "巡察工作月报（", "错误日志-"} <= parts
    assert words == {"metrics.json", "charts", "templates"}


def test_no_module_spells_an_output_name_outside_the_catalogue():
    assert _spelled(*_spellings()) == NOT_YET


def test_the_names_of_the_outputs():
    """The names users and the city rely on (docs: outputs.md, rollup.md)."""
    assert output.CHECK_REPORT_NAME == "校验报告.xlsx"
    assert output.METRICS_NAME == "metrics.json"
    assert (output.CHARTS_FOLDER, output.TEMPLATES_FOLDER) == ("charts", "templates")
    assert (output.PROBLEMS_CHART_NAME, output.COVERAGE_CHART_NAME, output.TREND_CHART_NAME) == (
        "问题分类.png", "全覆盖进度.png", "月度趋势.png")
    assert output.WORKBENCH_EXPLANATIONS_NAME == "核实说明（工作台）.xlsx"
    assert output.period_folder("2020年度") == "2020年度"
    assert output.workbook_name("2020年度") == "巡察工作统计_2020年度.xlsx"
    assert output.companion_name("2020年06月") == "巡察工作统计_2020年06月_明细.xlsx"
    office = "某县委巡察办"
    assert output.document_stem(office, "annual", 2020, "2020年度") == "某县委巡察办2020年度巡察工作总结（初稿）"
    assert output.document_stem(office, "monthly", 2020, "2020年06月") == "某县委巡察办巡察工作月报（2020年06月）"
    assert output.crash_log_name("20210105-093000") == "错误日志-20210105-093000.log"
    assert output.package_name("甲县", "2020年度") == "上报_甲县_2020年度.xlsx"
    assert output.rollup_folder("2020年度") == "汇总_2020年度"
    assert output.rollup_workbook_name("2020年度") == "巡察工作汇总_2020年度.xlsx"
