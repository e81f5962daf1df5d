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

from ..findings import CATALOGUE, Finding, finding
from ..read.normalize import cell_findings, fmt_value
from ..read.workbook import FileRead
from ..standard import Standard

SUGGESTIONS = 3
SUGGESTION_MIN_SCORE = 0.5


def _at(frames, std: Standard, sid, mask, col_id, code, params=None) -> list[Finding]:
    """Findings ``code`` at column ``col_id`` of the rows of ``mask``; ``params``: a dict or a function of the row."""
    return cell_findings(frames[sid], mask, std.sheet(sid), col_id, code, params)


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

def _kind_code(wb_id: str, problem: str) -> str:
    """``registry-missing``; a kind of workbook without its own code: ``workbook-missing``."""
    code = f"{wb_id}-{problem}"
    return code if code in CATALOGUE else f"workbook-{problem}"


def workbook_counts(reads: list[FileRead], std: Standard) -> list[Finding]:
    """Each workbook kind within its min/max count (exactly one registry)."""
    out = []
    for wb in std.workbooks:
        files = [r.path for r in reads if r.kind == wb.id]
        if len(files) < wb.min_count:
            out.append(finding(_kind_code(wb.id, "missing"), workbook=wb.name, sheets="、".join(wb.recognise_by)))
        if wb.max_count is not None and len(files) > wb.max_count:
            out += [finding(_kind_code(wb.id, "duplicate"), file=path, count=len(files), workbook=wb.name,
                            files="、".join(files), max_count=wb.max_count) for path in files]
    return out


def term_checks(frames, std: Standard) -> list[Finding]:
    """Term names unique; terms do not overlap."""
    terms = frames["terms"]
    ok = terms.dropna(subset=["term"])
    dup = ok.duplicated(["source_file", "term"], keep="first").reindex(terms.index, fill_value=False)
    out = _at(frames, std, "terms", dup,
              "term", "term-duplicate", {"term_header": _h(std, "terms", "term")})
    dated = ok.dropna(subset=["start", "end"]).sort_values("start")
    prev = None
    for idx, row in dated.iterrows():
        if prev is not None and row["start"] <= prev["end"] and row["term"] != prev["term"]:
            out += _at(frames, std, "terms", terms.index == idx, "start", "term-overlap",
                       {"term": row["term"], "start_header": _h(std, "terms", "start"), "previous": prev["term"],
                        "end_header": _h(std, "terms", "end"), "previous_end": fmt_value(prev["end"])})
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
              lambda r: {"name_header": _h(std, "units", "name"), "first_row": first.get(r.name, "")})
    rules = std.rules.registry
    families = set(rules.township_required_for_families)
    need = units["category"].map(lambda c: std.family_of(c) in families if c else False).astype(bool)
    out += _at(frames, std, "units", need & units["township"].isna(), "township", "township-missing",
               lambda r: {"category": r["category"], "township_header": _h(std, "units", "township"),
                          "township_category": rules.township_category,
                          "name_header": _h(std, "units", "name")})
    towns = set(units.loc[units["category"] == rules.township_category, "name"].dropna())
    bad = units["township"].notna() & ~units["township"].isin(towns)
    out += _at(frames, std, "units", bad, "township", "township-unknown",
               lambda r: {"township_category": rules.township_category,
                          "hint": _hint(r["township"], towns), "name_header": _h(std, "units", "name")})
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
                   lambda r: {"term_header": _h(std, "round_info", "term"), "registry": _registry_name(std),
                              "terms_sheet": _s(std, "terms"), "terms": "、".join(terms.index),
                              "hint": _hint(r["term"], terms.index)})
        out += _outside_term(frames, std, terms)
    dup_in_file = info["group"].notna() & info.duplicated(["source_file", "group"], keep="first")
    out += _at(frames, std, "round_info", dup_in_file, "group", "round-info-duplicate",
               {"group_header": _h(std, "round_info", "group")})
    out += _duplicate_submissions(frames, std)
    out += _empty_round_info(frames, reads, std)
    return out


def _outside_term(frames, std: Standard, terms: pd.DataFrame) -> list[Finding]:
    info = frames["round_info"]
    start = info["term"].map(terms["start"])
    end = info["term"].map(terms["end"])
    headers = {"start_header": _h(std, "round_info", "start"), "end_header": _h(std, "round_info", "end"),
               "term_header": _h(std, "round_info", "term"), "term_end_header": _h(std, "terms", "end")}
    out = _at(frames, std, "round_info", (info["start"] < start) | (info["start"] > end), "start",
              "round-outside-term", lambda r: {"variant": "start", "term": r["term"], **headers,
                                               "span": f"{fmt_value(start[r.name])} 至 {fmt_value(end[r.name])}"})
    out += _at(frames, std, "round_info", info["end"] > end, "end", "round-outside-term",
               lambda r: {"variant": "end", "term": r["term"], "term_end": fmt_value(end[r.name]), **headers})
    return out


def _submitted_twice(frames) -> pd.Index:
    """(届次, 轮次, 巡察组) keys that two or more workbooks hand in."""
    info = frames["round_info"].dropna(subset=["term", "group"])
    per_key = info.groupby(["term", "round", "group"])["source_file"].nunique()
    return per_key[per_key > 1].index


def _duplicate_submissions(frames, std: Standard) -> list[Finding]:
    info = frames["round_info"]
    keys = ["term", "round", "group"]
    twice = _submitted_twice(frames)
    if twice.empty:
        return []
    hit = pd.Series(pd.MultiIndex.from_frame(info[keys]).isin(twice), index=info.index)
    key = "、".join(_h(std, "round_info", k) for k in keys)

    def params(row):
        same = hit & (info["term"] == row["term"]) & (info["round"] == row["round"]) & (info["group"] == row["group"])
        others = sorted(set(info.loc[same, "source_file"]) - {row["source_file"]})
        return {"term": row["term"], "round": row["round"], "group": row["group"], "others": "、".join(others),
                "key": key}
    return _at(frames, std, "round_info", hit, "group", "submission-duplicate", params)


def _empty_round_info(frames, reads: list[FileRead], std: Standard) -> list[Finding]:
    have = set(frames["round_info"]["source_file"])
    name = _s(std, "round_info")
    needed = "、".join(c.header for c in std.sheet("round_info").columns if c.not_null)
    out = []
    for fr in reads:
        sheet = next((s.name for s in fr.sheets if s.sheet_id == "round_info"), None)
        if fr.kind == "round" and sheet is not None and fr.path not in have:
            out.append(finding("round-info-empty", file=fr.path, sheet=sheet, round_info=name, needed=needed))
    return out


def group_checks(frames, std: Standard) -> list[Finding]:
    """Every 巡察组 of a round sheet is in its file's 轮次信息."""
    info = frames["round_info"].dropna(subset=["group"])
    known = pd.MultiIndex.from_frame(info[["source_file", "group"]])
    files = set(info["source_file"])
    out = []
    for sid in std.round_sheets:
        frame = frames[sid]
        pairs = pd.MultiIndex.from_frame(frame[["source_file", "group"]])
        bad = frame["group"].notna() & frame["source_file"].isin(files) & ~pairs.isin(known)
        if not bad.any():
            continue

        def params(r, sid=sid):
            groups = "、".join(dict.fromkeys(info.loc[info["source_file"] == r["source_file"], "group"]))
            return {"group_header": _h(std, sid, "group"), "round_info": _s(std, "round_info"), "groups": groups}
        out += _at(frames, std, sid, bad, "group", "group-not-in-round-info", params)
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
                   lambda r: {"registry": _registry_name(std), "hint": _hint(r["org"], reg.index)})
        reg_cat = orgs["org"].map(reg["category"])
        # an invalid 对象类别 is reported once, as enum-invalid by the row checks
        valid = orgs["category"].isin(std.enum_values("org_category"))
        mismatch = valid & reg_cat.notna() & (orgs["category"] != reg_cat)
        out += _at(frames, std, "round_orgs", mismatch, "category", "category-mismatch",
                   lambda r: {"category_header": _h(std, "round_orgs", "category"), "registered": reg_cat[r.name]})
        out += _in_force(frames, std, reg)
    out += _duplicates(frames, std, "round_orgs", ["term", "round", "org"], "org", "org-duplicate-in-round")
    return out


def _in_force(frames, std: Standard, reg: pd.DataFrame) -> list[Finding]:
    orgs = frames["round_orgs"]
    removed, added = orgs["org"].map(reg["removed"]), orgs["org"].map(reg["added"])
    start = _h(std, "round_orgs", "start")
    out = _at(frames, std, "round_orgs", orgs["start"] > removed, "start", "unit-removed",
              lambda r: {"org": r["org"], "removed_header": _h(std, "units", "removed"),
                         "removed": fmt_value(removed[r.name]), "start_header": start})
    out += _at(frames, std, "round_orgs", orgs["start"] < added, "start", "unit-not-yet-added",
               lambda r: {"org": r["org"], "added_header": _h(std, "units", "added"),
                          "added": fmt_value(added[r.name]), "start_header": start})
    return out


def _resubmitted(frames, frame: pd.DataFrame) -> pd.Series:
    """Rows of a round sheet (term, round and group columns) of a submission handed in twice
    (reported once, as submission-duplicate)."""
    twice = _submitted_twice(frames)
    if twice.empty:  # the usual case: no MultiIndex of every row needed
        return pd.Series(False, index=frame.index)
    keys = pd.MultiIndex.from_frame(frame[["term", "round", "group"]])
    return pd.Series(keys.isin(twice), index=frame.index)


def _duplicates(frames, std: Standard, sid, keys, col_id, code, **params) -> list[Finding]:
    """Rows repeating ``keys`` (all present) after their first occurrence (``{first}``: where it is)."""
    frame = frames[sid]
    ok = frame[keys].notna().all(axis=1)
    if sid in std.round_sheets:
        ok &= ~_resubmitted(frames, frame)
    if "round" in keys:
        ok &= frame["round"] > 0
    dup = ok & frame.duplicated(keys, keep="first")
    if not dup.any():
        return []
    first = frame[ok].groupby(keys, sort=False)[["source_file", "source_sheet", "source_row"]].transform("first")
    return _at(frames, std, sid, dup, col_id, code,
               lambda r: {"first": _where(first.loc[r.name]), **params})


def reference_checks(frames, std: Standard) -> list[Finding]:
    """Organisations of 工作量/发现问题/问题线索 are in the same round's 巡察对象."""
    orgs = frames["round_orgs"].dropna(subset=["term", "org"])
    known = pd.MultiIndex.from_frame(orgs[["term", "round", "org"]])
    out = []
    for sid in ("workload", "problems", "clues"):
        frame = frames[sid]
        pairs = pd.MultiIndex.from_frame(frame[["term", "round", "org"]])
        bad = frame["org"].notna() & frame["term"].notna() & ~pairs.isin(known)

        def params(r):
            cands = orgs.loc[(orgs["term"] == r["term"]) & (orgs["round"] == r["round"]), "org"]
            return {"term": r["term"], "round": r["round"], "round_orgs": _s(std, "round_orgs"),
                    "hint": _hint(r["org"], cands)}
        out += _at(frames, std, sid, bad, "org", "org-not-in-round", params)
    return out


def id_checks(frames, std: Standard) -> list[Finding]:
    """问题编号 and 线索编号 unique within (届次, 轮次)."""
    return (_duplicates(frames, std, "problems", ["term", "round", "problem_id"], "problem_id",
                        "problem-id-duplicate", id_header=_h(std, "problems", "problem_id"))
            + _duplicates(frames, std, "clues", ["term", "round", "clue_id"], "clue_id",
                          "clue-id-duplicate", id_header=_h(std, "clues", "clue_id")))


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

    def params(r):
        tax = std.taxonomy_for_term(r["term"])
        return {"term": r["term"] or "", "taxonomy": tax.name, "category_header": _h(std, "problems", "category"),
                "choices": "、".join(tax.categories)}
    return _at(frames, std, "problems", bad, "category", "problem-category-invalid", params)


def date_checks(frames, std: Standard) -> list[Finding]:
    """Warnings: an organisation or a row dated outside its group's [进驻, 结束]."""
    keys = frames["round_info"].dropna(subset=["group"]).drop_duplicates(["source_file", "group"])
    slack = pd.Timedelta(days=std.rules.checks.days_after_round_end)
    out = []
    for sid in std.round_sheets:
        frame, col_id = frames[sid], std.sheet(sid).period_date
        span = frame[["source_file", "group"]].merge(keys[["source_file", "group", "start", "end"]],
                                                     how="left", on=["source_file", "group"])
        start = span["start"].to_numpy()
        end = span["end"].where(~(span["end"] < span["start"])).to_numpy()  # a wrong span is reported already
        date = frame[col_id].to_numpy()
        extra = pd.Timedelta(0) if sid == "round_orgs" else slack
        bad = pd.Series((date < start) | (date > end + extra), index=frame.index)
        out += _at(frames, std, sid, bad, col_id, "date-outside-round",
                   lambda r, s=span, after="" if sid == "round_orgs" else f"及结束后 {slack.days} 天": {
                       "start": fmt_value(s.loc[r.name, "start"]), "end": fmt_value(s.loc[r.name, "end"]) or "今",
                       "slack": after})
    return out


def office_checks(frames, std: Standard) -> list[Finding]:
    """Office rows entered twice (e.g. the same workbook handed in twice)."""
    return (_duplicates(frames, std, "team", ["year", "item"], "item", "team-item-duplicate")
            + _duplicates(frames, std, "special_work", ["item", "start"], "item", "special-work-duplicate",
                          start_header=_h(std, "special_work", "start"))
            + _duplicates(frames, std, "training", ["date", "name"], "name", "training-duplicate"))


def cross_findings(frames: dict[str, pd.DataFrame], reads: list[FileRead], std: Standard) -> list[Finding]:
    """Every cross-sheet and cross-workbook check, in a stable order (the frames are not changed)."""
    out = workbook_counts(reads, std)
    out += term_checks(frames, std) + unit_checks(frames, std)
    out += round_info_checks(frames, reads, std) + group_checks(frames, std)
    out += round_org_checks(frames, std) + reference_checks(frames, std) + id_checks(frames, std)
    out += taxonomy_checks(frames, std) + date_checks(frames, std) + office_checks(frames, std)
    return out
