"""The 文稿措辞 workbook (spec periods.md §4): the drafts' fixed phrases as named entries of the
standard, the form `template` writes, the office's text in every draft, and the three findings.

The county is tests/county.py's; the phrases are the standard's (schemas/wording.toml)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

import county
from pipeline.authoring.blank_forms import write_templates
from pipeline.launch import main
from shipped import STD

FORM = STD.workbook("wording").file  # 文稿措辞.xlsx
SHEET = STD.sheet("wording")
GUIDING = STD.default_wording["guiding_thought"]
NEW_GUIDING = "坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神"


def _form(folder: Path, own: dict[str, str], extra_rows: list[tuple] = ()) -> Path:
    """The form `template` writes, with the office's 本单位措辞 typed in (openpyxl, as Excel saves it)."""
    out = folder / "_templates"
    path = next(p for p in write_templates(out, STD) if p.name == FORM)
    book = openpyxl.load_workbook(path)
    ws = book[SHEET.name]
    header = [c.value for c in ws[1]]
    key_col, own_col = header.index(SHEET.header("key")) + 1, header.index(SHEET.header("custom")) + 1
    for row in range(2, ws.max_row + 1):
        key = ws.cell(row, key_col).value
        if key in own:
            ws.cell(row, own_col, own[key])
    for values in extra_rows:
        ws.append(list(values))
    target = folder / FORM
    book.save(target)
    shutil.rmtree(out)
    return target


def _inputs(tmp_path: Path) -> Path:
    inputs = tmp_path / "inputs"
    county.write_county(inputs)
    return inputs


def _annual(inputs: Path, out: Path) -> int:
    return main(["annual", "--year", "2020", "--inputs", str(inputs), "--outputs", str(out)])


def _draft(out: Path, folder: str = "2020年度") -> str:
    return next((out / folder).glob("*.md")).read_text(encoding="utf-8")


def _findings(path: Path) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)["校验结果"].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:] if r[7]]


def test_the_form_lists_every_phrase_with_its_default(tmp_path):
    form = next(p for p in write_templates(tmp_path, STD) if p.name == FORM)
    rows = list(openpyxl.load_workbook(form)[SHEET.name].iter_rows(values_only=True))
    assert rows[0] == ("编号", "用在哪里", "默认措辞", "本单位措辞")
    assert [r[0] for r in rows[1:]] == [p.key for p in STD.phrases]
    assert all(r[2] == p.default and r[3] is None for r, p in zip(rows[1:], STD.phrases, strict=True))
    assert {"opening", "guiding_thought", "inspection_policy", "plan_lead"} <= {p.key for p in STD.phrases}


def test_without_a_form_the_drafts_use_the_defaults(tmp_path):
    inputs, out = _inputs(tmp_path), tmp_path / "out"
    assert _annual(inputs, out) == 0
    assert f"巡察期间，巡察组{GUIDING}，" in _draft(out)


def test_a_phrase_changed_in_the_form_changes_every_draft(tmp_path, capsys):
    inputs, out = _inputs(tmp_path), tmp_path / "out"
    # typed on two lines (Alt+Enter) and with a trailing comma: one paragraph, no doubled punctuation
    _form(inputs / "措辞", {"guiding_thought": NEW_GUIDING.replace("，", "，\n") + "，",
                          "plan_lead": "巡察办将聚焦主责主业，重点抓好以下几项工作"})
    assert _annual(inputs, out) == 0
    text = _draft(out)
    assert f"巡察期间，巡察组{NEW_GUIDING}，认真贯彻" in text and GUIDING + "，认真贯彻" not in text
    assert "读取工作簿 9 份；错误 0 处，警告 0 处" in capsys.readouterr().out  # not a submission, no finding
    # the half-year summary and the term summary read the same form
    assert main(["report", "--period", "2020H1", "--inputs", str(inputs), "--outputs", str(out)]) == 0
    assert f"巡察期间，巡察组{NEW_GUIDING}，" in _draft(out, "2020年上半年")
    assert main(["report", "--period", "十四届", "--as-of", "2020-12-31", "--inputs", str(inputs),
                 "--outputs", str(out)]) == 0
    assert STD.default_wording["term_closing"] in _draft(out, "十四届（截至2020年12月31日）")  # blank: the default


def test_an_unknown_key_is_a_warning_and_the_row_is_not_used(tmp_path):
    inputs, out = _inputs(tmp_path), tmp_path / "out"
    _form(inputs, {}, extra_rows=[("guiding_thougt", "", "", "写错编号的一行")])  # Excel row 13
    assert _annual(inputs, out) == 0  # a warning does not stop the statistics
    [f] = _findings(out / "2020年度" / "校验报告.xlsx")
    row = 2 + len(STD.phrases)
    assert (f["级别"], f["问题代码"], f["文件"], f["工作表"], f["行"], f["列"], f["值"]) == (
        "警告", "wording-unknown", FORM, "文稿措辞", row, "编号", "guiding_thougt")
    assert "编号“guiding_thougt”不是文稿中的措辞编号" in f["问题说明"]
    assert "写错编号的一行" not in _draft(out)


@pytest.mark.parametrize("text, says", [
    ("坚持以{指导思想}为指导", "有花括号"),
    ("坚持" * 251, "有 502 个字，超过 500 个字的上限"),
])
def test_a_phrase_with_braces_or_too_long_is_an_error(tmp_path, capsys, text, says):
    inputs, out = _inputs(tmp_path), tmp_path / "out"
    _form(inputs, {"guiding_thought": text})
    assert _annual(inputs, out) == 1  # as for any error: only the check report
    assert not (out / "2020年度").exists()
    [f] = _findings(out / "校验报告.xlsx")
    keys = [p.key for p in STD.phrases]
    assert (f["级别"], f["问题代码"], f["文件"], f["行"], f["列"]) == (
        "错误", "wording-invalid", FORM, 2 + keys.index("guiding_thought"), "本单位措辞")
    assert says in f["问题说明"]
    assert "wording-invalid" in capsys.readouterr().out


def test_two_forms_at_once_are_an_error_naming_both(tmp_path):
    inputs, out = _inputs(tmp_path), tmp_path / "out"
    _form(inputs, {"opening": "我们认真贯彻县委部署"})
    _form(inputs / "旧的", {})
    assert _annual(inputs, out) == 1
    found = _findings(out / "校验报告.xlsx")
    assert {(f["问题代码"], f["文件"]) for f in found} == {("wording-duplicate", FORM),
                                                       ("wording-duplicate", f"旧的/{FORM}")}
    assert all(f"{FORM}、旧的/{FORM}" in f["问题说明"] or f"旧的/{FORM}、{FORM}" in f["问题说明"] for f in found)


def test_the_form_round_trips_through_libreoffice(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check a form saved by it")
    typed = _form(tmp_path / "typed", {"guiding_thought": NEW_GUIDING})
    inputs, out = _inputs(tmp_path), tmp_path / "out"
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                           "--outdir", str(inputs / "措辞"), str(typed)], capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert _annual(inputs, out) == 0
    assert f"巡察期间，巡察组{NEW_GUIDING}，" in _draft(out)


@pytest.mark.parametrize("change, says", [
    (('default = "坚持以习近平新时代中国特色社会主义思想为指导"', 'default = "坚持以{指导思想}为指导"'),
     "不能有花括号"),
    (('key = "plan_lead"', 'key = "opening"'), "key “opening”重复了"),
    (("max_chars = 500", "max_chars = 0"), "max_chars"),
])
def test_a_wrong_wording_toml_is_refused_at_load(tmp_path, change, says):
    from pipeline.standard import SCHEMA_DIR, StandardError, load_standard

    schemas = tmp_path / "schemas"
    shutil.copytree(SCHEMA_DIR, schemas)
    path = schemas / "wording.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    with pytest.raises(StandardError) as caught:
        load_standard(schemas)
    assert "wording.toml" in caught.value.message and says in caught.value.message
    assert caught.value.exit_code == 2
