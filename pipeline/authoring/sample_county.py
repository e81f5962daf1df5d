"""The fictional 示例县: its units, terms, groups, rounds, problem texts and office year.

Only facts of the sample county live here (what an office would type); the
generator that turns them into standard workbooks is ``sample``. The facts that differ
from one county to another are gathered in a :class:`CountyProfile` (``SAMPLE_COUNTY``
here; the sample city's three counties in ``sample_city``); terms, texts and the
enumeration keys are shared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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
             "县农业农村局", "县自然资源局",
             # planned in 2021 (PLAN_ONLY), or in no plan at all (县林业局): never inspected
             "县市场监督管理局", "县审计局", "县统计局", "县林业局")
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

# Long-term items (长期整改事项): 整改时限 set apart from the round's and 整改完成日期 just
# before it. problem id -> (整改时限, 整改完成日期). Chosen so that every light of the
# rectification ledger shows in the sample both as of 2020-12-31 (annual 2020: W6-1-006
# yellow, W6-4-005 green) and as of 2021-06-30 (monthly 2021-06: W8-1-005 yellow, W8-3-001 green).
LONG_TERM = {
    "W6-1-006": (D(2021, 1, 5), D(2021, 1, 4)),
    "W6-4-005": (D(2021, 1, 15), D(2021, 1, 14)),
    "W8-1-005": (D(2021, 7, 8), D(2021, 7, 6)),
    "W8-3-001": (D(2021, 7, 16), D(2021, 7, 15)),
}
# ---------------------------------------------------------------- the plan (巡察计划)
# Every group of ROUNDS is in the registry's plan as it went (an in-progress group planned to
# end PLANNED_DAYS after its start). Besides, groups planned but with no workbook: 第四巡察组 of
# round 9 (due 2021-03-15, never submitted: missing in monthly --month 2021-06), and a round 10
# planned for the summer of 2021.
PLANNED_DAYS = 70
PLAN_ONLY = (
    RoundPlan("十四届", 9, (GroupPlan(3, "regular", ("县市场监督管理局", "县审计局"), *R9),)),
    RoundPlan("十四届", 10, (GroupPlan(0, "regular", ("县统计局",), D(2021, 7, 12), D(2021, 9, 10)),)),
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


# ---------------------------------------------------------------- 核实性 warnings and 核实说明

# Odd but possible rows planted after the random draws (so every other row stays as drawn),
# so that the sample shows warnings explained and unexplained (office-loop.md §2):
# (届次, 轮次, group position, warning code, 核实说明 or "" for a row still to explain).
PLANTED = (
    ("十四届", 6, 1, "clue-no-people",
     "该线索反映村“两委”集体决定违规发放补贴，系集体决策，尚未指向具体个人；已移交县纪委监委，核实后再确定涉及人员。"),
    ("十四届", 6, 2, "rectified-date-unexpected",
     "该问题的整改措施已于10月底落实到位，相关制度修订尚待党组会审议通过，故整改状态仍填“整改中”，已与被巡察单位核实。"),
    ("十四届", 8, 0, "clue-no-people", ""),
)
EXPLAINED_BY, EXPLAINED_ON = "李四", "2021-01-08"
EXPLANATIONS_FILE = "核实说明/核实说明_2020.xlsx"
RECTIFIED_AFTER_DAYS = 45  # the planted 整改完成日期, after the problem was found


# ---------------------------------------------------------------- 整改进展表 returned (rectification.md)
# Organisations of round 6 (feedback 2020-08-07, 整改时限 2020-11-05) that returned the 整改进展表 the
# office sent them, filled (written into inputs/整改进展/ under the name the tool gave it), each
# speaking of its problems still open in the round workbook: (届次, 轮次, 被巡察党组织, 填报日期, how):
# on_time  every one 已整改 before the deadline, with measures and evidence;
# late     已整改 after the deadline (rectified-after-deadline, explained);
# no_evidence  已整改 without 佐证材料 (rectified-without-evidence: "报告整改" unless explained; explained);
# regress  still 整改中, and one problem the round workbook has as 已整改 reported 整改中 again
#          (return-status-regressed, explained: the problem is open again).
# The last is dated 2021: the annual statistics of 2020 do not count it (it still owes one in 2020).
RETURNS = (
    ("十四届", 6, "县退役军人事务局", D(2020, 11, 3), "on_time"),
    ("十四届", 6, "县经济发展研究中心", D(2020, 12, 15), "late"),
    ("十四届", 6, "县住房和城乡建设管理局", D(2020, 11, 4), "no_evidence"),
    ("十四届", 6, "县工商业联合会", D(2020, 11, 20), "regress"),
    ("十四届", 6, "县残疾人联合会", D(2021, 1, 12), "late"),
)
RETURNS_FOLDER = "整改进展"
RETURN_LEADER, RETURN_DEPARTMENT = "单位主要负责人", "办公室"
RETURN_MEASURES = "召开专题会议研究整改，制定整改方案，逐项明确责任人和完成时限，建立长效机制"
RETURN_EVIDENCE = "整改方案；专题会议纪要；制度文件"
RETURN_ONGOING = "整改措施正在落实，相关制度尚待党组会审议，预计下月完成"
RETURN_REOPENED = "经自查，该问题整改后出现反弹，已重新纳入整改"
RETURN_EXPLANATIONS = {
    "rectified-after-deadline": "该单位因机构调整延误整改，已于完成后报送整改进展；巡察办已约谈其主要负责人，"
                                "逾期情况已记入整改台账",
    "rectified-without-evidence": "佐证材料为纸质会议记录和现场照片，已由该单位另行报送巡察办，经核对属实",
    "return-status-regressed": "经核实，该问题整改后出现反弹，单位主动报告并重新整改，巡察办同意按整改中统计",
}

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


# ---------------------------------------------------------------- one county's facts

@dataclass(frozen=True)
class CountyProfile:
    """What the generator needs of one fictional county (``sample.write_county``)."""

    county: str
    compiler: str
    seed: int
    party_gov: tuple[str, ...]
    institutions: tuple[str, ...]
    soes: tuple[str, ...]
    townships: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    rounds: tuple[RoundPlan, ...]
    leaders: tuple[str, ...] = LEADERS  # by group position
    fillers: tuple[str, ...] = FILLERS
    added: dict[str, dt.date] = field(default_factory=dict)
    removed: dict[str, dt.date] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    plan_only: tuple[RoundPlan, ...] = ()
    long_term: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)
    planted: tuple[tuple, ...] = ()  # as PLANTED
    returns: tuple[tuple, ...] = ()  # as RETURNS
    office: bool = False  # write the office workbook of OFFICE_YEAR

    def villages_of(self, township: str) -> list[str]:
        """Party organisations of a township's villages and communities."""
        vills, comms = self.townships[township]
        return [village(v) for v in (*vills, *comms)]

    def township_units(self, *townships: str) -> tuple[str, ...]:
        """Each township followed by its villages' Party organisations."""
        return tuple(u for t in townships for u in (t, *self.villages_of(t)))


SAMPLE_COUNTY = CountyProfile(
    county=COUNTY, compiler=COMPILER, seed=SEED, party_gov=PARTY_GOV, institutions=INSTITUTIONS, soes=SOES,
    townships=TOWNSHIPS, rounds=ROUNDS, added=ADDED, removed=REMOVED, notes=NOTES, plan_only=PLAN_ONLY,
    long_term=LONG_TERM, planted=PLANTED, returns=RETURNS, office=True)
