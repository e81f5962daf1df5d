"""Cross-sheet and cross-workbook checks, in plain pandas.

Registry (exactly one; terms; unit names; townships), round submissions
(duplicates, terms, dates inside the term), references between the sheets of
a round (groups, organisations, registry membership with suggestions), ids
unique within a round, the problem taxonomy of the round's term, and the
warnings for what is odd but possible (dates outside the round, a unit
inspected after it was removed).
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import cache

import pandas as pd

from ..model import ERROR, WARNING, Finding
from ..read.normalize import ROUND_SHEETS, cell_findings, fmt_value
from ..read.workbook import FileRead
from ..standard import Standard

SUGGESTIONS = 3
SUGGESTION_MIN_SCORE = 0.5


def _at(frames, std: Standard, sid, mask, col_id, code, message, level=ERROR, values=None) -> list[Finding]:
    return cell_findings(frames[sid], mask, std.sheet(sid), col_id, code, message, level, values)


def _h(std: Standard, sid: str, col_id: str) -> str:
    """The Chinese header of a column (messages quote the standard, never a literal)."""
    return std.sheet(sid).header(col_id)


def _s(std: Standard, sid: str) -> str:
    return std.sheet(sid).name


def _where(row: pd.Series) -> str:
    return f"{row['source_file']} “{row['source_sheet']}”第 {row['source_row']} 行"


# ------------------------------------------------------------- suggestions

def _lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence (an abbreviation keeps its characters in order)."""
    prev = [0] * (len(b) + 1)
    for ch in a:
        cur = [0]
        for j, other in enumerate(b):
            cur.append(prev[j] + 1 if ch == other else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def closest_names(name: str, candidates, n: int = SUGGESTIONS) -> list[str]:
    """The registry names closest to ``name``: ``县住建局`` -> ``县住房和城乡建设管理局``.

    Score = 0.6 x (share of ``name``'s characters found in order in the
    candidate) + 0.4 x difflib ratio; weak matches are dropped.
    """
    if not name:
        return []
    scored = []
    for cand in dict.fromkeys(candidates):
        score = 0.6 * _lcs(name, cand) / len(name) + 0.4 * SequenceMatcher(None, name, cand).ratio()
        if score >= SUGGESTION_MIN_SCORE:
            scored.append((-score, cand))
    return [c for _, c in sorted(scored)[:n]]


@cache
def _closest_cached(name: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(closest_names(name, candidates))


def _hint(name: str, candidates) -> str:
    """``是否应为：“…”？`` with the closest names, or nothing (the same wrong name is scored once)."""
    close = _closest_cached(name, tuple(sorted(set(candidates))))
    return f"是否应为：{'、'.join(f'“{c}”' for c in close)}？" if close else ""


# ---------------------------------------------------------------- registry

def workbook_counts(reads: list[FileRead], std: Standard) -> list[Finding]:
    """Each workbook kind within its min/max count (exactly one registry)."""
    out = []
    for wb in std.workbooks:
        files = [r.path for r in reads if r.kind == wb.id]
        if len(files) < wb.min_count:
            out.append(Finding(ERROR, f"{wb.id}-missing",
                               f"输入文件夹中没有{wb.name}（含工作表 {'、'.join(wb.recognise_by)} 的工作簿）。"
                               f"请放入{wb.name}。"))
        if wb.max_count is not None and len(files) > wb.max_count:
            out += [Finding(ERROR, f"{wb.id}-duplicate",
                            f"输入中有 {len(files)} 份{wb.name}：{'、'.join(files)}。只能有 {wb.max_count} 份，"
                            "请删除或移走多余的。", path) for path in files]
    return out


def term_checks(frames, std: Standard) -> list[Finding]:
    """Term names unique; terms do not overlap."""
    terms = frames["terms"]
    ok = terms.dropna(subset=["term"])
    dup = ok.duplicated(["source_file", "term"], keep="first").reindex(terms.index, fill_value=False)
    out = _at(frames, std, "terms", dup,
              "term", "term-duplicate",
              lambda r: f"{_h(std, 'terms', 'term')}“{r['term']}”重复出现。每个届次只写一行。")
    dated = ok.dropna(subset=["start", "end"]).sort_values("start")
    prev = None
    for idx, row in dated.iterrows():
        if prev is not None and row["start"] <= prev["end"] and row["term"] != prev["term"]:
            out += _at(frames, std, "terms", terms.index == idx, "start", "term-overlap",
                       f"“{row['term']}”的{_h(std, 'terms', 'start')}早于“{prev['term']}”的{_h(std, 'terms', 'end')}"
                       f"（{fmt_value(prev['end'])}），届次不得重叠。请改正起止日期。")
        if prev is None or row["end"] > prev["end"]:
            prev = row
    return out


def unit_checks(frames, std: Standard) -> list[Finding]:
    """Unit names unique within the registry; 所属乡镇 given and naming a township."""
    units = frames["units"]
    named = units["name"].notna()
    dup = named & units.duplicated(["source_file", "name"], keep="first")
    first = units[named].groupby(["source_file", "name"])["source_row"].transform("first")
    out = _at(frames, std, "units", dup, "name", "unit-duplicate",
              lambda r: f"{_h(std, 'units', 'name')}“{r['name']}”重复（第 {first.get(r.name, '')} 行已有）。"
                        "名册中每个单位只写一行。")
    rules = std.rules.get("registry", {})
    families = set(rules.get("township_required_for_families", ()))
    need = units["category"].map(lambda c: std.family_of(c) in families if c else False).astype(bool)
    out += _at(frames, std, "units", need & units["township"].isna(), "township", "township-missing",
               lambda r: f"{r['category']}须填写“{_h(std, 'units', 'township')}”"
                         f"（本名册中{rules.get('township_category', '')}的{_h(std, 'units', 'name')}）。")
    towns = set(units.loc[units["category"] == rules.get("township_category"), "name"].dropna())
    bad = units["township"].notna() & ~units["township"].isin(towns)
    out += _at(frames, std, "units", bad, "township", "township-unknown",
               lambda r: f"“{r['township']}”不是本名册中的{rules.get('township_category', '')}。"
                         f"{_hint(r['township'], towns)}请填写名册中{rules.get('township_category', '')}的"
                         f"{_h(std, 'units', 'name')}。")
    return out


# ---------------------------------------------------------------- rounds

def _terms_table(frames) -> pd.DataFrame:
    return frames["terms"].dropna(subset=["term"]).drop_duplicates("term").set_index("term")


def round_info_checks(frames, reads: list[FileRead], std: Standard) -> list[Finding]:
    """Terms known, dates inside the term, one row per group, one submission per key."""
    info, terms = frames["round_info"], _terms_table(frames)
    out = []
    if not terms.empty:
        unknown = info["term"].notna() & ~info["term"].isin(terms.index)
        out += _at(frames, std, "round_info", unknown, "term", "term-unknown",
                   lambda r: f"{_h(std, 'round_info', 'term')}“{r['term']}”"
                             f"不在{_registry_name(std)}的“{_s(std, 'terms')}”中"
                             f"（现有：{'、'.join(terms.index)}）。{_hint(r['term'], terms.index)}")
        out += _outside_term(frames, std, terms)
    dup_in_file = info["group"].notna() & info.duplicated(["source_file", "group"], keep="first")
    out += _at(frames, std, "round_info", dup_in_file, "group", "round-info-duplicate",
               lambda r: f"{_h(std, 'round_info', 'group')}“{r['group']}”在本表中出现了两次。一个巡察组只写一行。")
    out += _duplicate_submissions(frames, std)
    out += _empty_round_info(frames, reads, std)
    return out


def _outside_term(frames, std: Standard, terms: pd.DataFrame) -> list[Finding]:
    info = frames["round_info"]
    start = info["term"].map(terms["start"])
    end = info["term"].map(terms["end"])
    span = lambda r: f"{fmt_value(start[r.name])} 至 {fmt_value(end[r.name])}"  # noqa: E731
    out = _at(frames, std, "round_info", (info["start"] < start) | (info["start"] > end), "start",
              "round-outside-term", lambda r: f"{_h(std, 'round_info', 'start')}不在“{r['term']}”的起止日期"
                                              f"（{span(r)}）之内。请检查{_h(std, 'round_info', 'start')}或"
                                              f"{_h(std, 'round_info', 'term')}。")
    out += _at(frames, std, "round_info", info["end"] > end, "end", "round-outside-term",
               lambda r: f"{_h(std, 'round_info', 'end')}晚于“{r['term']}”的{_h(std, 'terms', 'end')}"
                         f"（{fmt_value(end[r.name])}）。"
                         f"请检查{_h(std, 'round_info', 'end')}或{_h(std, 'round_info', 'term')}。")
    return out


def _duplicate_submissions(frames, std: Standard) -> list[Finding]:
    info = frames["round_info"]
    keys = ["term", "round", "group"]
    ok = info.dropna(subset=["term", "group"])
    per_key = ok.groupby(keys)["source_file"].nunique()
    twice = per_key[per_key > 1].index
    if twice.empty:
        return []
    hit = pd.Series(pd.MultiIndex.from_frame(info[keys]).isin(twice), index=info.index)
    key = "、".join(_h(std, "round_info", k) for k in keys)

    def message(row):
        same = hit & (info["term"] == row["term"]) & (info["round"] == row["round"]) & (info["group"] == row["group"])
        others = sorted(set(info.loc[same, "source_file"]) - {row["source_file"]})
        return (f"{row['term']}第 {row['round']} 轮{row['group']}重复填报：另见 {'、'.join(others)}。"
                f"同一{key}只能报一份，请删除重复的工作簿，或改正{key}。")
    return _at(frames, std, "round_info", hit, "group", "submission-duplicate", message)


def _empty_round_info(frames, reads: list[FileRead], std: Standard) -> list[Finding]:
    have = set(frames["round_info"]["source_file"])
    name = _s(std, "round_info")
    needed = "、".join(c.header for c in std.sheet("round_info").columns if c.not_null)
    out = []
    for fr in reads:
        sheet = next((s.name for s in fr.sheets if s.sheet_id == "round_info"), None)
        if fr.kind == "round" and sheet is not None and fr.path not in have:
            out.append(Finding(ERROR, "round-info-empty",
                               f"“{name}”表没有填写。请填写本巡察组的{needed}。",
                               fr.path, sheet))
    return out


def group_checks(frames, std: Standard) -> list[Finding]:
    """Every 巡察组 of a round sheet is in its file's 轮次信息."""
    info = frames["round_info"].dropna(subset=["group"])
    known = pd.MultiIndex.from_frame(info[["source_file", "group"]])
    files = set(info["source_file"])
    out = []
    for sid in ROUND_SHEETS:
        frame = frames[sid]
        pairs = pd.MultiIndex.from_frame(frame[["source_file", "group"]])
        bad = frame["group"].notna() & frame["source_file"].isin(files) & ~pairs.isin(known)
        if not bad.any():
            continue

        def message(r, sid=sid):
            groups = "、".join(dict.fromkeys(info.loc[info["source_file"] == r["source_file"], "group"]))
            return (f"{_h(std, sid, 'group')}“{r['group']}”"
                    f"不在本工作簿的“{_s(std, 'round_info')}”表中（现有：{groups}）。"
                    f"请改为“{_s(std, 'round_info')}”中的名称，或在该表中补充这个组。")
        out += _at(frames, std, sid, bad, "group", "group-not-in-round-info", message)
    return out


def _registry_name(std: Standard) -> str:
    return std.workbook("registry").name


def registry(frames) -> pd.DataFrame:
    return frames["units"].dropna(subset=["name"]).drop_duplicates("name").set_index("name")


def round_org_checks(frames, std: Standard) -> list[Finding]:
    """Inspected organisations: in the registry, category agrees, once per round, in force."""
    orgs, reg = frames["round_orgs"], registry(frames)
    out = []
    if not reg.empty:
        missing = orgs["org"].notna() & ~orgs["org"].isin(reg.index)
        out += _at(frames, std, "round_orgs", missing, "org", "org-not-in-registry",
                   lambda r: f"“{r['org']}”不在{_registry_name(std)}中。{_hint(r['org'], reg.index)}"
                             "请填写名册中的单位全称，或先把该单位加入名册。")
        reg_cat = orgs["org"].map(reg["category"])
        # an invalid 对象类别 is reported once, as enum-invalid by the row checks
        valid = orgs["category"].isin(std.enum_values("org_category"))
        mismatch = valid & reg_cat.notna() & (orgs["category"] != reg_cat)
        out += _at(frames, std, "round_orgs", mismatch, "category", "category-mismatch",
                   lambda r: f"{_h(std, 'round_orgs', 'category')}“{r['category']}”"
                             f"与名册不一致（名册为“{reg_cat[r.name]}”）。"
                             "请改为与名册一致，或留空。")
        out += _in_force(frames, std, reg)
    out += _duplicates(frames, std, "round_orgs", ["term", "round", "org"], "org", "org-duplicate-in-round",
                       "“{v}”在本轮巡察中出现了两次（另见 {first}）。同一轮次每个党组织只写一行。")
    return out


def _in_force(frames, std: Standard, reg: pd.DataFrame) -> list[Finding]:
    orgs = frames["round_orgs"]
    removed, added = orgs["org"].map(reg["removed"]), orgs["org"].map(reg["added"])
    out = _at(frames, std, "round_orgs", orgs["start"] > removed, "start", "unit-removed",
               lambda r: f"“{r['org']}”在名册中的{_h(std, 'units', 'removed')}是 {fmt_value(removed[r.name])}，"
                         f"{_h(std, 'round_orgs', 'start')}晚于该日期。"
                         f"请核对{_h(std, 'round_orgs', 'start')}或名册。", WARNING)
    out += _at(frames, std, "round_orgs", orgs["start"] < added, "start", "unit-not-yet-added",
               lambda r: f"“{r['org']}”在名册中的{_h(std, 'units', 'added')}是 {fmt_value(added[r.name])}，"
                         f"{_h(std, 'round_orgs', 'start')}早于该日期。"
                         f"请核对{_h(std, 'round_orgs', 'start')}或名册。", WARNING)
    return out


def _resubmitted(frames, frame: pd.DataFrame) -> pd.Series:
    """Rows of a submission handed in twice (reported once, as submission-duplicate)."""
    if "group" not in frame or "term" not in frame:
        return pd.Series(False, index=frame.index)
    info = frames["round_info"].dropna(subset=["term", "group"])
    per_key = info.groupby(["term", "round", "group"])["source_file"].nunique()
    twice = per_key[per_key > 1].index
    if twice.empty:  # the usual case: no MultiIndex of every row needed
        return pd.Series(False, index=frame.index)
    keys = pd.MultiIndex.from_frame(frame[["term", "round", "group"]])
    return pd.Series(keys.isin(twice), index=frame.index)


def _duplicates(frames, std: Standard, sid, keys, col_id, code, template, level=ERROR) -> list[Finding]:
    """Rows repeating ``keys`` (all present) after their first occurrence."""
    frame = frames[sid]
    ok = frame[keys].notna().all(axis=1) & ~_resubmitted(frames, frame)
    if "round" in keys:
        ok &= frame["round"] > 0
    dup = ok & frame.duplicated(keys, keep="first")
    if not dup.any():
        return []
    first = frame[ok].groupby(keys, sort=False)[["source_file", "source_sheet", "source_row"]].transform("first")
    return _at(frames, std, sid, dup, col_id, code,
               lambda r: template.format(v=r[col_id], first=_where(first.loc[r.name])), level)


def reference_checks(frames, std: Standard) -> list[Finding]:
    """Organisations of 工作量/发现问题/问题线索 are in the same round's 巡察对象."""
    orgs = frames["round_orgs"].dropna(subset=["term", "org"])
    known = pd.MultiIndex.from_frame(orgs[["term", "round", "org"]])
    out = []
    for sid in ("workload", "problems", "clues"):
        frame = frames[sid]
        pairs = pd.MultiIndex.from_frame(frame[["term", "round", "org"]])
        bad = frame["org"].notna() & frame["term"].notna() & ~pairs.isin(known)

        def message(r):
            cands = orgs.loc[(orgs["term"] == r["term"]) & (orgs["round"] == r["round"]), "org"]
            return (f"“{r['org']}”不在本轮（{r['term']}第 {r['round']} 轮）的“{_s(std, 'round_orgs')}”表中。"
                    f"{_hint(r['org'], cands)}请改为“{_s(std, 'round_orgs')}”表中的名称，或在该表中补充这个党组织。")
        out += _at(frames, std, sid, bad, "org", "org-not-in-round", message)
    return out


def id_checks(frames, std: Standard) -> list[Finding]:
    """问题编号 and 线索编号 unique within (届次, 轮次)."""
    return (_duplicates(frames, std, "problems", ["term", "round", "problem_id"], "problem_id",
                        "problem-id-duplicate",
                        _h(std, "problems", "problem_id")
                        + "“{v}”在本轮中重复（另见 {first}）。请给每个问题不同的编号。")
            + _duplicates(frames, std, "clues", ["term", "round", "clue_id"], "clue_id",
                          "clue-id-duplicate",
                          _h(std, "clues", "clue_id") + "“{v}”在本轮中重复（另见 {first}）。请给每条线索不同的编号。"))


def invalid_categories(problems: pd.DataFrame, std: Standard) -> pd.Series:
    """Rows whose 问题类别 is not a category of the taxonomy in force for the round's 届次."""
    bad = pd.Series(False, index=problems.index)
    terms = problems["term"].fillna("")
    for term in terms.unique():
        allowed = std.taxonomy_for_term(term or None).categories
        bad |= (terms == term) & problems["category"].notna() & ~problems["category"].isin(allowed)
    return bad


def taxonomy_checks(frames, std: Standard) -> list[Finding]:
    """问题类别 is a category of the taxonomy in force for the round's 届次."""
    bad = invalid_categories(frames["problems"], std)

    def message(r):
        tax = std.taxonomy_for_term(r["term"])
        return (f"“{r['category']}”不是{r['term'] or ''}采用的“{tax.name}”{_h(std, 'problems', 'category')}。"
                f"请从下拉列表中选择：{'、'.join(tax.categories)}。")
    return _at(frames, std, "problems", bad, "category", "problem-category-invalid", message)


def date_checks(frames, std: Standard) -> list[Finding]:
    """Warnings: an organisation or a row dated outside its group's [进驻, 结束]."""
    keys = frames["round_info"].dropna(subset=["group"]).drop_duplicates(["source_file", "group"])
    slack = pd.Timedelta(days=std.rules.get("checks", {}).get("days_after_round_end", 90))
    out = []
    for sid, col_id in (("round_orgs", "start"), ("workload", "date"), ("problems", "found"), ("clues", "found")):
        frame = frames[sid]
        span = frame[["source_file", "group"]].merge(keys[["source_file", "group", "start", "end"]],
                                                     how="left", on=["source_file", "group"])
        start = span["start"].to_numpy()
        end = span["end"].where(~(span["end"] < span["start"])).to_numpy()  # a wrong span is reported already
        date = frame[col_id].to_numpy()
        extra = pd.Timedelta(0) if sid == "round_orgs" else slack
        bad = pd.Series((date < start) | (date > end + extra), index=frame.index)
        out += _at(frames, std, sid, bad, col_id, "date-outside-round",
                   lambda r, s=span, sid=sid: f"日期不在本巡察组的巡察期间（{fmt_value(s.loc[r.name, 'start'])} 至 "
                                     f"{fmt_value(s.loc[r.name, 'end']) or '今'}）"
                                     f"{'' if sid == 'round_orgs' else f'及结束后 {slack.days} 天'}内，请核对。",
                   WARNING)
    return out


def office_checks(frames, std: Standard) -> list[Finding]:
    """Office rows entered twice (e.g. the same workbook handed in twice)."""
    return (_duplicates(frames, std, "team", ["year", "item"], "item", "team-item-duplicate",
                        "“{v}”在同一年重复填写（另见 {first}）。每年每项只写一行。")
            + _duplicates(frames, std, "special_work", ["item", "start"], "item", "special-work-duplicate",
                          "“{v}”重复填写（另见 {first}，" + _h(std, "special_work", "start") + "相同）。"
                          "同一事项只写一行，请删除重复的行或工作簿。")
            + _duplicates(frames, std, "training", ["date", "name"], "name", "training-duplicate",
                          "“{v}”在同一天重复填写（另见 {first}）。如确是两次活动，请在名称中区分。", WARNING))


def cross_findings(frames: dict[str, pd.DataFrame], reads: list[FileRead], std: Standard) -> list[Finding]:
    """Every cross-sheet and cross-workbook check, in a stable order (the frames are not changed)."""
    out = workbook_counts(reads, std)
    out += term_checks(frames, std) + unit_checks(frames, std)
    out += round_info_checks(frames, reads, std) + group_checks(frames, std)
    out += round_org_checks(frames, std) + reference_checks(frames, std) + id_checks(frames, std)
    out += taxonomy_checks(frames, std) + date_checks(frames, std) + office_checks(frames, std)
    return out
