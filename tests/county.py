"""A small hand-made county (青禾县) whose figures are worked out by hand in the tests.

Edges it covers: a round across New Year (第2轮), a 专项巡察 that does not count toward
coverage (第4轮), a round still in progress (第5轮, blank 结束日期), problems rectified
after the month end and after the year end, a village merged away (南坡村, 撤销日期
2020-05-31, inspected before), a unit added mid-term (县大数据中心, 纳入日期 2020-09-01)
and a previous year (2019) with data for 同比.

Two ways to get it:
- :func:`county_dataset` builds the typed frames directly (the contract of
  ``pipeline/model.py``), fast and independent of the reader;
- :func:`write_county` writes it as standard workbooks (headers from the standard) for
  end-to-end tests through ``load_dataset`` and the CLI.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd

import wb  # tests/wb.py: the shared builder of standard workbooks
from pipeline.model import Dataset, SourceFile
from shipped import STD

D = dt.date
CANARY = "CANARY-线索摘要-7f3a"
TERM = "十四届"
A, B, C = STD.taxonomy_for_term(TERM).categories  # the three categories of 三个聚焦
G1, G2, G3 = "第一巡察组", "第二巡察组", "第三巡察组"
REGULAR, SPECIAL = "常规巡察", "专项巡察"

TERMS = [("十三届", D(2011, 10, 1), D(2016, 9, 30)), (TERM, D(2016, 10, 1), D(2021, 9, 30))]
INFO = {"县名": "青禾县", "编制单位": "中共青禾县委巡察工作领导小组办公室"}

# 单位名称, 对象类别, 所属乡镇, 纳入日期, 撤销日期 (registry order)
UNITS = [
    ("县委办公室", "县直党群行政单位", None, None, None),
    ("县财政局", "县直党群行政单位", None, None, None),
    ("县教育局", "县直党群行政单位", None, None, None),
    ("县人防办", "县直党群行政单位", None, None, None),
    ("东关镇", "乡镇（街道）", None, None, None),
    ("西河乡", "乡镇（街道）", None, None, None),
    ("县医保中心", "科级事业单位", None, None, None),
    ("县大数据中心", "科级事业单位", None, D(2020, 9, 1), None),
    ("县供水公司", "国有企业", None, None, None),
    ("东关村", "村党组织", "东关镇", None, None),
    ("南坡村", "村党组织", "东关镇", None, D(2020, 5, 31)),
    ("西河村", "村党组织", "西河乡", None, None),
    ("北岭村", "村党组织", "西河乡", None, None),
    ("城关社区", "社区党组织", "东关镇", None, None),
]


def _info(rnd, rtype, group, leader, start, end, lead=None, secr=None, feedback=None):
    return {"term": TERM, "round": rnd, "type": rtype, "group": group, "leader": leader,
            "start": start, "end": end, "report_leading_group": lead,
            "report_secretary": secr, "feedback": feedback, "filled_by": "李四",
            "filled_on": start}


# One submission per (round, group). Rows:
#   orgs:     (被巡察党组织, 进驻日期, 撤离日期, 政治生态评估等次)
#   workload: (被巡察党组织 or None, 统计日期, 来电来访, 谈话, 汇报, 文件, 凭证, 问卷, 走访)
#   problems: (编号, 被巡察党组织, 类别, 发现日期, 立行立改, 整改状态, 整改完成日期, 整改时限)
#   clues:    (编号, 被巡察党组织, 发现日期, 干部, 其他, 移交单位, 移交日期, 处置情况)
SUBMISSIONS = [
    {"file": "2019/第1轮_第一巡察组.xlsx",
     "info": _info(1, REGULAR, G1, "王一", D(2019, 4, 8), D(2019, 6, 28),
                   D(2019, 7, 10), D(2019, 7, 22), D(2019, 8, 5)),
     "orgs": [("县财政局", D(2019, 4, 8), D(2019, 6, 28), "良好"),
              ("县教育局", D(2019, 4, 15), D(2019, 6, 28), "较好")],
     "workload": [(None, D(2019, 4, 30), 2, 30, 3, 120, 40, 50, 2),
                  ("县财政局", D(2019, 5, 31), 1, 25, 1, 80, 60, 0, 1),
                  ("县教育局", D(2019, 6, 28), 0, 18, 1, 40, 20, 30, 1)],
     "problems": [("W1-01", "县财政局", A, D(2019, 5, 20), "否", "已整改", D(2019, 9, 30), None),
                  ("W1-02", "县财政局", B, D(2019, 5, 28), "是", "已整改", D(2019, 6, 10), None),
                  ("W1-03", "县教育局", C, D(2019, 6, 20), "否", "已整改", D(2019, 10, 15), None)],
     "clues": [("X1-01", "县财政局", D(2019, 6, 12), 1, 0, "县纪委监委", D(2019, 7, 5), "初步核实")]},
    {"file": "2019/第2轮_第一巡察组.xlsx",
     "info": _info(2, REGULAR, G1, "王一", D(2019, 11, 4), D(2020, 1, 15),
                   D(2020, 1, 20), D(2020, 2, 10), D(2020, 3, 2)),
     "orgs": [("东关镇", D(2019, 11, 4), D(2020, 1, 15), "良好"),
              ("南坡村", D(2019, 11, 18), D(2019, 12, 6), None),
              ("东关村", D(2020, 1, 6), D(2020, 1, 15), "一般")],
     "workload": [(None, D(2019, 11, 30), 3, 20, 2, 50, 10, 30, 2),
                  ("东关镇", D(2019, 12, 31), 1, 15, 1, 30, 25, 0, 1),
                  ("东关村", D(2020, 1, 15), 2, 8, 1, 12, 6, 20, 3)],
     "problems": [("W2-01", "东关镇", A, D(2019, 12, 10), "否", "已整改", D(2020, 4, 30), None),
                  ("W2-02", "南坡村", B, D(2019, 12, 12), "是", "已整改", D(2019, 12, 20), None),
                  ("W2-03", "东关村", C, D(2020, 1, 10), "否", "已整改", D(2020, 6, 20), None)],
     "clues": [("X2-01", "东关镇", D(2019, 12, 15), 2, 1, "县纪委监委", D(2020, 3, 10), "谈话函询"),
               ("X2-02", "东关村", D(2020, 1, 12), 1, 0, "县委组织部", D(2020, 3, 10), "予以了结")]},
    {"file": "2019/第2轮_第二巡察组.xlsx",
     "info": _info(2, REGULAR, G2, "赵二", D(2019, 11, 4), D(2019, 12, 27),
                   D(2020, 1, 20), D(2020, 2, 10), D(2020, 3, 5)),
     "orgs": [("西河乡", D(2019, 11, 4), D(2019, 12, 27), "较好")],
     "workload": [("西河乡", D(2019, 12, 27), 1, 12, 2, 35, 15, 25, 1)],
     "problems": [("W2-04", "西河乡", B, D(2019, 12, 20), "否", "整改中", None, None)],
     "clues": []},
    {"file": "2020/第3轮_第一巡察组.xlsx",
     "info": _info(3, REGULAR, G1, "王一", D(2020, 4, 7), D(2020, 7, 10),
                   D(2020, 7, 20), D(2020, 8, 3), D(2020, 8, 17)),
     "orgs": [("县委办公室", D(2020, 4, 7), D(2020, 7, 10), "良好"),
              ("县供水公司", D(2020, 4, 20), D(2020, 7, 10), "较差")],
     "workload": [(None, D(2020, 4, 30), 4, 26, 3, 90, 30, 60, 2),
                  ("县委办公室", D(2020, 5, 31), 2, 14, 1, 45, 20, 0, 1),
                  ("县供水公司", D(2020, 6, 30), 1, 10, 1, 30, 50, 40, 2),
                  (None, D(2020, 7, 10), 0, 5, 1, 10, 0, 0, 1)],
     "problems": [("W3-01", "县委办公室", A, D(2020, 5, 15), "否", "已整改", D(2020, 6, 15), None),
                  ("W3-02", "县委办公室", C, D(2020, 6, 5), "是", "已整改", D(2020, 6, 10), None),
                  ("W3-03", "县供水公司", B, D(2020, 6, 18), "否", "已整改", D(2020, 7, 20), None),
                  ("W3-04", "县供水公司", A, D(2020, 7, 8), "否", "整改中", None, D(2020, 10, 31))],
     "clues": [("X3-01", "县委办公室", D(2020, 6, 10), 2, 0, "县纪委监委", D(2020, 7, 25), "立案审查调查"),
               ("X3-03", "县供水公司", D(2020, 7, 5), 1, 0, "其他单位", D(2020, 7, 25), "暂存待查")]},
    {"file": "2020/第3轮_第二巡察组.xlsx",
     "info": _info(3, REGULAR, G2, "赵二", D(2020, 4, 7), D(2020, 6, 24),
                   D(2020, 7, 20), D(2020, 8, 3), D(2020, 8, 19)),
     "orgs": [("西河村", D(2020, 5, 11), D(2020, 6, 24), "好")],
     "workload": [("西河村", D(2020, 5, 31), 3, 16, 2, 25, 12, 35, 3),
                  ("西河村", D(2020, 6, 24), 1, 6, 1, 8, 4, 0, 2)],
     "problems": [("W3-05", "西河村", B, D(2020, 5, 25), "否", "已整改", D(2021, 2, 1), D(2020, 11, 30)),
                  ("W3-06", "西河村", C, D(2020, 6, 20), None, "未整改", None, D(2020, 12, 31))],
     "clues": [("X3-02", "西河村", D(2020, 6, 25), 1, 2, "县纪委监委", D(2020, 7, 25), None)]},
    {"file": "2020/第4轮_人防专项.xlsx",
     "info": _info(4, SPECIAL, G3, "孙三", D(2020, 6, 8), D(2020, 7, 3), None, None, D(2020, 7, 20)),
     "orgs": [("县人防办", D(2020, 6, 8), D(2020, 7, 3), None),
              ("县财政局", D(2020, 6, 15), D(2020, 7, 3), None)],
     "workload": [("县人防办", D(2020, 6, 30), 0, 9, 2, 20, 8, 15, 1),
                  ("县财政局", D(2020, 7, 3), 0, 4, 1, 6, 0, 0, 0)],
     "problems": [("W4-01", "县人防办", A, D(2020, 6, 22), "否", "已整改", D(2020, 8, 30), None),
                  ("W4-02", "县人防办", B, D(2020, 6, 28), "是", "已整改", D(2020, 6, 29), None)],
     "clues": []},
    {"file": "2020/第5轮_第一巡察组.xlsx",
     "info": _info(5, REGULAR, G1, "王一", D(2020, 10, 12), None),
     "orgs": [("城关社区", D(2020, 10, 12), None, None),
              ("县医保中心", D(2020, 10, 26), None, None)],
     "workload": [("城关社区", D(2020, 10, 31), 2, 22, 2, 40, 10, 50, 3),
                  ("县医保中心", D(2020, 11, 30), 1, 17, 1, 35, 25, 0, 1)],
     "problems": [("W5-01", "城关社区", C, D(2020, 11, 10), "否", "未整改", None, None),
                  ("W5-02", "县医保中心", B, D(2020, 11, 20), "否", "整改中", None, None)],
     "clues": [("X5-01", "城关社区", D(2020, 12, 5), 0, 1, None, None, None)]},
]

REGISTRY_FILE = "巡察对象名册.xlsx"
WORK = ("visits_received", "talks", "briefings", "documents", "vouchers", "questionnaires",
        "field_visits")


# ------------------------------------------------------------ rows as dicts of column ids

def _org_rows(sub: dict) -> list[dict]:
    group = sub["info"]["group"]
    return [{"group": group, "org": o, "category": None, "start": s, "end": e, "grade": g,
             "note": None} for o, s, e, g in sub["orgs"]]


def _work_rows(sub: dict) -> list[dict]:
    group = sub["info"]["group"]
    return [{"group": group, "org": r[0], "date": r[1], **dict(zip(WORK, r[2:], strict=True))}
            for r in sub["workload"]]


def _problem_rows(sub: dict) -> list[dict]:
    group = sub["info"]["group"]
    return [{"problem_id": i, "group": group, "org": o, "category": c, "summary": f"问题{i}",
             "found": f, "fixed_on_spot": fx, "status": st, "rectified_on": ro, "deadline": dl}
            for i, o, c, f, fx, st, ro, dl in sub["problems"]]


def _clue_rows(sub: dict, secret: str, id_suffix: str) -> list[dict]:
    group = sub["info"]["group"]
    return [{"clue_id": i + id_suffix, "group": group, "org": o, "found": f, "cadres": ca,
             "others": ot, "transferred_to": t, "transferred_on": to, "disposition": d,
             "summary": f"{i}：{secret}"} for i, o, f, ca, ot, t, to, d in sub["clues"]]


def sheet_rows(sub: dict, secret: str = CANARY, id_suffix: str = "") -> dict[str, list[dict]]:
    """The rows of one round submission, per sheet id."""
    return {"round_info": [sub["info"]], "round_orgs": _org_rows(sub),
            "workload": _work_rows(sub), "problems": _problem_rows(sub),
            "clues": _clue_rows(sub, secret, id_suffix)}


def registry_rows() -> dict[str, list[dict]]:
    """The rows of the registry workbook, per sheet id."""
    return {"terms": [{"term": t, "start": s, "end": e} for t, s, e in TERMS],
            "units": [{"name": n, "category": c, "township": t, "added": a, "removed": r,
                       "note": None} for n, c, t, a, r in UNITS],
            "basic_info": [{"item": k, "content": v} for k, v in INFO.items()]}


# ------------------------------------------------------------ typed frames (model.py)

def _typed(sheet_id: str, rows: list[dict], file: str, extra: dict | None = None) -> pd.DataFrame:
    """A typed frame as load_dataset would produce it (header in row 1, data from row 2)."""
    sheet = STD.sheet(sheet_id)
    data: dict[str, list] = {}
    for col in sheet.columns:
        values = [r.get(col.id) for r in rows]
        if col.type == "enum" and col.default:
            values = [col.default if v is None else v for v in values]
        data[col.id] = values
    data.update({"source_file": [file] * len(rows), "source_sheet": [sheet.name] * len(rows),
                 "source_row": list(range(2, len(rows) + 2))})
    for key, value in (extra or {}).items():
        data[key] = [value] * len(rows)
    frame = pd.DataFrame(data)
    for col in sheet.columns:
        if col.type == "date":
            frame[col.id] = pd.to_datetime(frame[col.id]).astype("datetime64[us]")
        elif col.type in ("count", "year"):
            frame[col.id] = frame[col.id].fillna(0).astype("int64")
        else:
            frame[col.id] = frame[col.id].astype(object)
    return frame


def _source(path: str, kind: str, rows: dict[str, list[dict]], subs=()) -> SourceFile:
    counts = {STD.sheet(s).name: len(r) for s, r in rows.items()}
    return SourceFile(path=path, kind=kind, sha256=hashlib.sha256(path.encode()).hexdigest(),
                      rows=counts, submissions=list(subs))


def county_dataset(secret: str = CANARY, id_suffix: str = "") -> Dataset:
    """The county as a Dataset of typed frames, built without reading any file."""
    parts: dict[str, list[pd.DataFrame]] = {}
    reg = registry_rows()
    for sheet_id, rows in reg.items():
        parts.setdefault(sheet_id, []).append(_typed(sheet_id, rows, REGISTRY_FILE))
    sources = [_source(REGISTRY_FILE, "registry", reg)]
    for sub in SUBMISSIONS:
        info = sub["info"]
        rows = sheet_rows(sub, secret, id_suffix)
        for sheet_id, sheet_rows_ in rows.items():
            extra = None if sheet_id == "round_info" else {"term": info["term"], "round": info["round"]}
            parts.setdefault(sheet_id, []).append(_typed(sheet_id, sheet_rows_, sub["file"], extra))
        sources.append(_source(sub["file"], "round", rows,
                               [(info["term"], info["round"], info["group"])]))
    tables = {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}
    return Dataset(tables=tables, sources=sources, findings=[], info=dict(INFO))


# ------------------------------------------------------------ workbooks on disk

def _write_workbook(path: Path, sheets: dict[str, list[dict]]) -> Path:
    """One workbook: each sheet gets the standard headers in row 1 and the rows below."""
    return wb.write_workbook(path, {wb.sheet_name(s): wb.table(s, rows) for s, rows in sheets.items()})


def read_or_built(how: str, tmp_path_factory) -> Dataset:
    """The county as typed frames built directly (``how`` "frames"), or written as workbooks and read
    back by ``load_dataset`` ("workbooks"): the two variants of the hand-worked figure tests."""
    if how == "frames":
        return county_dataset()
    from pipeline.engine import load_dataset

    folder = tmp_path_factory.mktemp("county")
    write_county(folder)
    ds = load_dataset(folder, STD)
    assert ds.errors == [], [f.message for f in ds.errors]
    return ds


def write_county(folder: Path, secret: str = CANARY, id_suffix: str = "") -> list[Path]:
    """Write the registry and one round workbook per submission under ``folder``."""
    folder = Path(folder)
    paths = [_write_workbook(folder / REGISTRY_FILE, registry_rows())]
    for sub in SUBMISSIONS:
        paths.append(_write_workbook(folder / sub["file"], sheet_rows(sub, secret, id_suffix)))
    return paths
