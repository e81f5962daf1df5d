"""What the workbench's pages show, shaped from the pipeline's own objects (no figure is computed here).

- the check page's rows: each finding with its 状态 (``explanations.status``), the accepted
  核实说明, and the findings about an explanation shown beside the warning it names;
- the overview's counts (``Dataset.counts``) and 报送情况 as of today (``stats.plan.plan_status``);
- the 统计 results: the leadership workbook's Table objects, the ledger's lights;
- the 汇总 page: the packages found and the roll-up's tables (``rollup.workbook``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import engine
from ..explanations import (
    EXPLAINED,
    NOT_EXPLAINABLE,
    UNEXPLAINABLE,
    UNEXPLAINED,
    Key,
    explanation_key,
    in_order,
    status,
)
from ..findings import Finding
from ..model import Dataset
from ..periods import cn_date
from ..render.table_model import FILLS, Col, Table
from ..standard import Standard
from . import files

MUST_FIX = "须改正"  # 状态 of an error (errors are fixed, never explained)
STATUSES = (UNEXPLAINED, EXPLAINED, NOT_EXPLAINABLE, MUST_FIX)  # the 状态 filter of the check page


# ---------------------------------------------------------------- 校验

@dataclass
class CheckRow:
    """One finding as the check page shows it."""

    f: Finding
    status: str  # 须改正 / 已说明 / 未说明 / 不可说明
    anchor: str  # the row's id, stable across rechecks (the form returns to it)
    explained: str = ""  # the accepted 核实说明 (joined when several)
    about: list[Finding] = field(default_factory=list)  # findings about an explanation of this warning

    @property
    def explainable(self) -> bool:
        return self.status == UNEXPLAINED


def anchor(key: Key) -> str:
    return "f-" + hashlib.sha1(repr(key).encode("utf-8")).hexdigest()[:12]


def check_rows(ds: Dataset, shown: list[Finding], std: Standard) -> list[CheckRow]:
    """The rows of ``shown`` (findings of ``ds``) in the one order, each with its state and explanation."""
    named = engine.explanation_rows(ds.tables.get("explanations"))
    about: dict[Key, list[Finding]] = {}
    for f in ds.findings:
        if f.code in UNEXPLAINABLE and (f.file, f.row) in named:
            about.setdefault(named[(f.file, f.row)], []).append(f)
    out = []
    for f in in_order(shown, ds.explained, std):
        key = explanation_key(f)
        state = MUST_FIX if f.is_error else status(f, ds.explained)
        out.append(CheckRow(f, state, anchor(key), ds.explained.get(key, ""), about.get(key, [])))
    return out


def key_of(form) -> Key:
    """The warning key an explanation form names (its hidden fields)."""
    text = lambda name: str(form.get(name) or "").strip()  # noqa: E731
    row = text("row")
    return (text("file"), text("sheet"), int(row) if row.isdigit() else None, text("column"), text("code"))


# ---------------------------------------------------------------- 概况

def counts(ds: Dataset | None, std: Standard) -> dict | None:
    """The overview's figures of the current check."""
    if ds is None:
        return None
    kinds = Counter(s.kind for s in ds.sources)
    by_kind = [(wb.name, kinds[wb.id]) for wb in std.workbooks if kinds[wb.id]]
    rounds = {(term, rnd) for s in ds.sources for term, rnd, _group in s.submissions}
    c = ds.counts
    return {"workbooks": len(ds.sources), "by_kind": by_kind, "rounds": len(rounds), "errors": c.errors,
            "warnings": c.warnings, "explained": c.explained, "unexplained": c.unexplained,
            "skipped": len(ds.skipped)}


WORDING_CODES = ("wording-invalid", "wording-duplicate", "wording-unknown")


def wording(ds: Dataset | None, std: Standard) -> dict | None:
    """Whether the drafts use a 文稿措辞 workbook of the inputs (periods.md §4): its files, how many
    phrases it changes, and its findings; None before a check."""
    if ds is None:
        return None
    used = engine.wording_in_force(ds, std)
    files = [s.path for s in ds.sources if s.kind == "wording"]
    found = [f for f in ds.findings if f.code in WORDING_CODES]
    return {"files": files, "custom": len(used.custom), "total": len(used.phrases),
            "errors": sum(f.is_error for f in found), "warnings": sum(not f.is_error for f in found),
            "form": std.workbook("wording").file}


def next_step(ds: Dataset | None) -> str:
    """What the office should do next: fix errors, then explain warnings, then run the statistics."""
    if ds is None:
        return ""
    if not ds.sources:
        return "empty"
    if ds.errors:
        return "errors"
    if ds.counts.unexplained:
        return "explain"
    return "run"


@dataclass
class Submissions:
    """报送情况 as of a day: None fields when there is no plan."""

    as_of: dt.date
    planned: bool
    term: str = ""
    expected: int = 0
    received: int = 0
    missing: list[str] = field(default_factory=list)  # 十四届第9轮第二巡察组（计划2020年9月7日进驻）
    sheet: str = ""  # where the plan is filled: 巡察对象名册.xlsx 的“巡察计划”表


def submissions(ds: Dataset, std: Standard, as_of: dt.date) -> Submissions:
    """Which planned groups have not submitted as of ``as_of`` (office-loop.md §1)."""
    where = f"{std.workbook('registry').file}的“{std.sheet('plan').name}”表"
    status_ = engine.submissions(ds, std, as_of)
    if status_ is None:
        return Submissions(as_of, False, sheet=where)
    from ..render.tables_plan import missing_text

    missing = [missing_text(s) for s in status_.missing]
    return Submissions(as_of, True, status_.term, len(status_.submissions), status_.received, missing, where)


def returns_owed(ds: Dataset, std: Standard, as_of: dt.date) -> list[str]:
    """Who owes a 整改进展表 as of ``as_of`` (rectification.md §4), e.g.
    县供水公司（十四届第3轮，整改时限2020年10月31日）."""
    deadline = std.sheet("progress").header("deadline")
    return [f"{r.org}（{r.term}第{r.round}轮{f'，{deadline}{cn_date(r.earliest)}' if r.earliest else ''}）"
            for r in engine.returns_owed(ds, std, as_of) if r.owes]


def form_choices(ds: Dataset | None, std: Standard, as_of: dt.date) -> list[str]:
    """The organisations the 模板 page offers for 生成整改进展表: those with a problem still open."""
    if ds is None or ds.errors or not ds.sources:
        return []
    return list(dict.fromkeys(f.org for f in engine.forms_available(ds, std, as_of)))


# ---------------------------------------------------------------- 统计 results

def lights(report) -> Table:
    """整改台账 as of the period end: each state with its light (colour and text) and count."""
    from ..render.tables_ledger import light_cell

    led = report.ledger
    labels, tally = led.rules.labels, led.counts
    rows = [[light_cell(labels, s), tally[s]] for s in engine.LEDGER_ORDER]
    rows.append(["纳入台账合计", len(led.rows)])
    return Table("整改台账", f"整改台账（截至{cn_date(led.as_of)}）", [Col("台账状态"), Col("问题（个）")], rows,
                 total_rows=1)


def overdue(report) -> Table:
    """The overdue problems (the ledger's red rows), longest overdue first (metrics ``overdue_list``)."""
    from ..render.tables import h

    std = report.std
    cols = [Col(h(std, "round_info", "term")), Col(h(std, "round_info", "round")), Col(h(std, "problems", "group")),
            Col(h(std, "problems", "org")), Col(h(std, "problems", "problem_id")),
            Col(h(std, "problems", "deadline")),
            Col("逾期天数")]
    rows = [[o["term"], o["round"], o["group"], o["org"], o["problem_id"], dt.date.fromisoformat(o["deadline"]),
             o["days_overdue"]] for o in report.ledger.overdue_list()]
    label = report.ledger.rules.labels["overdue"]
    return Table("逾期问题", f"{label}的问题（{len(rows)}个）", cols, rows,
                 empty_text=f"（截至{cn_date(report.ledger.as_of)}没有逾期未整改的问题）")


def results(run, outputs: Path) -> dict | None:
    """The results part of the 统计 page: the tables, charts and files of the last run."""
    if run is None or run.status != "done" or run.result is None:
        return None
    from ..render.tables import overview
    from ..render.tables_coverage import coverage, uninspected
    from ..render.tables_ledger import returns
    from ..render.tables_plan import submissions as submissions_table

    result = run.result
    report = result.report
    written = [result.check_report, *result.written]
    charts = [p for p in written if p.suffix == ".png"]
    return {"label": report.period.label, "notices": report.first_sheet_notices,
            "overview": overview(report), "coverage": coverage(report), "uninspected": uninspected(report),
            "submissions": submissions_table(report),
            "submissions_open": report.plan is None or bool(report.plan.missing),  # folded when all submitted
            "lights": lights(report), "overdue": overdue(report), "returns": returns(report),
            "charts": [files.relative_url(outputs, p) for p in charts],
            "files": [(files.relative_url(outputs, p), p.name) for p in written if p.is_file()],
            "folder": result.out_dir}


# ---------------------------------------------------------------- 汇总

@dataclass
class PackageRow:
    """A package found under the roll-up folder, as the 汇总 page lists it."""

    file: str
    county: str
    period: str
    generated: str
    unexplained: int | str
    problems: list[Finding]  # errors found while reading it (unreadable, incomplete …)


def packages(city) -> list[PackageRow]:
    out = []
    for p in city.packages:
        try:
            unexplained: int | str = p.unexplained
        except ValueError:
            unexplained = p.info.get("unexplained", "")
        out.append(PackageRow(p.file, p.county, p.period_label, p.info.get("generated", ""), unexplained,
                              [f for f in p.findings if f.is_error]))
    return out


def rollup_findings(run, std: Standard) -> list[Finding]:
    """The findings of the last roll-up, in the one order."""
    if run is None:
        return []
    return in_order(run.dataset.findings, run.dataset.explained, std)


def rollup_tables(run, std: Standard) -> list[Table]:
    """总体情况 and 分县区 of a finished roll-up (the city workbook's own tables)."""
    if run is None or run.failed:
        return []
    from ..rollup.workbook import by_county, overview

    return [overview(run.rollup, std), by_county(run.rollup, std)]


def fill_colour(value) -> str:
    """The fill of a lit cell (a key of FILLS: the CSS class lit-<key> has the workbook's colour), '' for others."""
    fill = getattr(value, "fill", "")
    return fill if fill in FILLS else ""
