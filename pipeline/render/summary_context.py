"""The variables of the summary templates, built from the report alone.

Everything a template may say is prepared here as plain values (numbers, dates,
names, lists of dicts); the wording itself lives in ``render/wording/*.md.j2``. The
office rows (专项工作, 队伍建设, 学习培训) come with the report (``report.office``).

Never invent: a fact the data do not hold is ``None`` here, and the template turns
it into a 【待补充：…】 marker (see :func:`missing`).
"""

from __future__ import annotations

import datetime as dt

from ..standard import Standard, SummaryRules
from ..stats.office import OFFICE_WORKBOOK
from ..stats.selection import to_date
from .tables import BY_ROUND_SHEET
from .workbook import workbook_name

MARKER_OPEN, MARKER_CLOSE = "【待补充：", "】"


def missing(what: str) -> str:
    """The visible marker for a fact the data lack."""
    return f"{MARKER_OPEN}{what}{MARKER_CLOSE}"


def office_name(county: str, std: Standard) -> str:
    """`示例县委巡察办`; `县委巡察办` when the county is unknown."""
    known = county and county != std.default_county
    return f"{county if known else '县'}委巡察办"


# ------------------------------------------------------------------ rounds

def _county_orgs(orgs_by_category: dict[str, list[str]], std: Standard) -> list[dict]:
    """County-level (and unclassified) organisations, one entry per 对象类别."""
    return [{"category": cat, "names": list(names), "count": len(names)}
            for cat, names in orgs_by_category.items() if std.family_of(cat) != "village"]


def _village_orgs(orgs_by_category: dict[str, list[str]], by_township: dict, std: Standard) -> dict:
    """Village-level organisations: their townships and a count per 对象类别."""
    cats = [{"category": cat, "count": len(names)}
            for cat, names in orgs_by_category.items() if std.family_of(cat) == "village"]
    return {"count": sum(c["count"] for c in cats), "categories": cats,
            "townships": [t for t in by_township if t]}


def round_view(r, period, std: Standard) -> dict:
    """One round (a RoundSummary of pipeline/rounds.py) as template variables."""
    by_cat = dict(r.orgs_by_category)
    transferred = [{"unit": u, "count": n} for u, n in r.clues_by_transfer.items() if n]
    grades = [{"grade": g, "count": n} for g, n in r.grades.items() if n]
    return {
        "term": r.term, "round": r.round, "type": r.type, "types": list(r.types),
        "groups": list(r.groups), "group_count": len(r.groups),
        "start": to_date(r.start), "end": to_date(r.end), "in_progress": r.in_progress,
        "started_before": to_date(r.start) < period.start,
        "counts_toward_coverage": r.counts_toward_coverage,
        "org_count": len(r.orgs), "county_orgs": _county_orgs(by_cat, std),
        "village_orgs": _village_orgs(by_cat, getattr(r, "villages_by_township", {}) or {}, std),
        "work": dict(r.work), "work_total": sum(r.work.values()),
        "taxonomy": std.taxonomy_for_term(r.term).name,
        "problems": r.problems,
        "problem_categories": [{"category": c, "count": n}
                               for c, n in r.problems_by_category.items() if n],
        "fixed_on_spot": r.fixed_on_spot, "rectified": r.rectified,
        "clues": r.clues, "clue_cadres": r.clue_cadres, "clue_others": r.clue_others,
        "transfers": transferred,
        "untransferred": r.clues - sum(t["count"] for t in transferred),
        "grades": grades, "graded": sum(g["count"] for g in grades),
        "report_leading_group": to_date(r.report_leading_group),
        "report_secretary": to_date(r.report_secretary),
        "feedback_start": to_date(r.feedback_start), "feedback_end": to_date(r.feedback_end),
    }


# ------------------------------------------------------------------ many rounds: grouped by type

def _rounds_tally(rounds) -> dict:
    """Whole-round figures of some rounds (as 分轮次): organisations counted once each."""
    return {"rounds": len(rounds), "groups": sum(len(r.groups) for r in rounds),
            "orgs": len({name for r in rounds for name, _ in r.orgs}),
            "problems": sum(r.problems for r in rounds), "clues": sum(r.clues for r in rounds),
            "in_progress": sum(bool(r.in_progress) for r in rounds)}


def rounds_grouped(report, rules: SummaryRules) -> dict | None:
    """The period's rounds by 巡察类型 (standard order), and the few with most problems;
    None while the period has no more rounds than the document describes one by one."""
    rounds, period, std = report.rounds, report.period, report.std
    if len(rounds) <= rules.one_by_one(period.kind):
        return None
    by_type: dict[str, list] = {}
    for r in rounds:
        by_type.setdefault(r.type, []).append(r)
    order = {t: i for i, t in enumerate(std.enum_values("round_type"))}
    types = sorted(by_type, key=lambda t: order.get(t, len(order)))
    # most problems first, then most clues; a tie keeps the report's round order
    largest = sorted(rounds, key=lambda r: (-r.problems, -r.clues))[:rules.largest_rounds]
    return {**_rounds_tally(rounds), "types": [{"type": t, **_rounds_tally(by_type[t])} for t in types],
            "largest": [round_view(r, period, std) for r in largest],
            "workbook": workbook_name(report), "sheet": BY_ROUND_SHEET}


# ------------------------------------------------------------------ coverage

def _tally(raw: dict | None) -> dict:
    raw = raw or {}
    total, inspected = int(raw.get("total", 0)), int(raw.get("inspected", 0))
    return {"total": total, "inspected": inspected, "remaining": total - inspected}


def unit_categories(report) -> dict[str, str]:
    """对象类别 of each registry unit."""
    units = report.coverage.units
    if units is None or units.empty:
        return {}
    return dict(zip(units["name"], units["category"], strict=True))


def coverage_view(cov: dict | None, categories: dict[str, str], std: Standard) -> dict | None:
    """metrics["coverage"] per family, with its categories and its uninspected units."""
    if not cov or not cov.get("term"):
        return None
    families = []
    for fam in std.families():
        members = fam["members"]
        cats = [{"category": c, **_tally(cov.get("by_category", {}).get(c))} for c in members]
        families.append({
            "id": fam["id"], "name": fam["name"], **_tally(cov.get(fam["id"])),
            "categories": [c for c in cats if c["total"]],
            "uninspected": [n for n in cov.get("uninspected", []) if categories.get(n) in members],
        })
    return {"as_of": dt.date.fromisoformat(cov["as_of"]), "term": cov["term"],
            "families": families, "not_in_force": list(cov.get("inspected_not_in_force", []))}


# ------------------------------------------------------------------ rectification ledger

def rectification_view(report) -> dict:
    """The ledger's tallies (metrics ``rectification``) and the organisations with overdue
    problems, most overdue first (as in 表16)."""
    ledger = report.ledger
    counts = {k: v for k, v in report.metrics["rectification"].items()
              if k not in ("as_of", "overdue_list", "returns_missing_list")}
    return {**counts, "as_of": ledger.as_of, "has_deadlines": ledger.has_deadlines,
            "due_soon_days": ledger.rules.due_soon_days, "labels": dict(ledger.rules.labels),
            "overdue_orgs": [e["org"] for e in ledger.by_org if e["overdue"]],
            "missing_returns": missing_returns(ledger.returns_missing),
            "form": report.std.workbook("rectification").name}


def missing_returns(owed) -> list[dict]:
    """Every organisation that owes a 整改进展表: ``{"org", "rounds": [{"term", "round"}]}``."""
    rounds: dict[str, list] = {}
    for r in owed:
        rounds.setdefault(r.org, []).append({"term": r.term, "round": r.round})
    return [{"org": org, "rounds": items} for org, items in rounds.items()]
# ------------------------------------------------------------------ round plan

def plan_view(report) -> dict | None:
    """The round plan as of the period end (stats/plan.py), None without plan rows."""
    plan, std = report.plan, report.std
    if plan is None:
        return None
    categories = unit_categories(report)
    families = []
    for fam in std.families():
        proj = plan.families[fam["id"]]
        families.append({"id": fam["id"], "name": fam["name"], "total": proj.total,
                         "inspected": proj.inspected, "planned": proj.planned,
                         "remaining": proj.remaining,
                         "unplanned": [n for n in plan.unplanned if categories.get(n) in fam["members"]]})
    return {"term": plan.term, "as_of": plan.as_of, "expected": len(plan.submissions), "received": plan.received,
            "missing": [{"term": s.term, "round": s.round, "group": s.group, "planned_start": s.planned_start}
                        for s in plan.missing],
            "planned_orgs": len(plan.orgs), "not_inspected": [o.org for o in plan.not_inspected],
            "families": families, "unplanned": list(plan.unplanned),
            "round_workbook": std.workbook("round").name}


def next_plan_view(report) -> dict | None:
    """The plan of the span after the period (stats/plan.next_plan), None without plan rows in it."""
    plan, std = report.next_plan, report.std
    if plan is None:
        return None
    categories = unit_categories(report)
    rounds = [{"term": r.term, "round": r.round, "types": list(r.types), "type": r.types[0] if r.types else "",
               "groups": list(r.groups), "group_count": len(r.groups), "start": r.start, "end": r.end,
               "org_count": r.org_count,
               "categories": [{"category": c, "count": len(n)} for c, n in r.orgs_by_category.items()]}
              for r in plan.rounds]
    families = [{"id": fam["id"], "name": fam["name"], "total": plan.families[fam["id"]].total,
                 "inspected": plan.families[fam["id"]].inspected, "planned": plan.families[fam["id"]].planned,
                 "remaining": plan.families[fam["id"]].unplanned,
                 "unplanned": [n for n in plan.remaining if categories.get(n) in fam["members"]]}
                for fam in std.families()]
    return {"start": plan.start, "end": plan.end, "rounds": rounds, "families": families,
            "term": report.coverage.term}


def rounds_by_year(report) -> list[dict]:
    """The period's rounds by the calendar year they started in (a round begun before the period
    counts in its first year), each year with its rounds and their count per 巡察类型."""
    period, std = report.period, report.std
    years: dict[int, list] = {}
    for r in report.rounds:
        years.setdefault(max(to_date(r.start), period.start).year, []).append(r)
    order = {t: i for i, t in enumerate(std.enum_values("round_type"))}
    out = []
    for year in sorted(years):
        rounds = years[year]
        types: dict[str, int] = {}
        for r in sorted(rounds, key=lambda r: order.get(r.type, len(order))):
            types[r.type] = types.get(r.type, 0) + 1
        out.append({"year": year, "rounds": [round_view(r, period, std) for r in rounds],
                    "types": [{"type": t, "rounds": n} for t, n in types.items()]})
    return out


# ------------------------------------------------------------------ the period's words

HALF_NAMES = {1: "上半年", 7: "下半年"}


def period_words(period) -> dict:
    """How the drafts name the period: ``span_word`` (2020年, 2020年上半年) begins the opening
    sentence, ``this_period`` (本年度, 上半年, 本季度, 本月, 本届, 本期) stands for it,
    ``plan_title`` names a summary's closing section, ``next_label`` the span it plans."""
    kind, year = period.kind, period.end.year
    half = HALF_NAMES.get(period.start.month, "") if kind == "half-year" else ""
    span_word = {"annual": f"{year}年", "half-year": f"{year}年{half}"}.get(kind, period.label)
    this = {"annual": "本年度", "half-year": half, "quarterly": "本季度", "monthly": "本月",
            "term": "本届"}.get(kind, "本期")
    nxt = period.next_span()
    next_label = ("下半年" if nxt.kind == "half-year" else f"{nxt.year}年") if nxt is not None else ""
    return {"span_word": span_word, "this_period": this, "next_label": next_label,
            "plan_title": f"{next_label}工作计划" if next_label else ""}


# ------------------------------------------------------------------ office sheets

def _office_gap(report, std: Standard):
    """A function for templates: the marker for office data missing in the period."""
    workbook = std.workbook(OFFICE_WORKBOOK).name

    def gap(sheet_id: str, what: str) -> str:
        if not report.office.loaded:
            return missing(f"{what}（未读取到“{workbook}”工作簿）")
        return missing(f"{what}（“{std.sheet(sheet_id).name}”表中没有{report.period.label}的记录）")
    return gap


def _team(rows: list[dict]) -> dict[str, int]:
    """队伍建设 item -> count; a repeated item keeps its last row (a later correction)."""
    return {r["item"]: r["count"] for r in rows if r["item"]}


# ------------------------------------------------------------------ the whole context

def build_context(report) -> dict:
    """Every variable the summary templates use (documented at the top of each template)."""
    period, metrics, std = report.period, report.metrics, report.std
    office = report.office.rows
    return {
        "kind": period.kind, "year": period.end.year, "next_year": period.end.year + 1,
        "period_label": period.label, "period_start": period.start, "period_end": period.end,
        "month": period.end.month, **period_words(period),
        "wording": dict(report.wording.phrases if report.wording else std.default_wording),
        "previous": metrics.get("previous"), "preceding": metrics.get("preceding"),
        "by_year": [{"year": y.period.start.year, "label": y.period.label, **y.totals} for y in report.by_year or []],
        "next_plan": next_plan_view(report), "term_name": period.term or report.term,
        "rounds_by_year": rounds_by_year(report),
        "county": report.county, "office": office_name(report.county, std),
        "compiler": report.compiler, "compiled_on": to_date(report.compiled_on),
        "term": report.term, "excluded": list(report.excluded), "checks": report.checks.as_dict(),
        "rounds": [round_view(r, period, std) for r in report.rounds],
        "round_groups": rounds_grouped(report, std.rules.summary),
        "totals": dict(metrics["totals"]),
        "year_to_date": metrics.get("year_to_date"),
        "previous_year": metrics.get("previous_year"),
        "previous_year_to_date": metrics.get("previous_year_to_date"),
        "coverage": coverage_view(metrics.get("coverage"), unit_categories(report), std),
        "rectification": rectification_view(report),
        "plan": plan_view(report), "silent_groups": report.silent_groups,
        "office_loaded": report.office.loaded,
        "special_work": office["special_work"],
        "team": _team(office["team"]), "team_rows": office["team"],
        "training": office["training"],
        "missing": missing, "office_gap": _office_gap(report, std),
        "header": lambda sheet_id, col_id: std.sheet(sheet_id).header(col_id),
        "sheet_name": lambda sheet_id: std.sheet(sheet_id).name,
    }
