"""A deterministic sample county (示例县), 2019-01 to 2021-12, as filled standard workbooks.

Everything here is fictional. The generator draws from one ``random.Random``
with a fixed seed, and the workbooks carry a fixed timestamp, so two runs write
byte-identical files. Enumeration values (对象类别, 巡察类型, 等次 …) are taken
from the standard by position, so a relabelled value in ``schemas/`` reaches
the sample too; the free-text values (unit names, 届次, 巡察组) are what an
office would type.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from ..output import rectification_form_name
from ..standard import Standard
from .blank_forms import fill_rows, new_workbook, save_workbook
from .rectification_forms import HEADER_ROW, Form, write_form
from .sample_county import (
    CATEGORY_KEYS,
    CLUE_TEXTS,
    DISPOSITION_WEIGHTS,
    EXPLAINED_BY,
    EXPLAINED_ON,
    EXPLANATIONS_FILE,
    GRADE_WEIGHTS,
    GROUPS,
    OFFICE_YEAR,
    PLANNED_DAYS,
    PROBLEM_TEXTS,
    RECTIFIED_AFTER_DAYS,
    RETURN_DEPARTMENT,
    RETURN_EVIDENCE,
    RETURN_EXPLANATIONS,
    RETURN_LEADER,
    RETURN_MEASURES,
    RETURN_ONGOING,
    RETURN_REOPENED,
    RETURNS_FOLDER,
    ROUND_TYPE_KEYS,
    SAMPLE_COUNTY,
    SAMPLE_END,
    SPECIAL_WORK,
    STAMP,
    TEAM,
    TERMS,
    TRAINING,
    TRANSFER_WEIGHTS,
    CountyProfile,
    D,
    GroupPlan,
    RoundPlan,
    village,
)


@dataclass
class Context:
    """The standard's enumerations as used by the generator, and the random stream."""

    std: Standard
    county: CountyProfile = SAMPLE_COUNTY
    rng: random.Random = field(init=False)
    explanations: list[dict] = field(default_factory=list)  # rows of the 核实说明 workbook
    problems: dict[tuple[str, int, str], list[dict]] = field(default_factory=dict)  # (届次, 轮次, 单位) -> rows

    def __post_init__(self):
        self.rng = random.Random(self.county.seed)

    def cat(self, key: str) -> str:
        """The 对象类别 value of a CATEGORY_KEYS key."""
        return _by_key(self.std.enum_values("org_category"), CATEGORY_KEYS, key)

    def rtype(self, key: str) -> str:
        """The 巡察类型 value of a ROUND_TYPE_KEYS key."""
        return _by_key(self.std.enum_values("round_type"), ROUND_TYPE_KEYS, key)

    def pick(self, enum_id: str, weights: tuple[int, ...]) -> str:
        """A weighted random value of an enumeration."""
        return self.rng.choices(self.std.enum_values(enum_id), weights=weights)[0]

    def day(self, low: dt.date, high: dt.date) -> dt.date:
        """A random day in [low, high]."""
        return low + dt.timedelta(days=self.rng.randint(0, max(0, (high - low).days)))


def _by_key(values: tuple[str, ...], keys: tuple[str, ...], key: str) -> str:
    if len(values) != len(keys):
        raise ValueError("schemas: the sample generator expects the enumerations of standard v1")
    return values[keys.index(key)]


# ---------------------------------------------------------------- registry rows


def registry_units(ctx: Context) -> list[dict]:
    """The 巡察对象名册 rows: every unit of the county with its category."""
    county = ctx.county
    rows = [{"name": n, "category": ctx.cat("party_gov")} for n in county.party_gov]
    rows += [{"name": n, "category": ctx.cat("institution")} for n in county.institutions]
    rows += [{"name": n, "category": ctx.cat("soe")} for n in county.soes]
    rows += [{"name": t, "category": ctx.cat("township")} for t in county.townships]
    for township, (vills, comms) in county.townships.items():
        rows += [{"name": village(v), "category": ctx.cat("village"), "township": township}
                 for v in vills]
        rows += [{"name": village(c), "category": ctx.cat("community"), "township": township}
                 for c in comms]
    for row in rows:
        row.update(added=county.added.get(row["name"]), removed=county.removed.get(row["name"]),
                   note=county.notes.get(row["name"]))
    return rows


def plan_rows(ctx: Context) -> list[dict]:
    """The 巡察计划 rows: every group of every round (and PLAN_ONLY), one row per organisation."""
    rounds = sorted((*ctx.county.rounds, *ctx.county.plan_only), key=lambda r: (_term_start(r.term), r.number))
    return [{"term": rnd.term, "round": rnd.number, "type": ctx.rtype(plan.type), "group": GROUPS[plan.group],
             "org": org, "start": plan.start,
             "end": plan.end or plan.start + dt.timedelta(days=PLANNED_DAYS)}
            for rnd in rounds for plan in sorted(rnd.groups, key=lambda g: g.group) for org in plan.units]


def write_registry(ctx: Context, out_dir: Path) -> Path:
    """The registry workbook: terms, units, basic information, the round plan."""
    spec = ctx.std.workbook("registry")
    wb = new_workbook(spec, ctx.std)
    rows = {
        "terms": [{"term": t, "start": s, "end": e} for t, s, e in TERMS],
        "units": registry_units(ctx),
        "basic_info": [{"item": ctx.std.info_labels.county, "content": ctx.county.county},
                       {"item": ctx.std.info_labels.compiler, "content": ctx.county.compiler}],
        "plan": plan_rows(ctx),
    }
    for sheet in spec.sheets:
        fill_rows(wb[sheet.name], sheet, rows.get(sheet.id, []))
    return save_workbook(wb, out_dir / spec.file, STAMP)


# ---------------------------------------------------------------- round rows


@dataclass
class Visit:
    """One inspected organisation within a group's stay."""

    org: str
    start: dt.date
    end: dt.date | None

    def last_day(self) -> dt.date:
        return self.end or SAMPLE_END


def plan_visits(ctx: Context, plan: GroupPlan) -> list[Visit]:
    """Dates per organisation: county units for the whole stay, villages one after another."""
    end = plan.end or SAMPLE_END
    village_cats = {ctx.cat("village"), ctx.cat("community")}
    cats = {r["name"]: r["category"] for r in registry_units(ctx)}
    n_villages = sum(cats[org] in village_cats for org in plan.units)
    step = min(30, max(7, ((end - plan.start).days - 21) // max(1, n_villages - 1)))
    visits, offset = [], 0
    for org in plan.units:
        if cats[org] in village_cats and (end - plan.start).days > 40:
            start = min(plan.start + dt.timedelta(days=offset), end - dt.timedelta(days=14))
            stop = None if plan.end is None else min(start + dt.timedelta(days=20), end)
            offset += step
            visits.append(Visit(org, start, stop))
        else:
            visits.append(Visit(org, plan.start, plan.end))
    return visits


def round_dates(plan: GroupPlan) -> dict:
    """Report and feedback dates after the stay (none while in progress)."""
    if plan.end is None:
        return {"filled_on": SAMPLE_END}
    return {"report_leading_group": plan.end + dt.timedelta(days=12),
            "report_secretary": plan.end + dt.timedelta(days=22),
            "feedback": plan.end + dt.timedelta(days=35),
            "filled_on": plan.end + dt.timedelta(days=38)}


def round_info_row(ctx: Context, rnd: RoundPlan, plan: GroupPlan) -> dict:
    """The 轮次信息 row of one group."""
    return {"term": rnd.term, "round": rnd.number, "type": ctx.rtype(plan.type),
            "group": GROUPS[plan.group], "leader": ctx.county.leaders[plan.group], "start": plan.start,
            "end": plan.end, "filled_by": ctx.county.fillers[plan.group], **round_dates(plan)}


def round_org_rows(ctx: Context, rnd: RoundPlan, plan: GroupPlan,
                   visits: list[Visit]) -> list[dict]:
    """巡察对象 rows; graded after the stay, most villages too."""
    village_cats = {ctx.cat("village"), ctx.cat("community")}
    cats = {r["name"]: r["category"] for r in registry_units(ctx)}
    rows = []
    for v in visits:
        grade = None
        if plan.end is not None and plan.type not in ("special", "follow_up"):
            if cats[v.org] not in village_cats or ctx.rng.random() < 0.6:
                grade = ctx.pick("grade", GRADE_WEIGHTS)
            if cats[v.org] == ctx.cat("township") and rnd.township_grade is not None:
                grade = ctx.std.enum_values("grade")[rnd.township_grade]
        row = {"group": GROUPS[plan.group], "org": v.org, "start": v.start, "end": v.end,
               "grade": grade}
        if ctx.rng.random() < 0.5:  # the category may be left blank (taken from the registry)
            row["category"] = cats[v.org]
        rows.append(row)
    return rows


def _report_days(plan: GroupPlan, weekly: bool) -> list[dt.date]:
    """Fridays (weekly) or month ends (monthly) within the stay, and its last day."""
    end = plan.end or SAMPLE_END
    days, day = [], plan.start
    while day <= end:
        nxt = day + dt.timedelta(days=1)
        if (weekly and day.weekday() == 4) or (not weekly and nxt.month != day.month):
            days.append(day)
        day = nxt
    if plan.end is not None and (not days or days[-1] != end):
        days.append(end)
    return days


def workload_rows(ctx: Context, plan: GroupPlan, visits: list[Visit]) -> list[dict]:
    """工作量 log: group-level weekly or monthly rows; the third group logs per organisation."""
    rng, group = ctx.rng, GROUPS[plan.group]
    if plan.group == 2 and plan.end is not None:
        return [dict(group=group, org=v.org, date=v.last_day(), **_figures(rng, 3))
                for v in visits]
    weekly = plan.group % 2 == 0
    return [dict(group=group, date=day, **_figures(rng, 1 if weekly else 4))
            for day in _report_days(plan, weekly)]


def _figures(rng: random.Random, weeks: int) -> dict:
    """Plausible work counts for ``weeks`` weeks of a group's work."""
    def n(low: int, high: int) -> int:
        return sum(rng.randint(low, high) for _ in range(weeks))
    return {"visits_received": n(0, 8), "talks": n(8, 30), "briefings": n(0, 2),
            "documents": n(20, 120), "vouchers": n(5, 40), "questionnaires": n(0, 60),
            "field_visits": n(0, 4)}


def problem_rows(ctx: Context, rnd: RoundPlan, plan: GroupPlan,
                 visits: list[Visit]) -> list[dict]:
    """发现问题: 5-40 per group, every category of the term's taxonomy present."""
    rng = ctx.rng
    cats = ctx.std.taxonomy_for_term(rnd.term).categories
    count = rng.randint(max(5, 2 * len(visits)), min(40, 5 * len(visits) + 6))
    rows = []
    for i in range(count):
        visit = visits[i % len(visits)] if i < len(visits) else rng.choice(visits)
        cat_no = i % len(cats) if i < len(cats) else rng.randrange(len(cats))
        found = ctx.day(visit.start + dt.timedelta(days=3), visit.last_day())
        row = {"problem_id": f"W{rnd.number}-{plan.group + 1}-{i + 1:03d}",
               "group": GROUPS[plan.group], "org": visit.org, "category": cats[cat_no],
               "summary": rng.choice(PROBLEM_TEXTS[min(cat_no, len(PROBLEM_TEXTS) - 1)]),
               "found": found}
        row.update(_rectification(ctx, rnd, plan, found))
        if row["problem_id"] in ctx.county.long_term:  # no random draw: the other rows stay as they were
            deadline, done_on = ctx.county.long_term[row["problem_id"]]
            row.update(deadline=deadline, status=ctx.std.enum_values("rectification_status")[-1],
                       rectified_on=done_on)
        rows.append(row)
    return rows


def _rectification(ctx: Context, rnd: RoundPlan, plan: GroupPlan, found: dt.date) -> dict:
    """立行立改, 整改状态, 整改完成日期 and 整改时限 of one problem."""
    rng, statuses = ctx.rng, ctx.std.enum_values("rectification_status")
    not_yet, ongoing, done = statuses
    yes, no = ctx.std.enum_values("yes_no")
    last = min(SAMPLE_END, _term_end(rnd.term))
    if rng.random() < 0.2:
        return {"fixed_on_spot": yes, "status": done,
                "rectified_on": min(found + dt.timedelta(days=rng.randint(1, 10)), last)}
    row = {"fixed_on_spot": rng.choice((no, no, no, None))}  # blank = 否
    feedback = round_dates(plan).get("feedback")
    if feedback is None:
        return {**row, "status": rng.choice((not_yet, ongoing))}
    if rnd.deadline_days:
        row["deadline"] = feedback + dt.timedelta(days=rnd.deadline_days)
    draw = rng.random()
    if draw < 0.8:
        fixed = ctx.day(feedback, min(feedback + dt.timedelta(days=120), last))
        return {**row, "status": done, "rectified_on": max(fixed, found)}
    return {**row, "status": ongoing if draw < 0.92 else not_yet}


def _term_start(term: str) -> dt.date:
    return next(start for name, start, _ in TERMS if name == term)


def _term_end(term: str) -> dt.date:
    return next(end for name, _, end in TERMS if name == term)


def clue_rows(ctx: Context, rnd: RoundPlan, plan: GroupPlan, visits: list[Visit]) -> list[dict]:
    """问题线索: 0-6 per group, transferred after the secretary's meeting, various dispositions."""
    rng = ctx.rng
    count = rng.randint(1, 3) if plan.type == "special" else rng.randint(0, 6)
    dates = round_dates(plan)
    rows = []
    for i in range(count):
        visit = rng.choice(visits)
        cadres, others = rng.randint(0, 3), rng.choice((0, 0, 0, 1, 2))
        row = {"clue_id": f"X{rnd.number}-{plan.group + 1}-{i + 1:02d}",
               "group": GROUPS[plan.group], "org": visit.org,
               "found": ctx.day(visit.start + dt.timedelta(days=5), visit.last_day()),
               "cadres": cadres or (0 if others else 1), "others": others,
               "summary": rng.choice(CLUE_TEXTS)}
        if "report_secretary" in dates:
            row.update(transferred_to=ctx.pick("transfer_to", TRANSFER_WEIGHTS),
                       transferred_on=dates["report_secretary"] + dt.timedelta(days=3),
                       disposition=ctx.pick("disposition", DISPOSITION_WEIGHTS))
            if row["disposition"] == ctx.std.enum_values("disposition")[0] and rng.random() < 0.5:
                row["disposition"] = None  # blank = 待处置
        rows.append(row)
    return rows


def round_rows(ctx: Context, rnd: RoundPlan, plan: GroupPlan) -> dict[str, list[dict]]:
    """Every sheet's rows of one (round, group) workbook, keyed by sheet id."""
    visits = plan_visits(ctx, plan)
    return {"round_info": [round_info_row(ctx, rnd, plan)],
            "round_orgs": round_org_rows(ctx, rnd, plan, visits),
            "workload": workload_rows(ctx, plan, visits),
            "problems": problem_rows(ctx, rnd, plan, visits),
            "clues": clue_rows(ctx, rnd, plan, visits)}


def _plant(ctx: Context, code: str, rows: dict[str, list[dict]]) -> tuple[str, int, str]:
    """Make one row odd enough for warning ``code``; return (sheet id, row position, column id)."""
    if code == "clue-no-people":
        rows["clues"][0].update(cadres=0, others=0)
        return "clues", 0, "cadres"
    ongoing = ctx.std.enum_values("rectification_status")[1]
    k = next((k for k, p in enumerate(rows["problems"]) if p["status"] == ongoing), None)
    if k is None:
        raise ValueError(f"sample: PLANTED {code} needs a problem {ongoing} in this workbook")
    problem = rows["problems"][k]
    problem["rectified_on"] = problem["found"] + dt.timedelta(days=RECTIFIED_AFTER_DAYS)
    return "problems", k, "rectified_on"  # rectified-date-unexpected


def plant_warnings(ctx: Context, rnd: RoundPlan, plan: GroupPlan, rows: dict[str, list[dict]], file: str) -> None:
    """Apply PLANTED to one round workbook's rows; note their 核实说明 rows in ``ctx``."""
    for term, number, group, code, text in ctx.county.planted:
        if (term, number, group) == (rnd.term, rnd.number, plan.group):
            sheet_id, k, col_id = _plant(ctx, code, rows)
            sheet = ctx.std.sheet(sheet_id)
            ctx.explanations.append({
                "file": file, "sheet": sheet.name, "row": k + 2, "column": sheet.header(col_id), "code": code,
                "text": text, "by": EXPLAINED_BY if text else None, "date": EXPLAINED_ON if text else None})


def write_round(ctx: Context, rnd: RoundPlan, plan: GroupPlan, out_dir: Path) -> Path:
    """One round workbook, e.g. ``2020年/十四届第6轮_第一巡察组.xlsx``."""
    spec = ctx.std.workbook("round")
    wb = new_workbook(spec, ctx.std, taxonomy=ctx.std.taxonomy_for_term(rnd.term))
    rows = round_rows(ctx, rnd, plan)
    name = f"{plan.start.year}年/{rnd.term}第{rnd.number}轮_{GROUPS[plan.group]}.xlsx"
    plant_warnings(ctx, rnd, plan, rows, name)
    for problem in rows["problems"]:
        ctx.problems.setdefault((rnd.term, rnd.number, problem["org"]), []).append(problem)
    for sheet in spec.sheets:
        fill_rows(wb[sheet.name], sheet, rows[sheet.id])
    return save_workbook(wb, out_dir / name, STAMP)


# ---------------------------------------------------------------- 整改进展表 returned


def _answers(ctx: Context, problems: list[dict], filed: dt.date, how: str) -> dict[str, dict]:
    """The cells an organisation filled, per problem id: its problems still open in the round
    workbook (and, for ``regress``, the first one it has as 已整改, reported 整改中 again)."""
    not_yet, ongoing, done = ctx.std.enum_values("rectification_status")
    said = {"leader": RETURN_LEADER, "department": RETURN_DEPARTMENT, "measures": RETURN_MEASURES,
            "filed_on": filed}
    out = {}
    for p in problems:
        if p["status"] == done:
            continue
        if how == "regress":
            out[p["problem_id"]] = {**said, "status": ongoing, "reason": RETURN_ONGOING}
            continue
        day = filed - dt.timedelta(days=5 if how == "late" else 2)
        if how == "on_time":
            day = max(p["found"], p["deadline"] - dt.timedelta(days=5))
        out[p["problem_id"]] = {**said, "status": done, "rectified_on": day,
                                **({} if how == "no_evidence" else {"evidence": RETURN_EVIDENCE})}
    if how == "regress":
        back = next(p for p in problems if p["status"] == done and p["rectified_on"] <= filed)
        out[back["problem_id"]] = {**said, "status": ongoing, "reason": RETURN_REOPENED}
    return out


def _explain_return(ctx: Context, file: str, form, answers: dict[str, dict], how: str) -> None:
    """The 核实说明 rows of the warnings a returned form draws (sample_county.RETURNS)."""
    sheet = ctx.std.sheet("progress")
    code, col_id = {"late": ("rectified-after-deadline", "rectified_on"),
                    "no_evidence": ("rectified-without-evidence", "evidence"),
                    "regress": ("return-status-regressed", "status")}.get(how, (None, None))
    if code is None:
        return
    done = ctx.std.rectified_status
    for k, row in enumerate(form.rows):
        said = answers.get(row["problem_id"])
        was = next(p for p in ctx.problems[(form.term, form.round, form.org)] if p["problem_id"] == row["problem_id"])
        if said is None or (how == "regress" and was["status"] != done):
            continue
        ctx.explanations.append({"file": file, "sheet": sheet.name, "row": HEADER_ROW + 1 + k,
                                 "column": sheet.header(col_id), "code": code, "text": RETURN_EXPLANATIONS[code],
                                 "by": EXPLAINED_BY, "date": EXPLAINED_ON})


def write_returns(ctx: Context, out_dir: Path) -> list[Path]:
    """The 整改进展表 the organisations of ``county.returns`` sent back filled (inputs/整改进展/)."""
    paths = []
    for term, number, org, filed, how in ctx.county.returns:
        problems = ctx.problems[(term, number, org)]
        rows = [{"term": term, "round": number, "org": org, "problem_id": p["problem_id"], "category": p["category"],
                 "summary": p["summary"], "deadline": p.get("deadline")} for p in problems]
        open_ = [p for p in problems if p["status"] != ctx.std.rectified_status]
        form = Form(term, number, org, rows, len(open_), min((p["deadline"] for p in open_ if p.get("deadline")),
                                                             default=None))
        answers = _answers(ctx, problems, filed, how)
        name = f"{RETURNS_FOLDER}/{rectification_form_name(org, term, number)}"
        _explain_return(ctx, name, form, answers, how)
        paths.append(write_form(form, ctx.std, out_dir / name, STAMP, filled=answers))
    return paths


def write_explanations(ctx: Context, out_dir: Path) -> Path:
    """The 核实说明 workbook: the planted warnings, some explained (rows in file order)."""
    spec = ctx.std.workbook("explanations")
    wb = new_workbook(spec, ctx.std)
    sheet = spec.sheet("explanations")
    fill_rows(wb[sheet.name], sheet, sorted(ctx.explanations, key=lambda r: (r["file"], r["row"])))
    return save_workbook(wb, out_dir / EXPLANATIONS_FILE, STAMP)


def office_rows(ctx: Context) -> dict[str, list[dict]]:
    """专项工作, 队伍建设, 学习培训 of the office year."""
    kinds = ctx.std.enum_values("special_work_type")
    training_kinds = ctx.std.enum_values("training_type")
    special = [{"item": i, "type": kinds[k], "start": s, "end": e, "problems": p,
                "rectified": r, "clues": c, "note": n}
               for i, k, s, e, p, r, c, n in SPECIAL_WORK]
    team = [{"year": OFFICE_YEAR, "item": item, "count": n} for item, n in TEAM]
    weekly = [{"date": day, "name": "每周二班前集中学习", "type": training_kinds[0],
               "participants": ctx.rng.randint(6, 7)}
              for day in _tuesdays(OFFICE_YEAR) if day.month not in (2, 3)]
    other = [{"date": d, "name": n, "type": training_kinds[k], "participants": p}
             for d, n, k, p in TRAINING]
    return {"special_work": special, "team": team,
            "training": sorted(weekly + other, key=lambda r: r["date"])}


def _tuesdays(year: int) -> list[dt.date]:
    first = D(year, 1, 1) + dt.timedelta(days=(1 - D(year, 1, 1).weekday()) % 7)
    return [first + dt.timedelta(weeks=k) for k in range(53)
            if (first + dt.timedelta(weeks=k)).year == year]


def write_office(ctx: Context, out_dir: Path) -> Path:
    """The office workbook of OFFICE_YEAR."""
    spec = ctx.std.workbook("office")
    wb = new_workbook(spec, ctx.std)
    rows = office_rows(ctx)
    for sheet in spec.sheets:
        fill_rows(wb[sheet.name], sheet, rows[sheet.id])
    return save_workbook(wb, out_dir / f"{OFFICE_YEAR}年" / f"{spec.name}_{OFFICE_YEAR}.xlsx", STAMP)


def write_county(out_dir: Path, std: Standard, county: CountyProfile) -> list[Path]:
    """Write one fictional county's workbooks into ``out_dir``; return their paths.

    The office workbook only when ``county.office``; the 核实说明 workbook only when
    something is planted."""
    ctx, out_dir = Context(std, county), Path(out_dir)
    paths = [write_registry(ctx, out_dir)]
    for rnd in county.rounds:
        paths += [write_round(ctx, rnd, plan, out_dir) for plan in rnd.groups]
    if county.office:
        paths.append(write_office(ctx, out_dir))
    paths += write_returns(ctx, out_dir)
    if ctx.explanations:
        paths.append(write_explanations(ctx, out_dir))
    return paths


def write_sample(out_dir: Path, std: Standard) -> list[Path]:
    """Write the sample county's (示例县) workbooks into ``out_dir``; return their paths."""
    return write_county(out_dir, std, SAMPLE_COUNTY)
