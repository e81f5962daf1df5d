"""表15 整改台账, 表16 its per-organisation summary (office-loop.md §3) and 表17 整改进展报送情况
(rectification.md §4), from ``report.ledger``.

One row per problem in the ledger, red first; the light is both the cell colour and
the text of 台账状态, since a printout may be black and white. The states, their names
and the day limits come from the ledger (``stats/ledger.py``, ``rules.toml``). Each row says
whose word its status is (状态来源: the round workbook, or a returned 整改进展表 and its date).
"""

from __future__ import annotations

import pandas as pd

from ..periods import cn_date
from ..stats.aggregate import Report
from ..stats.ledger import STATES
from ..stats.selection import cell_list
from .table_model import Col, Filled, Table, rate
from .tables import TOTAL, h, yes_no
from .tables_detail import ROW, SOURCE, or_blank

STATE = "台账状态"
LIGHTS = {"overdue": "red", "due_10": "yellow", "due_20": "green"}  # state -> cell fill
WORD, LATE = "状态来源", "逾期完成"
EVIDENCE_SHOWN = 100  # characters of 佐证材料 in the ledger; longer text ends with …
RECEIVED, NOT_RECEIVED = "已报送", "未报送"


def clipped(text, limit: int = EVIDENCE_SHOWN) -> str:
    """A free text cell shortened to ``limit`` characters (… marks the cut); blank for None."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


def word_sources(report: Report, df: pd.DataFrame) -> list[str]:
    """状态来源 of each ledger row: the round workbook, or 整改进展表 <file> <填报日期>."""
    std = report.std
    round_name, form_name = std.workbook("round").name, std.workbook("rectification").name
    return [round_name if file is None else f"{form_name} {file} {day.isoformat()}"
            for file, day in zip(cell_list(df["word_file"]), cell_list(df["word_filed_on"]))]


def light_cell(labels: dict, state: str):
    """A ledger state's cell: its label, filled with its light's colour where it has one."""
    return Filled(labels[state], LIGHTS[state]) if state in LIGHTS else labels[state]


def _days(values) -> list:
    """A nullable day count column as ints, blanks as ""."""
    return ["" if pd.isna(v) else int(v) for v in values]


def _scope(report: Report) -> str:
    return f"截至{cn_date(report.ledger.as_of)}"


def _light_note(report: Report) -> str:
    """How each state is decided, with the configured limits and names."""
    rules = report.ledger.rules
    lab, soon, warn = rules.labels, rules.due_soon_days, rules.warning_days
    return (f"纳入台账：截至期末已发现的问题（不限于本期），不含本期开始（{cn_date(report.period.start)}）"
            f"前已完成整改的。{STATE}按期末情况判定：{lab['rectified']}——期末前已完成整改；"
            f"{lab['overdue']}——整改时限早于期末仍未完成整改；{lab['due_10']}——整改时限在期末当天至其后"
            f"{soon}天内；{lab['due_20']}——在其后{soon + 1}至{warn}天；{lab['on_track']}——在{warn}天以后；"
            f"{lab['no_deadline']}——未填整改时限。期末以后才完成整改的，按整改时限判定。")


def _word_note(report: Report) -> str:
    std = report.std
    return (f"{h(std, 'problems', 'status')}以期末以前最新的一次填报为准：被巡察党组织交回的"
            f"{std.workbook('rectification').name}（按{h(std, 'progress', 'filed_on')}）在期末以前有该问题的，"
            f"以其中最新的为准，{WORD}写明文件和{h(std, 'progress', 'filed_on')}；没有的，以"
            f"{std.workbook('round').name}为准。{LATE}：整改完成日期晚于整改时限的已整改问题。"
            f"{h(std, 'progress', 'evidence')}超过{EVIDENCE_SHOWN}个字的只列出前{EVIDENCE_SHOWN}个字。")


def ledger(report: Report) -> Table:
    """表15: every problem of the ledger with its light, red first."""
    std, led = report.std, report.ledger
    df = led.rows
    labels = led.rules.labels
    cols = [Col("序号"), Col(STATE), Col(h(std, "round_info", "term")), Col(h(std, "round_info", "round")),
            Col(h(std, "problems", "group")), Col(h(std, "problems", "org")), Col(h(std, "problems", "problem_id")),
            Col(h(std, "problems", "category"), wrap=True), Col(h(std, "problems", "found")),
            Col(h(std, "problems", "deadline")), Col("逾期天数"), Col("剩余天数"),
            Col(f"{h(std, 'problems', 'status')}（最新）"), Col(h(std, "problems", "rectified_on")),
            Col(WORD, wrap=True), Col(h(std, "progress", "measures"), wrap=True),
            Col(h(std, "progress", "evidence"), wrap=True), Col(LATE), Col(SOURCE, wrap=True), Col(ROW)]
    light = {s: light_cell(labels, s) for s in STATES}
    c = {k: cell_list(df[k]) for k in ("term", "round", "group", "org", "problem_id", "category", "found",
                                       "status", "source_file", "source_row")}
    columns = [range(1, len(df) + 1), [light[s] for s in df["state"]], c["term"], c["round"], c["group"],
               c["org"], c["problem_id"], c["category"], c["found"], or_blank(cell_list(df["deadline"])),
               _days(df["days_overdue"]), _days(df["days_left"]),
               c["status"], or_blank(cell_list(df["rectified_on"])), word_sources(report, df),
               [clipped(m, 10**6) for m in df["measures"]], [clipped(e) for e in df["evidence"]],
               [yes_no(std, True) if late else "" for late in df["late"]], c["source_file"], c["source_row"]]
    rows = [list(row) for row in zip(*columns)]
    counts = "，".join(f"{labels[s]}{n}个" for s, n in led.counts.items() if n)
    return Table("整改台账", f"表15 {report.period.label}整改台账（{_scope(report)}，共{len(rows)}个问题"
                 f"{'：' + counts if counts else ''}）", cols, rows,
                 empty_text="（截至期末没有纳入整改台账的问题）",
                 notes=[_light_note(report), _word_note(report),
                        "来源文件和行号指向填报工作簿中的原始行。"])


def ledger_by_org(report: Report) -> Table:
    """表16: per organisation, problems in the ledger, each state, 整改率; most overdue first."""
    std, led = report.std, report.ledger
    labels = led.rules.labels
    cols = ([Col("序号"), Col(h(std, "problems", "org")), Col("纳入台账（个）")]
            + [Col(labels[s]) for s in STATES] + [Col("整改率")])
    rows = [[i, e["org"], e["in_ledger"], *(e[s] for s in STATES), rate(e["rectified"], e["in_ledger"])]
            for i, e in enumerate(led.by_org, start=1)]
    if rows:
        counts = led.counts
        rows.append([TOTAL, "", len(led.rows), *(counts[s] for s in STATES),
                     rate(counts["rectified"], len(led.rows))])
    return Table("整改台账汇总", f"表16 {report.period.label}整改台账分单位汇总（{_scope(report)}）", cols, rows,
                 total_rows=1 if rows else 0, empty_text="（截至期末没有纳入整改台账的问题）",
                 notes=[f"按“{labels['overdue']}”问题数从多到少排列，相同的按巡察对象名册顺序。"
                        f"整改率＝{labels['rectified']}÷纳入台账。"])


def returns(report: Report) -> Table:
    """表17 整改进展报送情况: each organisation and round that owes a 整改进展表 or has sent one."""
    std, led = report.std, report.ledger
    form = std.workbook("rectification").name
    cols = [Col("序号"), Col(h(std, "problems", "org")), Col(h(std, "round_info", "term")),
            Col(h(std, "round_info", "round")), Col("未整改问题（个）"), Col(f"最早{h(std, 'problems', 'deadline')}"),
            Col("报送情况"), Col(h(std, "progress", "filed_on"))]
    rows = [[i, r.org, r.term, r.round, r.open, r.earliest or "",
             Filled(NOT_RECEIVED, "red") if r.owes else RECEIVED, r.filed_on or ""]
            for i, r in enumerate(led.returns, start=1)]
    missing = len(led.returns_missing)
    title = (f"表17 {report.period.label}{form}报送情况（{_scope(report)}，应报送或已报送{len(rows)}个，"
             f"{NOT_RECEIVED}{missing}个）")
    due = led.rules.return_due_days
    when = "整改时限已到" if due == 0 else f"整改时限已到或在{due}天内到期"
    return Table("整改进展报送情况", title, cols, rows, empty_text=f"（截至期末没有应报送{form}的单位）",
                 notes=[f"{NOT_RECEIVED}：有{when}而{std.workbook('round').name}中尚未整改的问题，"
                        f"截至期末又没有交回该轮{form}的单位。{RECEIVED}：截至期末已交回该轮{form}"
                        f"（{h(std, 'progress', 'filed_on')}为最近一次）。未整改问题按最新一次填报计。"])


def ledger_tables(report: Report) -> list[Table]:
    """表15, 表16 and 表17."""
    return [ledger(report), ledger_by_org(report), returns(report)]
