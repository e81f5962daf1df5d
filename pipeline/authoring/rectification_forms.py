"""The forms sent to each inspected organisation after feedback (spec rectification.md §1).

For each organisation and round with a problem not yet 已整改 (the latest word as of the day):
a 整改进展表 workbook of the standard's kind ``rectification`` (sheet 填表说明, then the sheet
整改进展 with one row per problem of that organisation in that round, its pre-filled cells
locked by sheet protection without a password, the cells to fill unlocked, a dropdown for
整改状态 fed from a hidden sheet) and a 巡察反馈问题清单 Word document (GB/T 9704) of the same
problems. Only the organisation's own problems: the rows come from the 发现问题 sheets alone
(``Frames`` has dropped every clue text already), filtered to that organisation and round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook as XlWorkbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import UsageError
from ..output import problem_list_name, rectification_form_name
from ..periods import cn_date
from ..render.docx_layout import ADDRESSEE, BODY, HEADING1, SIGNATURE, SUBTITLE, TITLE, Block, write_docx
from ..render.summary import cn_number
from ..standard import Sheet, Standard
from ..stats.returns import problems_at
from ..stats.selection import Frames, group_sort_key, stamp, to_date
from .blank_forms import (
    BORDER,
    DATE_FORMAT,
    FILL_MAY,
    FILL_MUST,
    HEADER_ALIGN,
    HEADER_FONT,
    WRAP,
    DropdownLists,
    column_width,
    print_landscape,
    save_workbook,
    validation,
)

INSTRUCTIONS_SHEET = "填表说明"
HEADER_ROW = 3  # rows 1-2: who the form is for and its earliest deadline
ROW_HEIGHT = 45  # points: room for three lines of measures and evidence in each problem's row
FILL_LOCKED = PatternFill("solid", fgColor="E7E6E6")  # pre-filled by the office, locked
UNLOCKED = Protection(locked=False)
PROBLEM_COLUMNS = ("term", "round", "org", "problem_id", "category", "summary", "deadline")


@dataclass
class Form:
    """One organisation in one round: its problems, as the form and the problem list show them."""

    term: str
    round: int
    org: str
    rows: list[dict]  # one per problem: the pre-filled columns' ids -> values
    open: int  # problems not yet 已整改 as of the day
    earliest: dt.date | None  # the earliest 整改时限 among them
    groups: list[str] = field(default_factory=list)  # 巡察组 that found them
    start: dt.date | None = None  # the groups' earliest 进驻日期
    end: dt.date | None = None  # their latest 结束日期
    feedback: dt.date | None = None  # their latest 反馈日期
    type: str = ""  # 巡察类型 of the first group


def _open(probs: pd.DataFrame, std: Standard, as_of: dt.date) -> pd.Series:
    return ~((probs["status"] == std.rectified_status) & (probs["rectified_on"] <= stamp(as_of)))


def forms_due(frames: Frames, as_of: dt.date, term: str | None = None, rnd: int | None = None,
              org: str | None = None) -> list[Form]:
    """Every (organisation, round) with a problem not 已整改 as of ``as_of`` (the latest word),
    narrowed to ``term``/``rnd``/``org`` when given; in 届次, 轮次, registry order."""
    std = frames.std
    probs = problems_at(frames, as_of)
    probs = probs[probs["term"].notna() & probs["org"].notna() & (probs["found"] <= stamp(as_of))]
    if term:
        probs = probs[probs["term"] == term]
    if rnd:
        probs = probs[probs["round"] == int(rnd)]
    if org:
        probs = probs[probs["org"] == org]
    probs = probs.assign(_open=_open(probs, std, as_of))
    out = []
    for (t, r, o), part in probs.groupby(["term", "round", "org"], sort=False):
        if part["_open"].any():
            out.append(_form(frames, t, int(r), o, part))
    terms, orgs = frames.term_order, frames.registry_order
    return sorted(out, key=lambda f: (terms.get(f.term, len(terms)), f.term, f.round, orgs.get(f.org, len(orgs)),
                                      f.org))


def _form(frames: Frames, term: str, rnd: int, org: str, part: pd.DataFrame) -> Form:
    part = part.assign(_g=part["group"].map(group_sort_key)).sort_values(["_g", "source_file", "source_row"])
    rows = [{"term": term, "round": rnd, "org": org, "problem_id": str(p.problem_id), "category": p.category,
             "summary": p.summary, "deadline": to_date(p.deadline)} for p in part.itertuples(index=False)]
    deadlines = part.loc[part["_open"], "deadline"].dropna()
    info = frames.round_info
    info = info[(info["term"] == term) & (info["round"] == rnd) & info["group"].isin(set(part["group"]))]
    info = info.assign(_g=info["group"].map(group_sort_key)).sort_values("_g")
    return Form(term, rnd, org, rows, int(part["_open"].sum()),
                to_date(deadlines.min()) if len(deadlines) else None,
                groups=list(dict.fromkeys(info["group"])), start=to_date(info["start"].min()),
                end=None if info["end"].isna().any() else to_date(info["end"].max()),
                feedback=to_date(info["feedback"].max()), type=info["type"].iloc[0] if len(info) else "")


def unknown_org(frames: Frames, org: str) -> UsageError:
    """The error for ``--org`` naming no organisation with problems."""
    known = sorted(set(frames.problems["org"].dropna()), key=lambda o: frames.registry_order.get(o, 10**6))
    return UsageError(f"没有找到被巡察党组织“{org}”的巡察反馈问题。请填写巡察对象名册中的单位全称"
                      f"（发现问题表中有问题的单位：{'、'.join(known[:20])}{'等' if len(known) > 20 else ''}）。")


# ------------------------------------------------------------------ the workbook


def _title(form: Form, std: Standard) -> str:
    return f"{form.org}巡察反馈问题{std.workbook('rectification').name}（{form.term}第{form.round}轮巡察）"


def _note(form: Form, std: Standard) -> str:
    sheet = std.sheet("progress")
    deadline = (f"尚未完成整改的 {form.open} 个问题中，最早的{sheet.header('deadline')}为{cn_date(form.earliest)}，"
                if form.earliest else f"尚未完成整改的问题 {form.open} 个，")
    return (f"被巡察党组织：{form.org}。{deadline}请在整改时限前逐项填写白色各列（每行都要填"
            f"{sheet.header('filed_on')}），连同佐证材料报送巡察办。灰色各列已锁定，请勿改动。")


def _header(ws: Worksheet, sheet: Sheet) -> None:
    for idx, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(HEADER_ROW, idx, col.header)
        cell.font, cell.alignment, cell.border = HEADER_FONT, HEADER_ALIGN, BORDER
        cell.fill = FILL_LOCKED if col.prefilled else FILL_MUST if col.not_null else FILL_MAY
        ws.column_dimensions[get_column_letter(idx)].width = column_width(col)
    ws.row_dimensions[HEADER_ROW].height = 32


def _rows(ws: Worksheet, sheet: Sheet, form: Form, filled: dict[str, dict]) -> None:
    for r, row in enumerate(form.rows, start=HEADER_ROW + 1):
        ws.row_dimensions[r].height = ROW_HEIGHT
        answers = filled.get(row["problem_id"], {})
        for c, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(r, c, row.get(col.id) if col.prefilled else answers.get(col.id))
            cell.border, cell.alignment = BORDER, WRAP
            if col.prefilled:
                cell.fill = FILL_LOCKED
            else:
                cell.protection = UNLOCKED
            if col.type == "date" or isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT


def _validations(ws: Worksheet, sheet: Sheet, std: Standard, lists: DropdownLists, last_row: int) -> None:
    """Input messages and rules on the cells to fill (the 整改状态 list from the hidden sheet)."""
    for idx, col in enumerate(sheet.columns, start=1):
        if col.prefilled:
            continue
        letter = get_column_letter(idx)
        ws.add_data_validation(validation(col, f"{letter}{HEADER_ROW + 1}:{letter}{last_row}", std, lists, None))


def _progress_sheet(ws: Worksheet, form: Form, std: Standard, lists: DropdownLists,
                    filled: dict[str, dict]) -> None:
    sheet = std.sheet("progress")
    last = get_column_letter(len(sheet.columns))
    ws["A1"] = _title(form, std)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = _note(form, std)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 36
    _header(ws, sheet)
    _rows(ws, sheet, form, filled)
    _validations(ws, sheet, std, lists, HEADER_ROW + len(form.rows))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    print_landscape(ws)
    # Sheet protection without a password: the pre-filled cells are not changed by accident;
    # columns and rows may still be resized.
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False


def _instructions(ws: Worksheet, form: Form, std: Standard) -> None:
    spec, sheet = std.workbook("rectification"), std.sheet("progress")
    prefilled = "、".join(c.header for c in sheet.columns if c.prefilled)
    lines = [
        f"{spec.name} 填表说明",
        f"用途：{spec.purpose}",
        f"本表列出{form.org}在{form.term}第{form.round}轮巡察中被反馈的全部 {len(form.rows)} 个问题"
        f"（已经整改完成的也列出，请一并确认）。",
        "填写要求：",
        f"1. 灰色各列（{prefilled}）由巡察办预先填好，工作表已保护（没有密码），请勿改动；如有出入，请与巡察办联系。",
        f"2. 在“{sheet.name}”表中逐个问题填写白色各列；{sheet.header('status')}从下拉列表选择。",
        f"3. 已整改的，必须填写{sheet.header('rectified_on')}和{sheet.header('evidence')}（材料另行报送）；"
        f"整改中、已整改的，必须写明{sheet.header('measures')}；尚未完成的，写明{sheet.header('reason')}。",
        f"4. 填写了的每一行都要填写{sheet.header('filed_on')}。以后再次报送时，在本表上更新各列并改填新的"
        f"{sheet.header('filed_on')}后整表交回；巡察办以{sheet.header('filed_on')}最新的一次为准。",
        "5. 某个问题本次不报送的，该行白色各列全部留空即可。",
        "6. 文件名可以改，但不要改动工作表名称和表头。",
        "",
        "各列填写说明：",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    header = ws.max_row + 1
    ws.append(["列名（表头）", "由谁填写", "填写说明", "示例"])
    for cell in ws[header]:
        cell.font, cell.fill, cell.border, cell.alignment = HEADER_FONT, FILL_MAY, BORDER, WRAP
    for col in sheet.columns:
        ws.append([col.header, "巡察办（已填）" if col.prefilled else sheet.header("org"), col.help, col.example])
        for cell in ws[ws.max_row]:
            cell.alignment, cell.border = WRAP, BORDER
    for letter, width in zip("ABCD", (16, 16, 60, 40)):
        ws.column_dimensions[letter].width = width
    print_landscape(ws)


def write_form(form: Form, std: Standard, target: Path, stamp_: dt.datetime | None = None,
               filled: dict[str, dict] | None = None) -> Path:
    """The 整改进展表 of one organisation and round, saved atomically at ``target``. ``filled``:
    problem id -> {column id: value} of the cells to fill (the sample's returned forms)."""
    wb = XlWorkbook()
    wb.remove(wb.active)
    _instructions(wb.create_sheet(INSTRUCTIONS_SHEET), form, std)
    lists = DropdownLists(wb)
    _progress_sheet(wb.create_sheet(std.sheet("progress").name), form, std, lists, filled or {})
    lists.finish()
    wb.properties.title = std.workbook("rectification").name
    wb.properties.subject = _title(form, std)
    wb.properties.creator = wb.properties.lastModifiedBy = "xuncha"
    wb.active = 1  # opens on the sheet to fill
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == std.sheet("progress").name
    return save_workbook(wb, target, stamp_)


# ------------------------------------------------------------------ the problem list


def _visit(form: Form) -> str:
    """``第一巡察组于2020年4月7日至7月3日对你单位开展了常规巡察，并于2020年8月7日反馈了巡察意见``."""
    if not form.groups or not form.start:
        return ""
    when = f"于{cn_date(form.start)}至{cn_date(form.end)}" if form.end else f"自{cn_date(form.start)}起"
    text = f"{'、'.join(form.groups)}{when}对你单位开展了{form.type or '巡察'}"
    return text + (f"，并于{cn_date(form.feedback)}反馈了巡察意见" if form.feedback else "")


def problem_list_blocks(form: Form, std: Standard, county: str, compiler: str, today: dt.date) -> list[Block]:
    """The problem list: title, addressee, a paragraph, the problems numbered under their
    categories (问题摘要, 问题编号, 整改时限), the form as attachment, the signature."""
    sheet = std.sheet("progress")
    visit = _visit(form)
    intro = (f"根据{county}委巡察工作统一部署，{form.term}第{cn_number(form.round)}轮巡察中，"
             f"{visit + '。' if visit else ''}现将巡察反馈的问题清单（共{len(form.rows)}个问题，"
             f"其中尚未完成整改的{form.open}个）印发给你单位。请对照清单逐项抓好整改，在整改时限前填写"
             f"所附{std.workbook('rectification').name}，连同佐证材料报送巡察办；尚未完成整改的，写明原因和预计完成时间。")
    blocks = [Block(TITLE, "巡察反馈问题清单"), Block(SUBTITLE, f"（{form.term}第{cn_number(form.round)}轮巡察）"),
              Block(ADDRESSEE, f"{form.org}："), Block(BODY, intro)]
    by_category: dict[str, list[dict]] = {}
    for row in form.rows:
        by_category.setdefault(row["category"] or "其他", []).append(row)
    number = 0
    for k, (category, rows) in enumerate(by_category.items()):
        blocks.append(Block(HEADING1, f"{cn_number(k + 1)}、{category}方面"))
        for row in rows:
            number += 1
            summary = (row["summary"] or "").rstrip("。；;.")
            deadline = cn_date(row["deadline"]) if row["deadline"] else "未定"
            blocks.append(Block(BODY, f"{number}．{summary}。（{sheet.header('problem_id')}：{row['problem_id']}；"
                                      f"{sheet.header('deadline')}：{deadline}）"))
    blocks.append(Block(BODY, f"附件：{rectification_form_name(form.org, form.term, form.round)}"))
    return blocks + [Block(SIGNATURE, compiler or f"{county}委巡察工作领导小组办公室"),
                     Block(SIGNATURE, cn_date(today))]


def write_problem_list(form: Form, std: Standard, target: Path, county: str, compiler: str,
                       today: dt.date) -> Path:
    """The 巡察反馈问题清单 of one organisation and round (Word, GB/T 9704), saved atomically."""
    return write_docx(problem_list_blocks(form, std, county, compiler, today), target,
                      title=f"巡察反馈问题清单（{form.org}）")


def write_forms(forms: list[Form], std: Standard, folder: Path, county: str, compiler: str,
                today: dt.date) -> list[Path]:
    """Both files of every form into ``folder``: [form, problem list, form, problem list, …]."""
    out = []
    for form in forms:
        out.append(write_form(form, std, Path(folder) / rectification_form_name(form.org, form.term, form.round)))
        out.append(write_problem_list(form, std, Path(folder) / problem_list_name(form.org, form.term, form.round),
                                      county, compiler, today))
    return out
