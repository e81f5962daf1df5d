"""The annual summary draft and the monthly brief, written from the hand-made county.

The county is tests/county.py (青禾县), written as workbooks and read back by the real
pipeline (load_dataset -> build_report -> write_documents), plus an office workbook
(年度综合情况) made here. Figures are worked out by hand in the comments; row names:
R<round>G<group> a submission, workload rows by their 统计日期, problems W…, clues X….
Problem categories: A 贯彻落实…, B 群众身边腐败…, C 软弱涣散….
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn

from county import CANARY, _write_workbook, county_dataset, write_county
from pipeline.engine import load_dataset
from pipeline.periods import annual, monthly
from pipeline.render.docx_layout import MARKER_RE
from pipeline.render.summary import (
    ANNUAL_TEMPLATE,
    TEMPLATE_DIR,
    TemplateProblem,
    change_cn,
    cn_count,
    cn_number,
    environment,
    pct,
    pct_of,
    span_cn,
    write_documents,
)
from pipeline.stats.aggregate import build_report
from shipped import STD

D = dt.date
TODAY = D(2021, 3, 1)
OFFICE_FILE = "2020/年度综合情况_2020.xlsx"

# 专项工作: (事项, 类型, 开始, 结束, 发现问题, 已整改, 移交线索, 说明); the 2019 row is not of 2020.
SPECIAL_WORK = [
    ("脱贫攻坚问题整改情况“回头看”", "整改监督检查", D(2020, 4, 1), D(2020, 6, 30), 8, 6, 1,
     "对照问题清单逐项检查。"),
    ("配合市委巡察组上下联动", "上下联动", D(2020, 6, 1), D(2020, 8, 31), 0, 0, 0,
     "配合市委巡察组对县财政局开展常规巡察"),
    ("新冠肺炎疫情防控", "疫情防控", D(2020, 1, 28), D(2020, 4, 30), 0, 0, 0, "包联城关社区"),
    ("上年整改检查", "整改监督检查", D(2019, 9, 1), D(2019, 10, 31), 3, 3, 0, None),
]
# 队伍建设 of 2020 without 副科级巡察专员 (a marker goes there) and with an item of its own.
TEAM = [("行政编制", 9), ("实有在编", 7), ("主任", 1), ("副主任", 2), ("正科级巡察专员", 1),
        ("组长库人数", 12), ("专职组长", 4), ("专业人员库人数", 30), ("工作人员库人数", 58),
        ("借调人员", 3)]
TRAINING = [(D(2020, 3, 3), "每周二班前集中学习", "集中学习", 7),
            (D(2020, 3, 10), "每周二班前集中学习", "集中学习", 6),
            (D(2020, 4, 2), "第3轮巡察巡前业务培训", "业务培训", 36),
            (D(2020, 7, 13), "市县巡察办主任提级培训", "上级培训", 1),
            (D(2019, 12, 3), "上年培训", "业务培训", 20)]


def write_office(folder: Path) -> Path:
    """The office workbook, headers from the standard."""
    special = [dict(zip(("item", "type", "start", "end", "problems", "rectified", "clues", "note"),
                        row, strict=True)) for row in SPECIAL_WORK]
    team = [{"year": 2020, "item": item, "count": n} for item, n in TEAM]
    team.append({"year": 2019, "item": "行政编制", "count": 5})
    training = [dict(zip(("date", "name", "type", "participants"), row, strict=True))
                for row in TRAINING]
    return _write_workbook(folder / OFFICE_FILE,
                           {"special_work": special, "team": team, "training": training})


def render(ds, period, out: Path) -> tuple[str, int, list[Path]]:
    report = build_report(ds, STD, period, today=TODAY)
    paths, markers = write_documents(report, out)
    return paths[1].read_text(encoding="utf-8"), markers, paths


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    write_county(folder)
    write_office(folder)
    ds = load_dataset(folder, STD)
    assert ds.errors == [], [f.message for f in ds.errors]
    return ds


@pytest.fixture(scope="module")
def annual_doc(dataset, tmp_path_factory):
    return render(dataset, annual("2020"), tmp_path_factory.mktemp("annual"))


@pytest.fixture(scope="module")
def text(annual_doc):
    return annual_doc[0]


def section(text: str, start: str, end: str) -> str:
    """The text from ``start`` up to (not including) ``end``."""
    return text[text.index(start):text.index(end, text.index(start))]


# ------------------------------------------------------------------ the annual summary

def test_files_are_named_after_the_county(annual_doc):
    names = [p.name for p in annual_doc[2]]
    assert names == ["青禾县委巡察办2020年度巡察工作总结（初稿）.docx",
                     "青禾县委巡察办2020年度巡察工作总结（初稿）.md"]
    assert annual_doc[0].startswith("# 青禾县委巡察办2020年度巡察工作总结\n")


def test_opening_paragraph_names_the_rounds_and_the_office_work(text):
    # R2 began 2019-11-04 and ended 2020-01-15: completed; R3 and R5 began in 2020; R4 专项.
    assert ("突出政治巡察，完成了十四届县委第二轮巡察，开展了十四届县委第三轮、第五轮巡察，"
            "开展了十四届县委第四轮专项巡察，开展了脱贫攻坚问题整改情况“回头看”，"
            "加强对各级巡视巡察反馈问题整改落实情况的监督检查，加强巡察机构和巡察干部队伍建设，"
            "积极开展新冠肺炎疫情防控等工作，取得了良好成效。") in text


ROUND_2 = [
    "### （一）十四届县委第二轮巡察情况。按照县委巡察工作领导小组的安排部署，",
    # R2G1 2019-11-04..2020-01-15, R2G2 2019-11-04..2019-12-27: two groups
    "2019年11月4日至2020年1月15日开展了十四届县委第二轮巡察，县委两个巡察组对东关镇、西河乡"
    "等2个乡镇（街道）党组织，以及东关镇所辖的2个村党组织进行了巡察。",  # 南坡村, 东关村
    "紧扣“三个聚焦”，",
    # 来电来访 3+1+2+1=7; 谈话 20+15+8+12=55; 汇报 2+1+1+2=6; 文件 50+30+12+35=127;
    # 凭证 10+25+6+15=56; 问卷 30+0+20+25=75; 走访 2+1+3+1=7 (R2G1 ×3 rows, R2G2 ×1)
    "共受理群众来电来访7件次，开展个别谈话55人次，听取专题汇报6个，调阅文件资料127份，"
    "查阅财务凭证56本，发放调查问卷75份，走访调研7处。",
    # W2-01 A, W2-02 B, W2-03 C, W2-04 B
    "巡察发现被巡察党组织“三个聚焦”方面问题4个，其中：聚焦贯彻落实党的路线方针政策和党中央"
    "决策部署方面存在的问题1个；聚焦群众身边腐败问题和不正之风方面存在的问题2个；"
    "聚焦基层党组织软弱涣散、组织力欠缺方面存在的问题1个。",
    # X2-01 2 cadres + 1 other, X2-02 1 cadre
    "巡察发现重点人、重点事的问题线索2件，涉及党员干部3人，其他人员1人。",
    "反馈被巡察党组织立行立改的问题1个。",  # W2-02
    # 东关镇 良好, 西河乡 较好, 东关村 一般, 南坡村 not graded
    "对3个被巡察党组织政治生态进行了评估，1个为良好等次，1个为较好等次，1个为一般等次。",
    "2020年1月20日巡察组向县委巡察工作领导小组汇报了巡察工作情况，2020年2月10日巡察办向"
    "县委书记专题会汇报了巡察综合情况，2020年3月2日—5日由领导小组成员带队巡察组向被巡察"
    "党组织进行了巡察反馈，问题线索已移交县纪委监委、县委组织部分类处置。",
]


def test_first_round_section_has_every_figure(text):
    part = section(text, "### （一）", "### （二）")
    for sentence in ROUND_2:
        assert sentence in part
    assert "\n" not in part.strip(), "a round is one paragraph"


def test_second_round_section(text):
    part = section(text, "### （二）", "### （三）")
    assert "2020年4月7日至7月10日开展了十四届县委第三轮巡察，县委两个巡察组对县委办公室、" \
           "县供水公司，以及西河乡所辖的1个村党组织进行了巡察。" in part
    # 来电来访 R3G1 4+2+1+0, R3G2 3+1 = 11; 谈话 26+14+10+5 + 16+6 = 77
    assert "共受理群众来电来访11件次，开展个别谈话77人次，" in part
    # W3-01 A, W3-04 A; W3-03 B, W3-05 B; W3-02 C, W3-06 C
    assert "方面问题6个，其中：聚焦贯彻落实党的路线方针政策和党中央决策部署方面存在的问题2个；" in part
    # X3-01 2+0, X3-03 1+0, X3-02 1+2
    assert "问题线索3件，涉及党员干部4人，其他人员2人。" in part
    assert "1个为好等次，1个为良好等次，1个为较差等次。" in part
    assert "2020年8月17日—19日由领导小组成员带队" in part
    assert "问题线索已移交县纪委监委、其他单位分类处置。" in part


def test_round_in_progress_says_so(text):
    part = section(text, "### （三）", "### （四）")
    assert "县委第一巡察组于2020年10月12日进驻，开展十四届县委第五轮巡察，巡察对象为：" \
           "县医保中心，以及东关镇所辖的1个社区党组织。" in part
    # 10-31 and 11-30 rows: 来电来访 2+1, 谈话 22+17; W5-01, W5-02; X5-01
    assert "截至2020年12月31日，共受理群众来电来访3件次，开展个别谈话39人次，" in part
    assert "发现问题2个，问题线索1件。目前，本轮巡察正在开展中。" in part
    assert "汇报" not in part.replace("听取专题汇报", "")  # no report dates asked of it yet


def test_special_round_has_its_own_section(text):
    part = section(text, "### （四）", "### （五）")
    assert part.startswith("### （四）十四届县委第四轮专项巡察情况。")
    # W4-01 A, W4-02 B (立行立改); feedback 2020-07-20
    assert "2020年6月8日至7月3日，县委第三巡察组对县财政局、县人防办等2个县直党群行政单位" \
           "党组织进行了专项巡察，巡察发现2类共2个问题，其中立行立改1个，" \
           "2020年7月20日已反馈被巡察党组织整改落实。" in part


def test_linkage_from_the_office_workbook(text):
    assert "### （五）开展巡视巡察上下联动情况。配合市委巡察组上下联动：2020年6月1日至8月31日，" \
           "配合市委巡察组对县财政局开展常规巡察。" in text


def test_coverage_section(text):
    part = section(text, "### （六）巡察全覆盖任务完成情况。", "## 二、")
    # county level in force on 2020-12-31: 9 (县大数据中心 added 2020-09-01); inspected by
    # counting rounds: 县财政局 县教育局 (R1), 东关镇 西河乡 (R2), 县委办公室 县供水公司 (R3),
    # 县医保中心 (R5) = 7; 县人防办 only by the 专项 R4. 7/9 = 77.8%
    assert "青禾县十四届县委应巡察的县级巡察对象共9个，其中县直党群行政单位4个、乡镇（街道）2个、" \
           "科级事业单位2个、国有企业1个。截至2020年12月31日，已巡察7个，全覆盖完成率77.8%" in part
    assert "县直党群行政单位已巡察3个，完成率75%；" in part  # 3/4
    assert "科级事业单位已巡察1个，完成率50%；" in part  # 1/2
    assert "其余2个尚未巡察（县人防办、县大数据中心）。" in part
    # villages in force: 东关村 西河村 北岭村 城关社区 (南坡村 merged away 2020-05-31);
    # inspected 东关村 西河村 城关社区 = 3/4; 村 2/3 = 66.7%
    assert "应巡察的村（社区）党组织共4个，其中村党组织3个、社区党组织1个。" \
           "截至2020年12月31日，已巡察3个，全覆盖完成率75%（村党组织已巡察2个，完成率66.7%；" \
           "社区党组织已巡察1个，完成率100%），其余1个尚未巡察（北岭村）。" in part
    assert "另有1个已巡察单位已撤销（南坡村），未计入上述数字。" in part


def test_rectification_section(text):
    part = section(text, "## 二、", "## 三、")
    assert "### （一）脱贫攻坚问题整改情况“回头看”。2020年4月1日至6月30日，对照问题清单逐项检查。" \
           "共发现问题8个，已整改6个，移交问题线索1件。" in part
    assert "上年整改检查" not in part  # started 2019
    # problems found in 2020: W2-03, W3-01..06, W4-01, W4-02, W5-01, W5-02 = 11;
    # 立行立改 W3-02, W4-02 = 2; 已整改 by 2020-12-31: W2-03 W3-01 W3-02 W3-03 W4-01 W4-02 = 6
    # (W3-05 only on 2021-02-01); 6/11 = 54.5%
    assert "### （二）巡察发现问题整改情况。2020年巡察发现问题11个，其中立行立改2个；" \
           "截至2020年12月31日，已整改6个，整改率54.5%，其余5个尚未完成整改" in part


def test_team_section_and_the_marker_where_an_item_is_missing(text):
    part = section(text, "## 三、", "## 四、")
    assert "### （一）机构队伍建设。青禾县委巡察办行政编制9名，现实有在编干部7名，" \
           "巡察办班子一正两副、正科级巡察专员1名、副科级巡察专员" \
           "【待补充：“副科级巡察专员”（“队伍建设”表中无此项）】名。此外，借调人员：3。" in part
    # 12 + 30 + 58 = 100
    assert "“一长两员”库共有人员100人，其中组长库12人，其中专职组长4人、专业人员库30人、" \
           "工作人员库58人。" in part


def test_training_section(text):
    part = section(text, "## 四、", "## 五、")
    # two 集中学习 rows of 2020: 7 + 6 = 13 人次; the 2019 training is left out
    assert "2020年共组织每周二班前集中学习2次，参加13人次。" in part
    assert "一是2020年4月2日开展了第3轮巡察巡前业务培训，参训36人次；二是2020年7月13日参加了" \
           "市县巡察办主任提级培训，参训1人次。" in part
    assert "上年培训" not in part


def test_other_work_and_plan(text):
    assert "## 五、其他工作开展情况\n\n### （一）新冠肺炎疫情防控。2020年1月28日至4月30日，" \
           "包联城关社区。" in text
    assert text.rstrip().endswith(
        "## 六、2021年工作计划\n\n【待补充：2021年工作计划，由巡察办结合县委部署撰写】")


def test_markers_are_counted_and_nothing_is_made_up(annual_doc):
    text, markers, _ = annual_doc
    assert markers == 3  # 副科级巡察专员, 未填报巡察计划 (coverage incomplete, no 巡察计划), the plan
    assert len(MARKER_RE.findall(text)) == markers
    assert "X" not in text and "x" not in text
    assert "None" not in text and "nan" not in text.lower()


def test_clue_summaries_never_reach_the_documents(annual_doc):
    text, _, paths = annual_doc
    assert CANARY not in text
    with zipfile.ZipFile(paths[0]) as z:
        assert all(CANARY not in z.read(n).decode("utf-8", "replace") for n in z.namelist())


def test_the_summary_docx_has_the_gbt9704_fonts_and_margins(annual_doc):
    document = docx.Document(str(annual_doc[2][0]))
    section = document.sections[0]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin,
                                  section.left_margin, section.right_margin)] == [37, 35, 28, 26]

    def fonts(para):
        return {(r._element.rPr.rFonts.get(qn("w:eastAsia")), r.font.size.pt) for r in para.runs}

    paras = document.paragraphs
    assert paras[0].text == "青禾县委巡察办2020年度巡察工作总结"
    assert fonts(paras[0]) == {("方正小标宋简体", 22)}
    heading = next(p for p in paras if p.text == "一、巡察工作开展情况")
    assert fonts(heading) == {("黑体", 16)}
    round_2 = next(p for p in paras if p.text.startswith("（一）十四届县委第二轮巡察情况。"))
    assert round_2.runs[0].text == "（一）十四届县委第二轮巡察情况。"
    assert fonts(round_2) == {("楷体_GB2312", 16), ("仿宋_GB2312", 16)}
    assert document.settings.element.find(qn("w:evenAndOddHeaders")) is not None


# ------------------------------------------------------------------ missing facts

def test_a_missing_report_date_becomes_a_marker_in_its_sentence(tmp_path):
    ds = county_dataset()
    info = ds.tables["round_info"]
    ds.tables["round_info"] = info.assign(report_secretary=info["report_secretary"].where(
        info["round"] != 3, pd.NaT))
    text, markers, _ = render(ds, annual("2020"), tmp_path)
    part = section(text, "### （二）", "### （三）")
    assert "2020年7月20日巡察组向县委巡察工作领导小组汇报了巡察工作情况，" \
           "【待补充：向县委书记专题会汇报的日期（“轮次信息”表“汇报书记专题会日期”未填）】" \
           "巡察办向县委书记专题会汇报了巡察综合情况，" in part
    assert "2020年8月3日" not in part


def test_without_office_workbook_each_office_section_is_marked(tmp_path):
    text, markers, _ = render(county_dataset(), annual("2020"), tmp_path)
    gap = "（未读取到“年度综合情况”工作簿）】"
    expected = [
        "## 二、巡视巡察反馈问题整改落实情况\n\n【待补充：本年度对巡视巡察反馈问题整改落实情况的"
        "监督检查（类型为“整改监督检查”的事项）" + gap,
        "## 三、机构队伍建设方面\n\n【待补充：机构队伍建设和“一长两员”库情况" + gap,
        "## 四、学习培训情况\n\n【待补充：学习培训情况" + gap,
        "## 五、其他工作开展情况\n\n【待补充：本年度其他工作（如疫情防控、专项治理）" + gap,
    ]
    for sentence in expected:
        assert sentence in text
    assert markers == 6  # the four above, 未填报巡察计划 and the plan
    assert "上下联动" not in text  # no data, no invented section


def test_office_rows_of_another_year_do_not_count(dataset, tmp_path):
    text, markers, _ = render(dataset, annual("2019"), tmp_path)
    assert "上年整改检查" in text  # the 2019 row
    assert "行政编制5名" in text  # the 2019 队伍建设 row
    assert "【待补充：学习培训情况（“学习培训”表中没有2019年度的记录）】" not in text
    assert "上年培训" in text
    assert "### （一）机构队伍建设。" in text


def test_a_year_without_office_rows_is_marked_per_sheet(dataset, tmp_path):
    text, markers, _ = render(dataset, annual("2021"), tmp_path)
    for sheet, what in (("队伍建设", "机构队伍建设和“一长两员”库情况"), ("学习培训", "学习培训情况"),
                        ("专项工作", "本年度其他工作（如疫情防控、专项治理）")):
        assert f"【待补充：{what}（“{sheet}”表中没有2021年度的记录）】" in text
    assert "None" not in text
    # R5 (begun 2020-10-12, no end) is the only round of 2021
    assert "突出政治巡察，继续开展了十四届县委第五轮巡察，取得了良好成效。" in text


def test_rounds_of_two_terms_are_listed_term_by_term():
    env = environment()
    template = env.from_string('{% from "_公用宏.md.j2" import round_list %}{{ round_list(rs) }}')
    regular = {"types": ["常规巡察"], "type": "常规巡察"}
    rounds = [{"term": "十四届", "round": 8, **regular}, {"term": "十四届", "round": 9, **regular},
              {"term": "十五届", "round": 1, **regular}]
    text = "".join(line.strip() for line in template.render(rs=rounds).splitlines())
    assert text == "十四届县委第八轮、第九轮巡察、十五届县委第一轮巡察"


def test_unknown_county_says_county_committee(tmp_path):
    ds = county_dataset()
    ds.info = {}
    text, _, paths = render(ds, annual("2020"), tmp_path)
    assert paths[0].name == "县委巡察办2020年度巡察工作总结（初稿）.docx"
    assert text.startswith("# 县委巡察办2020年度巡察工作总结\n")
    assert "本县十四届县委应巡察的县级巡察对象共9个" in text


def test_excluded_workbooks_are_said_at_the_top(tmp_path):
    ds = county_dataset()
    ds.excluded = ["2020/坏表.xlsx"]
    text, markers, _ = render(ds, annual("2020"), tmp_path)
    first = text.split("\n\n")[1]
    assert first == "【待补充：以下工作簿有错误，未计入本稿的数字，改正后请重新生成：2020/坏表.xlsx】"


def test_a_template_typo_fails_loudly_with_its_line(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATE_DIR, templates)
    path = templates / ANNUAL_TEMPLATE
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("## 一、"))
    lines[number - 1] = "## 一、{{ yaer }}巡察工作开展情况"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = build_report(county_dataset(), STD, annual("2020"), today=TODAY)
    with pytest.raises(TemplateProblem, match=f"第{number}行.*yaer"):
        write_documents(report, tmp_path / "out", template_dir=templates)


# ------------------------------------------------------------------ the monthly brief

@pytest.fixture(scope="module")
def june(dataset, tmp_path_factory):
    return render(dataset, monthly("2020-06"), tmp_path_factory.mktemp("june"))


def test_monthly_brief_sentences(june):
    text, markers, paths = june
    assert paths[0].name == "青禾县委巡察办巡察工作月报（2020年06月）.docx"
    assert markers == 0
    assert "# 青禾县委巡察办巡察工作月报\n\n> （2020年6月）" in text
    assert "本月，十四届县委第三轮巡察（两个巡察组，4月7日进驻，正在开展中）；十四届县委第四轮" \
           "专项巡察（第三巡察组，6月8日进驻，正在开展中）。" in text
    # June rows: 县供水公司 6-30, 西河村 6-24, 县人防办 6-30: 来电来访 1+1+0, 谈话 10+6+9,
    # 汇报 1+1+2, 文件 30+8+20, 凭证 50+4+8, 问卷 40+0+15, 走访 2+2+1;
    # problems W3-02 W3-03 W3-06 W4-01 W4-02 = 5 (立行立改 W3-02 W4-02); clues X3-01 (2+0), X3-02 (1+2)
    assert "本月共受理群众来电来访2件次，开展个别谈话25人次，听取专题汇报4个，调阅文件资料58份，" \
           "查阅财务凭证62本，发放调查问卷55份，走访调研5处；巡察发现问题5个，其中立行立改2个；" \
           "发现问题线索2件，涉及党员干部3人、其他人员2人。上年同月发现问题1个。" in text  # W1-03
    # ytd: rounds R2 R3 R4; groups R2G1 R3G1 R3G2 R4G3; orgs 东关村 县委办公室 县供水公司 西河村
    # 县人防办 县财政局; talks 8 + 26+14+10 + 16+6 + 9 = 89; problems W2-03 W3-01 W3-02 W3-03
    # W3-05 W3-06 W4-01 W4-02 = 8, rectified by 6-30 W2-03 W3-01 W3-02 W4-02 = 4 (50%);
    # clues X2-02 (1) X3-01 (2) X3-02 (1) = 3 件 4 人
    assert "截至6月30日，本年累计开展巡察3轮、4个组次，巡察党组织6个，开展个别谈话89人次，" \
           "发现问题8个（立行立改2个），已整改4个，整改率50%，发现问题线索3件，涉及党员干部4人。" in text
    # 2019 Jan-Jun: W1-01 W1-02 W1-03 = 3 problems, X1-01 = 1 clue
    assert "与上年同期相比，发现问题增加5个，增长166.7%，问题线索增加2件，增长200%。" in text
    # as of 6-30: county 8 in force (县大数据中心 not yet), 6 inspected; villages 4, 2 inspected
    assert "截至6月30日，十四届县委县级巡察对象应巡察8个，已巡察6个，完成率75%，尚余2个；" \
           "村（社区）党组织应巡察4个，已巡察2个，完成率50%，尚余2个。" in text


def _pdf_pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


def _to_pdf(docx: Path, out: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: PDF conversion not checked")
    subprocess.run([soffice, f"-env:UserInstallation=file://{out / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(docx)],
                   check=True, capture_output=True, timeout=120)
    pdf = out / (docx.stem + ".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    return pdf


def test_documents_convert_to_pdf_and_the_brief_is_one_page(annual_doc, june, tmp_path):
    # one soffice call for both documents (about 2 s each otherwise)
    docs = [annual_doc[2][0], june[2][0]]
    for doc in docs:
        shutil.copy(doc, tmp_path / doc.name)
    pdfs = [_to_pdf(tmp_path / d.name, tmp_path) for d in docs]
    assert _pdf_pages(pdfs[0]) >= 3
    assert _pdf_pages(pdfs[1]) == 1


# ------------------------------------------------------------------ filters

@pytest.mark.parametrize("n, words", [(1, "一"), (2, "二"), (10, "十"), (14, "十四"), (20, "二十"),
                                      (35, "三十五"), (100, "一百"), (105, "一百零五"),
                                      (110, "一百一十"), (1001, "一千零一"), (2020, "二千零二十")])
def test_chinese_numerals(n, words):
    assert cn_number(n) == words


def test_counts_before_a_measure_word_say_liang():
    assert [cn_count(n) for n in (1, 2, 3, 12)] == ["一", "两", "三", "十二"]


@pytest.mark.parametrize("part, whole, text", [(13, 16, "81.3%"), (1, 1, "100%"), (2, 3, "66.7%"),
                                                (1, 8, "12.5%"), (0, 5, "0%"), (3, 0, "")])
def test_percent_of_counts(part, whole, text):
    assert pct_of(part, whole) == text


def test_percent_of_a_fraction_rounds_half_up():
    assert pct(0.8125) == "81.3%"
    assert pct(None) == ""


@pytest.mark.parametrize("start, end, sep, text", [
    (D(2019, 11, 4), D(2020, 1, 10), "至", "2019年11月4日至2020年1月10日"),
    (D(2020, 4, 1), D(2020, 6, 30), "至", "2020年4月1日至6月30日"),
    (D(2020, 8, 5), D(2020, 8, 7), "—", "2020年8月5日—7日"),
    (D(2020, 8, 5), D(2020, 8, 5), "—", "2020年8月5日"),
    (D(2020, 8, 5), None, "—", "2020年8月5日以来"),
    (None, None, "—", ""),
])
def test_date_spans(start, end, sep, text):
    assert span_cn(start, end, sep) == text


@pytest.mark.parametrize("now, before, text", [(8, 3, "增加5个，增长166.7%"), (2, 4, "减少2个，下降50%"),
                                               (3, 3, "持平"), (3, 0, "增加3个")])
def test_year_on_year_change(now, before, text):
    assert change_cn(now, before, "个") == text
