"""The fictional 示例市 of the city side (spec rollup.md): its roster of counties (县区名单)
and three small counties, each an input folder of standard workbooks.

Everything here is fictional. The counties are written by the generator of 示例县
(``sample.write_county``) from their own :class:`~pipeline.authoring.sample_county.CountyProfile`:
fewer units, rounds of 2020 and 2021 only, no office workbook. 东溪县 has one planted
warning, explained (so its package carries a 核实说明); no county has an unexplained
warning, so each exports without ``--allow-unexplained``. The counties' packages come from
each county's own ``xuncha export``. Every workbook is written with a fixed timestamp and
a fixed seed, so two runs write byte-identical files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook as XlWorkbook
from openpyxl.styles import PatternFill

from ..rollup.format import package_format
from ..standard import Standard
from .blank_forms import HEADER_FONT, display_width, save_workbook
from .sample import write_county
from .sample_county import STAMP, CountyProfile, GroupPlan, RoundPlan

CITY = "示例市"
ROSTER_FILE = "县区名单.xlsx"
D = dt.date


def _dongxi() -> CountyProfile:
    towns = {"溪口镇": (("溪口村", "上溪村", "下溪村"), ()), "东山乡": (("东山村", "竹林村"), ()),
             "新城街道": ((), ("新城社区", "溪东社区"))}
    c = CountyProfile(
        county="东溪县", compiler="中共东溪县委巡察工作领导小组办公室", seed=20200301,
        party_gov=("县委办公室", "县政府办公室", "县委老干部局", "县发展和改革局", "县财政局", "县教育局",
                   "县卫生健康局", "县民政局"),
        institutions=("县城市管理服务中心", "县农业技术推广中心"), soes=("县自来水公司",),
        townships=towns, rounds=(), leaders=("周海涛", "吴国平"), fillers=("郑丽", "冯静"),
        planted=(("十四届", 5, 1, "clue-no-people",
                  "该线索反映县自来水公司工程款支付不规范，系单位集体决策，尚未指向具体个人；已移交县纪委监委核实。"),))
    r5, r6, r7 = (D(2020, 4, 13), D(2020, 6, 30)), (D(2020, 9, 7), D(2020, 12, 18)), (D(2021, 3, 15), D(2021, 6, 11))
    rounds = (
        RoundPlan("十四届", 5, (GroupPlan(0, "regular", ("县委办公室", "县发展和改革局", "县财政局"), *r5),
                                GroupPlan(1, "regular", ("县教育局", "县城市管理服务中心", "县自来水公司"), *r5)),
                  deadline_days=60),
        RoundPlan("十四届", 6, (GroupPlan(0, "regular", c.township_units("溪口镇"), *r6),
                                GroupPlan(1, "extension", tuple(c.villages_of("东山乡")), *r6)),
                  deadline_days=60, township_grade=1),
        RoundPlan("十四届", 7, (GroupPlan(0, "regular", ("县卫生健康局", "县民政局"), *r7),
                                GroupPlan(1, "regular", c.township_units("新城街道"), *r7)),
                  deadline_days=60),
    )
    return _with_rounds(c, rounds)


def _nanling() -> CountyProfile:
    towns = {"岭南镇": (("岭南村", "茶园村", "石桥村"), ()), "南坪乡": (("南坪村", "桃源村"), ())}
    c = CountyProfile(
        county="南岭县", compiler="中共南岭县委巡察工作领导小组办公室", seed=20200302,
        party_gov=("县委办公室", "县政府办公室", "县委宣传部", "县公安局", "县水利局", "县林业局",
                   "县文化和旅游局"),
        institutions=("县融媒体中心",), soes=("县城市建设投资有限公司", "县旅游开发公司"),
        townships=towns, rounds=(), leaders=("何志强", "韩文斌", "曹建军"), fillers=("许燕", "邓洁", "彭琳"))
    r4, r5, r6 = (D(2020, 3, 23), D(2020, 6, 5)), (D(2020, 8, 31), D(2020, 11, 27)), (D(2021, 4, 6), D(2021, 6, 25))
    rounds = (
        RoundPlan("十四届", 4, (GroupPlan(0, "regular", ("县委办公室", "县公安局"), *r4),
                                GroupPlan(1, "regular", ("县水利局", "县林业局"), *r4),
                                GroupPlan(2, "regular", ("县融媒体中心", "县城市建设投资有限公司"), *r4)),
                  deadline_days=90),
        RoundPlan("十四届", 5, (GroupPlan(0, "regular", c.township_units("岭南镇"), *r5),
                                GroupPlan(1, "regular", c.township_units("南坪乡"), *r5)),
                  deadline_days=60),
        RoundPlan("十四届", 6, (GroupPlan(0, "regular", ("县委宣传部", "县文化和旅游局"), *r6),
                                GroupPlan(2, "regular", ("县旅游开发公司", "县政府办公室"), *r6)),
                  deadline_days=60),
    )
    return _with_rounds(c, rounds)


def _xiping() -> CountyProfile:
    towns = {"西坪镇": (("西坪村", "河西村", "坪上村"), ()), "北山乡": (("北山村", "沟口村", "杏花村"), ())}
    c = CountyProfile(
        county="西坪县", compiler="中共西坪县委巡察工作领导小组办公室", seed=20200303,
        party_gov=("县委办公室", "县政府办公室", "县委政法委", "县住房和城乡建设局", "县交通运输局", "县审计局"),
        institutions=("县政务服务中心", "县疾病预防控制中心"), soes=("县粮食储备有限公司",),
        townships=towns, rounds=(), leaders=("蒋卫东", "沈建平"), fillers=("韦敏", "梁倩"))
    r3, r4, r5 = (D(2020, 5, 11), D(2020, 7, 24)), (D(2020, 10, 12), D(2021, 1, 15)), (D(2021, 4, 12), D(2021, 7, 2))
    rounds = (
        RoundPlan("十四届", 3, (GroupPlan(0, "regular", ("县委政法委", "县住房和城乡建设局"), *r3),
                                GroupPlan(1, "regular", ("县交通运输局", "县政务服务中心"), *r3)),
                  deadline_days=90),
        RoundPlan("十四届", 4, (GroupPlan(0, "regular", c.township_units("西坪镇"), *r4),  # across New Year
                                GroupPlan(1, "extension", tuple(c.villages_of("北山乡")), *r4)),
                  deadline_days=60, township_grade=2),
        RoundPlan("十四届", 5, (GroupPlan(0, "regular", ("县审计局", "县疾病预防控制中心", "县粮食储备有限公司"),
                                          *r5),), deadline_days=60),
    )
    return _with_rounds(c, rounds)


def _with_rounds(county: CountyProfile, rounds: tuple[RoundPlan, ...]) -> CountyProfile:
    from dataclasses import replace

    return replace(county, rounds=rounds)


COUNTY_PROFILES = (_dongxi(), _nanling(), _xiping())
COUNTIES = tuple(c.county for c in COUNTY_PROFILES)  # in the city's own order (missing_counties follows it)


def roster_workbook(counties: tuple[str, ...] = COUNTIES) -> XlWorkbook:
    """A roster workbook: one sheet 县区名单, header 县区, one county a row."""
    sec = package_format().section("roster")
    wb = XlWorkbook()
    ws = wb.active
    ws.title = sec["sheet"]
    ws.append([sec["header"]])
    ws["A1"].font = HEADER_FONT
    ws["A1"].fill = PatternFill("solid", fgColor="D9E1F2")
    for county in counties:
        ws.append([county])
    ws.column_dimensions["A"].width = max(display_width(c) for c in (sec["header"], *counties)) + 6
    ws.freeze_panes = "A2"
    return wb


def write_roster(out_dir: Path, counties: tuple[str, ...] = COUNTIES) -> Path:
    """Write the city's roster 县区名单.xlsx into ``out_dir``; return its path."""
    return save_workbook(roster_workbook(counties), Path(out_dir) / ROSTER_FILE, STAMP)


def write_city_sample(out_dir: Path, std: Standard) -> list[Path]:
    """Write the sample city into ``out_dir``: the roster, then one input folder per county
    (``out_dir/东溪县/…``); return every path, the roster first."""
    out_dir = Path(out_dir)
    paths = [write_roster(out_dir)]
    for county in COUNTY_PROFILES:
        paths += write_county(out_dir / county.county, std, county)
    return paths
