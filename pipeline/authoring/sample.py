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

from ..standard import Standard
from .blank_forms import fill_rows, new_workbook, save_workbook

SEED = 20200101
STAMP = dt.datetime(2022, 1, 4, 9, 0, 0)  # created/modified of every sample workbook
SAMPLE_END = dt.date(2021, 12, 31)  # the data are "as of" this day
COUNTY = "示例县"
COMPILER = "中共示例县委巡察工作领导小组办公室"
OFFICE_YEAR = 2020

D = dt.date
TERMS = (("十四届", D(2016, 10, 1), D(2021, 9, 30)),
         ("十五届", D(2021, 10, 1), D(2026, 9, 30)))
GROUPS = ("第一巡察组", "第二巡察组", "第三巡察组", "第四巡察组")
LEADERS = ("王建国", "李振华", "赵志刚", "陈立新")
FILLERS = ("刘芳", "张敏", "孙丽", "周婷")

# Positional keys for the standard's enumerations (same order as enums.toml).
CATEGORY_KEYS = ("party_gov", "township", "institution", "soe", "village", "community")
ROUND_TYPE_KEYS = ("regular", "special", "mobile", "extension", "elevated", "cross",
                   "follow_up", "linked")
GRADE_WEIGHTS = (5, 55, 28, 8, 4)  # 好, 良好, 较好, 一般, 较差
TRANSFER_WEIGHTS = (70, 20, 10)  # 县纪委监委, 县委组织部, 其他单位
DISPOSITION_WEIGHTS = (10, 30, 25, 10, 8, 17)  # 待处置 … 予以了结

# ---------------------------------------------------------------- the registry
PARTY_GOV = ("县委办公室", "县人大常委会办公室", "县政府办公室", "县政协委员会办公室",
             "县委统战部", "县委宣传部", "县委政法委", "县住房和城乡建设管理局", "县交通运输局",
             "县扶贫开发办公室", "县医疗保障局", "县行政审批服务管理局", "县能源局",
             "县退役军人事务局", "县交通警察大队", "县工商业联合会", "中共示例县委党校",
             "县残疾人联合会", "县委党史研究室", "县人民防空办公室", "县教育局", "县卫生健康局",
             "县农业农村局", "县自然资源局")
INSTITUTIONS = ("县直属机关事务服务中心", "县经济发展研究中心", "县重点工程及项目办公室",
                "县粮油服务中心", "县综合检验检测中心", "县收费事务中心", "县旅游服务中心",
                "县招商服务中心", "县农业广播电视学校")
SOES = ("县供水公司", "县城市建设投资有限公司", "县供热公司")
# township -> its villages and communities
TOWNSHIPS = {
    "东河镇": (("张家庄村", "李家沟村", "王家坪村", "河湾村"), ()),
    "西岭镇": (("岭上村", "石门村", "杨树沟村"), ()),
    "南川乡": (("南川村", "后沟村", "马家塔村"), ()),
    "北坡乡": (("北坡村", "刘家峁村", "高家湾村"), ()),
    "城关镇": (("东关村", "西关村", "南关村"), ("东关社区",)),
    "柳林乡": (("柳林村", "前进村", "红旗村"), ()),
    "城区街道": ((), ("马家洼社区", "新华社区", "文化路社区", "幸福里社区")),
}
ADDED = {"县医疗保障局": D(2019, 3, 1), "幸福里社区党支部": D(2020, 3, 1)}
REMOVED = {"李家沟村党支部": D(2020, 5, 31)}
NOTES = {"县医疗保障局": "机构改革新组建", "幸福里社区党支部": "新设社区",
         "李家沟村党支部": "并入张家庄村"}


def village(name: str) -> str:
    """The Party organisation of a village or community."""
    return f"{name}党委" if name == "马家洼社区" else f"{name}党支部"


def villages_of(township: str) -> list[str]:
    """Party organisations of a township's villages and communities."""
    vills, comms = TOWNSHIPS[township]
    return [village(v) for v in (*vills, *comms)]


# ---------------------------------------------------------------- the rounds
@dataclass(frozen=True)
class GroupPlan:
    group: int  # index into GROUPS
    type: str  # key of ROUND_TYPE_KEYS
    units: tuple[str, ...]
    start: dt.date
    end: dt.date | None  # None: in progress


@dataclass(frozen=True)
class RoundPlan:
    term: str
    number: int
    groups: tuple[GroupPlan, ...]
    deadline_days: int | None = None  # 整改时限 = 反馈日期 + days (None: not recorded)
    township_grade: int | None = None  # every township gets this grade (position in the scale)


def _township_units(*townships: str) -> tuple[str, ...]:
    return tuple(u for t in townships for u in (t, *villages_of(t)))


R4 = (D(2019, 3, 11), D(2019, 6, 28))
R5 = (D(2019, 11, 4), D(2020, 1, 17))
R6 = (D(2020, 4, 7), D(2020, 7, 3))
R8 = (D(2020, 9, 7), D(2021, 1, 8))
R9 = (D(2021, 3, 15), D(2021, 6, 18))
T15 = D(2021, 11, 8)
ROUNDS = (
    RoundPlan("十四届", 4, (
        GroupPlan(0, "regular", ("县委办公室", "县政府办公室"), *R4),
        GroupPlan(1, "regular", ("县委统战部", "县教育局"), *R4),
        GroupPlan(2, "regular", ("县卫生健康局", "县农业农村局"), *R4),
        GroupPlan(3, "regular", ("县自然资源局", "县城市建设投资有限公司"), *R4))),
    RoundPlan("十四届", 5, (  # across New Year: townships and their villages
        GroupPlan(0, "regular", _township_units("东河镇"), *R5),
        GroupPlan(1, "regular", _township_units("西岭镇", "南川乡"), *R5),
        GroupPlan(2, "regular", ("北坡乡", *villages_of("北坡乡"), "城区街道",
                                 *villages_of("城区街道")[:3]), *R5)),
        township_grade=1),
    RoundPlan("十四届", 6, (
        GroupPlan(0, "regular", ("县住房和城乡建设管理局", "县交通运输局", "县扶贫开发办公室",
                                 "县医疗保障局"), *R6),
        GroupPlan(1, "regular", ("县行政审批服务管理局", "县能源局", "县退役军人事务局",
                                 "县交通警察大队"), *R6),
        GroupPlan(2, "regular", ("县工商业联合会", "中共示例县委党校", "县残疾人联合会",
                                 "县委党史研究室"), *R6),
        GroupPlan(3, "regular", ("县直属机关事务服务中心", "县经济发展研究中心",
                                 "县重点工程及项目办公室", "县供水公司"), *R6)),
        deadline_days=90),
    RoundPlan("十四届", 7, (  # 人防系统专项巡察
        GroupPlan(3, "special", ("县人民防空办公室",), D(2020, 7, 20), D(2020, 8, 28)),)),
    RoundPlan("十四届", 8, (  # autumn: county units, and the village extension
        GroupPlan(0, "regular", ("县委政法委", "县委宣传部", "县人大常委会办公室",
                                 "县政协委员会办公室"), *R8),
        GroupPlan(1, "regular", ("县粮油服务中心", "县综合检验检测中心", "县收费事务中心",
                                 "县旅游服务中心", "县招商服务中心", "县农业广播电视学校"), *R8),
        GroupPlan(2, "extension", tuple(villages_of("城关镇")), *R8),
        GroupPlan(3, "extension", (*villages_of("柳林乡"), village("幸福里社区")), *R8)),
        deadline_days=60),
    RoundPlan("十四届", 9, (
        GroupPlan(0, "regular", ("城关镇", "柳林乡"), *R9),
        GroupPlan(1, "regular", ("县人民防空办公室", "县供热公司"), *R9),
        GroupPlan(2, "follow_up", ("县教育局", "县卫生健康局"), *R9)),
        deadline_days=60),
    RoundPlan("十五届", 1, (  # still in progress at the end of the sample
        GroupPlan(0, "regular", ("县委办公室", "县政府办公室"), T15, None),
        GroupPlan(1, "regular", ("县住房和城乡建设管理局", "县交通运输局"), T15, None),
        GroupPlan(2, "regular", ("县教育局", "县供水公司"), T15, None),
        GroupPlan(3, "regular", _township_units("西岭镇"), T15, None))),
)

# ---------------------------------------------------------------- texts
PROBLEM_TEXTS = (  # by position in the taxonomy
    ("落实意识形态工作责任制不到位", "贯彻落实上级决策部署打折扣", "脱贫攻坚项目推进缓慢",
     "“三重一大”决策制度执行不严格", "落实安全生产责任不到位", "优化营商环境措施落实不到位",
     "河长制工作落实不到位", "疫情防控常态化措施落实不细"),
    ("违规发放津补贴", "项目资金拨付不规范", "公务用车管理不规范", "虚报冒领惠民补贴",
     "工程项目未按规定招投标", "接待费用报销不规范", "优亲厚友评定低保", "集体资产资源管理混乱"),
    ("“三会一课”制度落实不严格", "发展党员程序不规范", "党费收缴不及时",
     "组织生活会批评与自我批评流于形式", "班子战斗力不强", "党员教育管理松散", "干部档案管理不规范"),
    ("上轮巡察反馈问题整改不彻底", "整改台账不健全", "审计指出问题整改不到位", "整改措施针对性不强"),
)
CLUE_TEXTS = ("反映某干部违规发放补贴", "反映村干部优亲厚友评定低保", "反映某单位虚列支出套取资金",
              "反映工程项目围标串标", "反映某干部违规经商办企业", "反映集体土地租金去向不明",
              "反映某干部收受礼金", "反映某单位违规使用公务用车")


@dataclass
class Context:
    """The standard's enumerations as used by the generator, and the random stream."""

    std: Standard
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))

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
    rows = [{"name": n, "category": ctx.cat("party_gov")} for n in PARTY_GOV]
    rows += [{"name": n, "category": ctx.cat("institution")} for n in INSTITUTIONS]
    rows += [{"name": n, "category": ctx.cat("soe")} for n in SOES]
    rows += [{"name": t, "category": ctx.cat("township")} for t in TOWNSHIPS]
    for township, (vills, comms) in TOWNSHIPS.items():
        rows += [{"name": village(v), "category": ctx.cat("village"), "township": township}
                 for v in vills]
        rows += [{"name": village(c), "category": ctx.cat("community"), "township": township}
                 for c in comms]
    for row in rows:
        row.update(added=ADDED.get(row["name"]), removed=REMOVED.get(row["name"]),
                   note=NOTES.get(row["name"]))
    return rows


def write_registry(ctx: Context, out_dir: Path) -> Path:
    """The registry workbook: terms, units, basic information."""
    spec = ctx.std.workbook("registry")
    wb = new_workbook(spec, ctx.std)
    rows = {
        "terms": [{"term": t, "start": s, "end": e} for t, s, e in TERMS],
        "units": registry_units(ctx),
        "basic_info": [{"item": "县名", "content": COUNTY},
                       {"item": "编制单位", "content": COMPILER}],
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
            "group": GROUPS[plan.group], "leader": LEADERS[plan.group], "start": plan.start,
            "end": plan.end, "filled_by": FILLERS[plan.group], **round_dates(plan)}


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


def write_round(ctx: Context, rnd: RoundPlan, plan: GroupPlan, out_dir: Path) -> Path:
    """One round workbook, e.g. ``2020年/十四届第6轮_第一巡察组.xlsx``."""
    spec = ctx.std.workbook("round")
    wb = new_workbook(spec, ctx.std, taxonomy=ctx.std.taxonomy_for_term(rnd.term))
    rows = round_rows(ctx, rnd, plan)
    for sheet in spec.sheets:
        fill_rows(wb[sheet.name], sheet, rows[sheet.id])
    name = f"{plan.start.year}年/{rnd.term}第{rnd.number}轮_{GROUPS[plan.group]}.xlsx"
    return save_workbook(wb, out_dir / name, STAMP)


# ---------------------------------------------------------------- office rows

SPECIAL_WORK = (  # (事项, type position, start, end, problems, rectified, clues, 说明)
    ("脱贫攻坚问题整改情况“回头看”", 0, D(2020, 4, 7), D(2020, 6, 30), 14, 14, 0,
     "对照各级脱贫攻坚专项巡视巡察、督查检查反馈问题清单逐项监督检查"),
    ("各级巡视巡察反馈问题整改落实情况监督检查", 0, D(2020, 9, 14), D(2020, 11, 27), 9, 6, 1,
     "抽查十四届第4、5轮巡察反馈问题整改情况"),
    ("配合市委巡察组开展巡视巡察上下联动", 1, D(2020, 6, 1), D(2020, 8, 31), 0, 0, 0,
     "配合市委巡察组对县能源局开展常规巡察"),
    ("人防系统腐败问题专项治理", 2, D(2020, 7, 20), D(2020, 8, 28), 6, 4, 1,
     "配合第四巡察组人防系统专项巡察"),
    ("新冠肺炎疫情防控（包联马家洼社区）", 3, D(2020, 1, 28), D(2020, 4, 30), 0, 0, 0,
     "逐门逐户排查登记，设立排查宣传站点"),
    ("年度巡察工作考核", 4, D(2020, 12, 7), D(2020, 12, 18), 0, 0, 0, "配合开展年度考核"),
)
TEAM = (("行政编制", 9), ("实有在编", 7), ("主任", 1), ("副主任", 2), ("正科级巡察专员", 1),
        ("副科级巡察专员", 2), ("组长库人数", 12), ("专职组长", 4), ("专业人员库人数", 30),
        ("工作人员库人数", 58))
TRAINING = (  # (date, 名称, type position, 参加人次)
    (D(2020, 4, 2), "十四届第6轮巡察巡前业务培训", 1, 36),
    (D(2020, 9, 3), "十四届第8轮巡察巡前业务培训", 1, 38),
    (D(2020, 7, 13), "市县巡察办主任提级培训（杭州）", 2, 1),
    (D(2020, 11, 16), "全省市县党委巡察组组长培训班", 2, 4),
)


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


def write_sample(out_dir: Path, std: Standard) -> list[Path]:
    """Write the sample county's workbooks into ``out_dir``; return their paths."""
    ctx, out_dir = Context(std), Path(out_dir)
    paths = [write_registry(ctx, out_dir)]
    for rnd in ROUNDS:
        paths += [write_round(ctx, rnd, plan, out_dir) for plan in rnd.groups]
    paths.append(write_office(ctx, out_dir))
    return paths
