"""Blank standard workbooks (填报模板), derived entirely from ``schemas/``.

``write_templates`` writes one blank workbook per workbook kind of the
standard. The building blocks (``new_workbook``, ``fill_rows``,
``save_workbook``) are reused by the sample generator, so a sample workbook
is a filled template.

Each workbook holds a ``填表说明`` sheet first, then the data sheets (header in
row 1, styled and frozen, one data validation per column carrying the column's
help text as input message), then a hidden sheet feeding the dropdowns.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from openpyxl import Workbook as XlWorkbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..output import atomic_path
from ..periods import MAX_YEAR, MIN_YEAR
from ..render.sheet_conventions import text_width
from ..standard import Column, Sheet, Standard, Taxonomy, Workbook

# Template-only sheets: not part of the standard, ignored by the reader.
INSTRUCTIONS_SHEET = "填表说明"
LISTS_SHEET = "下拉列表"
VERSION_NAME = "XUNCHA_TEMPLATE_VERSION"  # defined name holding the template version
VERSION_PROPERTY = "模板版本"  # custom document property

DATA_ROWS = 1000  # validations and formats cover rows 2..DATA_ROWS
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 8, 40
# Excel's limits; beyond them Excel asks to repair the file.
PROMPT_MAX, TITLE_MAX, ERROR_MAX = 255, 32, 225

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FILL_MUST = PatternFill("solid", fgColor="FCE4D6")  # cell must not be blank
FILL_MAY = PatternFill("solid", fgColor="DDEBF7")  # cell may be blank
HEADER_FONT = Font(bold=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)

TYPE_TEXT = {
    "text": "文字",
    "org": "单位名称（全称，与巡察对象名册一致）",
    "count": "整数（不小于 0，不带单位）",
    "date": "日期（如 2020-06-01）",
    "enum": "从下拉列表选择",
    "year": f"四位年份（{MIN_YEAR}—{MAX_YEAR}）",
}
ERRORS = {
    "enum": "请从下拉列表中选择。",
    "count": "请填写不小于 0 的整数，不要带单位，如 12。",
    "date": "请填写日期，如 2020-06-01。",
    "year": f"请填写 {MIN_YEAR}—{MAX_YEAR} 之间的四位年份，如 2020。",
}
GENERAL_RULES = (
    "每个数据工作表的第 1 行是表头：不要修改或合并表头；列的顺序可以调整，可以在右侧增加自己的列（不参与统计）。",
    "从第 2 行起一行填写一条记录；不要合并单元格，不要用空行分隔。",
    "橙色表头的列必须填写；蓝色表头的列按实际情况填写，可以留空。",
    "日期按“2020-06-01”格式填写；数量只填整数，不要带“人”“件”等单位，没有的填 0 或留空。",
    "带下拉箭头的列请从下拉列表中选择；选中单元格时会显示该列的填写提示。",
)


def display_width(text: object) -> int:
    """Width of ``text`` in Excel character units: a CJK (wide) character counts 2."""
    return text_width(str(text or ""))


def column_width(col: Column) -> float:
    """The template width of a column: its ``width`` if given, else fitted to its text."""
    if col.width:
        return col.width
    wanted = max(display_width(col.header), display_width(col.example),
                 display_width("2020-06-01") if col.type == "date" else 0) + 2
    return max(MIN_WIDTH, min(MAX_WIDTH, wanted))


def required_text(col: Column) -> str:
    """Plain-Chinese 'required or not' for the 填表说明 sheet."""
    if not col.required:
        return "可选列（可删除）"
    return "必填" if col.not_null else "可留空"


def choices(col: Column, std: Standard, taxonomy: Taxonomy | None = None) -> tuple[str, ...]:
    """The dropdown values of an enum column (the taxonomy for 问题类别)."""
    if col.enum == "taxonomy":
        return (taxonomy or std.taxonomies[std.template_taxonomy]).categories
    return std.enum_values(col.enum)


def type_text(col: Column, std: Standard, taxonomy: Taxonomy | None = None) -> str:
    """The column's type explained in plain Chinese, with enum values listed."""
    text = TYPE_TEXT[col.type]
    if col.type != "enum":
        return text
    text += "：" + "、".join(choices(col, std, taxonomy))
    if col.enum == "taxonomy":
        per_term = "；".join(f"{term}用“{name}”" for term, name in std.term_taxonomy.items())
        text += f"（问题分类随届次：{per_term}；其余届次用“{std.default_taxonomy}”）"
    if col.default:
        text += f"；留空按“{col.default}”"
    return text


# ------------------------------------------------------------------ workbook


def new_workbook(spec: Workbook, std: Standard,
                 taxonomy: Taxonomy | None = None) -> XlWorkbook:
    """A blank workbook of kind ``spec``: 填表说明, data sheets, hidden dropdown lists.

    ``taxonomy`` feeds the 问题类别 dropdown (default: the standard's template taxonomy).
    """
    wb = XlWorkbook()
    wb.remove(wb.active)
    _write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET), spec, std, taxonomy)
    lists = DropdownLists(wb)
    for sheet in spec.sheets:
        _write_data_sheet(wb.create_sheet(sheet.name), sheet, std, lists, taxonomy)
    lists.finish(always=spec.template)
    _record_version(wb, spec, std)
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == INSTRUCTIONS_SHEET
    return wb


def _record_version(wb: XlWorkbook, spec: Workbook, std: Standard) -> None:
    """Store the template version in the document properties and a defined name."""
    props = wb.properties
    props.title = spec.name
    props.subject = f"巡察工作填报标准 v{std.version}"
    props.version = std.version
    props.keywords = f"{VERSION_PROPERTY} {std.version}"
    props.creator = "xuncha"
    props.lastModifiedBy = "xuncha"
    wb.custom_doc_props.append(StringProperty(name=VERSION_PROPERTY, value=std.version))
    wb.defined_names[VERSION_NAME] = DefinedName(VERSION_NAME, attr_text=f'"{std.version}"')


class DropdownLists:
    """The hidden sheet holding the dropdown lists, one column per distinct list."""

    def __init__(self, wb: XlWorkbook):
        self.wb = wb
        self.lists: dict[tuple[str, ...], tuple[str, str]] = {}  # values -> (title, ref)

    def ref(self, title: str, values: tuple[str, ...]) -> str:
        """An absolute range reference to ``values`` on the hidden sheet."""
        if values not in self.lists:
            letter = get_column_letter(len(self.lists) + 1)
            self.lists[values] = (title, f"{quote_sheetname(LISTS_SHEET)}!"
                                         f"${letter}$2:${letter}${len(values) + 1}")
        return self.lists[values][1]

    def finish(self, always: bool = False) -> None:
        """Write the lists on a hidden sheet placed after the data sheets; ``always``: also when no
        column has a dropdown (every template then has the sheet: one layout for all)."""
        if not self.lists and not always:
            return
        ws = self.wb.create_sheet(LISTS_SHEET)
        for col, (values, (title, _)) in enumerate(self.lists.items(), start=1):
            ws.cell(1, col, title)
            for row, value in enumerate(values, start=2):
                ws.cell(row, col, value)
            width = max(display_width(v) for v in (title, *values)) + 2
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.sheet_state = "hidden"


def _write_data_sheet(ws: Worksheet, sheet: Sheet, std: Standard, lists: DropdownLists,
                      taxonomy: Taxonomy | None) -> None:
    """Header row, widths, column formats, frozen panes and validations of a data sheet."""
    for idx, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(1, idx, col.header)
        cell.font, cell.alignment, cell.border = HEADER_FONT, HEADER_ALIGN, BORDER
        cell.fill = FILL_MUST if col.not_null else FILL_MAY
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = column_width(col)
        if col.type == "date":
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        ws.add_data_validation(validation(col, f"{letter}2:{letter}{DATA_ROWS}", std, lists,
                                           taxonomy))
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    print_landscape(ws)


def validation(col: Column, sqref: str, std: Standard, lists: DropdownLists,
                taxonomy: Taxonomy | None) -> DataValidation:
    """The data validation of one column: rule by type, help text as input message."""
    dv = _rule(col, std, lists, taxonomy)
    dv.allow_blank = True
    dv.showInputMessage = True
    dv.promptTitle = col.header[:TITLE_MAX]
    dv.prompt = _clip(col.help or TYPE_TEXT[col.type], PROMPT_MAX)
    if dv.type:
        dv.showErrorMessage = True
        dv.errorTitle = f"{col.header}填写有误"[:TITLE_MAX]
        dv.error = _clip(ERRORS[col.type] + (col.help and f"（{col.help}）"), ERROR_MAX)
    dv.add(sqref)
    return dv


def _rule(col: Column, std: Standard, lists: DropdownLists, taxonomy: Taxonomy | None) -> DataValidation:
    """The validation rule for the column's type (no rule for text: only the message)."""
    if col.type == "enum":
        if col.enum == "taxonomy":
            title = f"{col.header}（{(taxonomy or std.taxonomies[std.template_taxonomy]).name}）"
        else:
            title = std.enums[col.enum].name
        dv = DataValidation(type="list", formula1=lists.ref(title, choices(col, std, taxonomy)))
        # Other terms use other taxonomies: warn, do not block.
        dv.errorStyle = "warning" if col.enum == "taxonomy" else "stop"
        return dv
    if col.type == "count":
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
    if col.type == "year":
        return DataValidation(type="whole", operator="between",
                              formula1=str(MIN_YEAR), formula2=str(MAX_YEAR))
    if col.type == "date":
        low = int(to_excel(dt.datetime(MIN_YEAR, 1, 1)))
        high = int(to_excel(dt.datetime(MAX_YEAR, 12, 31)))
        return DataValidation(type="date", operator="between", formula1=str(low),
                              formula2=str(high))
    return DataValidation()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------ 填表说明


def _write_instructions(ws: Worksheet, spec: Workbook, std: Standard,
                        taxonomy: Taxonomy | None) -> None:
    """The 填表说明 sheet: purpose, version, rules, and every sheet's columns with an example."""
    ws.append([f"{spec.name} 填表说明"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"用途：{spec.purpose}"])
    ws.append([f"模板版本：{std.version}（巡察工作填报标准 v{std.version}）"])
    ws.append(["填写要求："])
    ws["A4"].font = HEADER_FONT
    for no, rule in enumerate(GENERAL_RULES, start=1):
        ws.append([f"{no}. {rule}"])
    for sheet in spec.sheets:
        ws.append([])
        _sheet_instructions(ws, sheet, std, taxonomy)
    for letter, width in zip("ABCDE", (24, 16, 40, 60, 28)):
        ws.column_dimensions[letter].width = width
    for idx in range(6, 6 + max(len(s.columns) for s in spec.sheets)):
        ws.column_dimensions[get_column_letter(idx)].width = 16
    print_landscape(ws)


def print_landscape(ws: Worksheet) -> None:
    """A4 landscape, fitted to the page width."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _sheet_instructions(ws: Worksheet, sheet: Sheet, std: Standard,
                        taxonomy: Taxonomy | None) -> None:
    """One sheet's block: purpose, a column table, and an example row."""
    need = "必须有" if sheet.required else "可选，不用可删除"
    ws.append([f"工作表“{sheet.name}”（{need}）：{sheet.purpose}"])
    ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
    _styled_row(ws, ["列名（表头）", "是否必填", "填写内容", "填写说明", "示例"])
    for col in sheet.columns:
        ws.append([col.header, required_text(col), type_text(col, std, taxonomy),
                   col.help + ("（涉密，不会出现在统计结果中）" if col.confidential else ""),
                   col.example])
        for cell in ws[ws.max_row]:
            cell.alignment, cell.border = WRAP, BORDER
    ws.append([f"示例行（“{sheet.name}”中的一行）："])
    _styled_row(ws, [c.header for c in sheet.columns])
    ws.append([c.example for c in sheet.columns])
    for cell in ws[ws.max_row]:
        cell.alignment, cell.border = WRAP, BORDER


def _styled_row(ws: Worksheet, values: list[str]) -> None:
    ws.append(values)
    for cell in ws[ws.max_row]:
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, FILL_MAY, BORDER, WRAP


# ------------------------------------------------------------------ rows and saving


def fill_rows(ws: Worksheet, sheet: Sheet, rows: list[dict]) -> None:
    """Write ``rows`` (dicts keyed by column id) under the header, in the standard's order."""
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(sheet.columns, start=1):
            value = row.get(col.id)
            if value is None or value == "":
                continue
            cell = ws.cell(r, c, value)
            if col.type == "date":
                cell.number_format = DATE_FORMAT


class _StampedZip(zipfile.ZipFile):
    """A zip file whose members all carry one fixed timestamp (reproducible bytes)."""

    stamp = (1980, 1, 1, 0, 0, 0)

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):  # noqa: D102 - zipfile API
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):  # noqa: D102 - zipfile API
        # openpyxl writes worksheets from temporary files, which carry their own mtime.
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def save_workbook(wb: XlWorkbook, target: Path, stamp: dt.datetime | None = None) -> Path:
    """Save atomically. With ``stamp`` the file's bytes depend only on its content."""
    when = stamp or dt.datetime.now().replace(microsecond=0)
    wb.properties.created = wb.properties.modified = when
    with atomic_path(target) as tmp:
        archive = _StampedZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        archive.stamp = when.timetuple()[:6] if stamp else archive.stamp
        ExcelWriter(wb, archive).save()
    return Path(target)


# Template rows of a kind whose form is not blank: the 文稿措辞 workbook lists every phrase of the
# standard (编号, 用在哪里, 默认措辞) for the office to fill 本单位措辞 (periods.md §4).
WORDING = "wording"


def prefilled_rows(spec: Workbook, std: Standard) -> dict[str, list[dict]]:
    """Rows written into a template, by sheet id (none but the 文稿措辞 workbook's)."""
    if spec.id != WORDING:
        return {}
    return {WORDING: [{"key": p.key, "where": p.where, "default": p.default} for p in std.phrases]}


def _template(spec: Workbook, std: Standard) -> XlWorkbook:
    wb = new_workbook(spec, std)
    for sheet_id, rows in prefilled_rows(spec, std).items():
        sheet = spec.sheet(sheet_id)
        fill_rows(wb[sheet.name], sheet, rows)
        for row in wb[sheet.name].iter_rows(min_row=2, max_row=len(rows) + 1):
            for cell in row:
                cell.alignment = WRAP
    return wb


def write_templates(out_dir: Path, std: Standard) -> list[Path]:
    """Write the blank workbook of every kind of the standard that has one into ``out_dir``
    (the 文稿措辞 workbook with its phrases listed)."""
    return [save_workbook(_template(spec, std), Path(out_dir) / spec.file)
            for spec in std.template_workbooks]
