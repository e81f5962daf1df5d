"""The 指标代码 of a package: which codes, their labels, and how metrics.json flattens into them.

A code is the metrics.json path of a figure (spec rollup.md): ``totals.talks``,
``year_to_date.talks`` (monthly, quarterly, half-year), ``problems_by_category.<类别>``, ``problems_by_status.<状态>``,
``clues_by_disposition.<处置情况>``, ``clues_by_transfer.<移交单位>``, ``ecology_grades.<等次>``,
``coverage.<family>.total|inspected``, ``coverage.by_category.<对象类别>.total|inspected``,
``rectification.in_ledger`` and ``rectification.<state>``. Every enumeration value has its code,
zeros included; the values come from the standard, never from this module.
"""

from __future__ import annotations

from ..periods import YTD_KINDS
from ..render.tables import total_label  # the leadership workbook's labels: one place
from ..standard import Standard
from ..stats.figures import BLANK_TRANSFER, totals_keys
from ..stats.selection import statuses
from .format import package_format

MEASURES = ("total", "inspected")  # coverage figures stored; the rate is recomputed
BY_CATEGORY = "by_category"
ENUM_SECTIONS = ("problems_by_category", "problems_by_status", "clues_by_disposition", "clues_by_transfer",
                 "ecology_grades")


def enum_keys(std: Standard, term: str | None) -> dict[str, list[str]]:
    """Every value of each enumerated breakdown (categories: the term's taxonomy)."""
    return {"problems_by_category": list(std.taxonomy_for_term(term).categories),
            "problems_by_status": list(statuses(std)),
            "clues_by_disposition": list(std.enum_values("disposition")),
            "clues_by_transfer": [*std.enum_values("transfer_to"), BLANK_TRANSFER],
            "ecology_grades": list(std.enum_values("grade"))}


def family_ids(std: Standard) -> list[str]:
    """Ids of the 对象类别 families (county, village), in the standard's order."""
    return [fam["id"] for fam in std.families()]


def coverage_codes(std: Standard) -> list[str]:
    """coverage.<family>.<measure> then coverage.by_category.<对象类别>.<measure>."""
    codes = [f"coverage.{fam}.{m}" for fam in family_ids(std) for m in MEASURES]
    return codes + [f"coverage.{BY_CATEGORY}.{cat}.{m}" for cat in std.enum_values("org_category")
                    for m in MEASURES]


def indicator_codes(std: Standard, kind: str, term: str | None) -> list[str]:
    """Every required 指标代码 of a package of period kind ``kind`` (annual, monthly, quarterly, half-year,
    range), in order: the kinds with a year to date have its totals too."""
    keys = totals_keys(std)
    codes = [f"totals.{k}" for k in keys]
    if kind in YTD_KINDS:
        codes += [f"year_to_date.{k}" for k in keys]
    for section, values in enum_keys(std, term).items():
        codes += [f"{section}.{v}" for v in values]
    codes += coverage_codes(std)
    return codes + [f"rectification.{k}" for k in package_format().rectification]


def split_code(code: str) -> tuple[str, ...]:
    """The metrics.json path of a code: ("coverage", "by_category", "村党组织", "total"), …

    Values may hold no dot only where the path needs it: the last dot of a by_category
    code separates the measure, so a category name with a dot still splits right.
    """
    section, _, rest = code.partition(".")
    if section != "coverage":
        return (section, rest)
    head, _, rest = rest.partition(".")
    if head == BY_CATEGORY:
        cat, _, measure = rest.rpartition(".")
        return (section, head, cat, measure)
    return (section, head, rest)


def section_of(indicators: dict[str, int], section: str) -> dict[str, int]:
    """{key: value} of the codes ``<section>.<key>``, in the package's order."""
    prefix = section + "."
    return {code[len(prefix):]: value for code, value in indicators.items() if code.startswith(prefix)}


# ---------------------------------------------------------------- from metrics.json

def _lookup(metrics: dict, code: str) -> int:
    node = metrics
    for part in split_code(code):
        if not isinstance(node, dict) or node.get(part) is None:
            raise ValueError(f"metrics.json has no value for {code}")
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, int | float) or node != int(node):
        raise ValueError(f"metrics.json value of {code} is not a whole number: {node!r}")
    return int(node)


def indicators_from_metrics(metrics: dict, std: Standard) -> dict[str, int]:
    """Flatten a county's metrics.json (schema v3, periods.md §2) into {指标代码: value}.

    Categories found in the rows beyond the term's taxonomy (metrics keeps them) follow
    the taxonomy's own. Raises ValueError when a required figure is missing.
    """
    codes = indicator_codes(std, metrics["period"]["kind"], metrics.get("term"))
    extra = [f"problems_by_category.{c}" for c in metrics.get("problems_by_category") or {}
             if f"problems_by_category.{c}" not in codes]
    last = max(i for i, c in enumerate(codes) if c.startswith("problems_by_category."))
    codes[last + 1:last + 1] = extra
    return {code: _lookup(metrics, code) for code in codes}


# ---------------------------------------------------------------- labels

def indicator_label(code: str, std: Standard) -> str:
    """The Chinese 指标 of a code, for people reading the package."""
    fmt = package_format()
    labels = fmt.section("indicators")["labels"]
    measures = fmt.section("indicators")["coverage_measures"]
    path = split_code(code)
    section = path[0]
    if section == "totals":
        return total_label(std, path[1])
    if section == "year_to_date":
        return labels["year_to_date"].format(label=total_label(std, path[1]))
    if section in ENUM_SECTIONS:
        return labels[section].format(key=path[1])
    if section == "rectification":
        return fmt.rectification.get(path[1], path[1])
    if section == "coverage" and path[1] == BY_CATEGORY:
        return labels["coverage_category"].format(key=path[2], measure=measures.get(path[3], path[3]))
    if section == "coverage":
        names = {fam["id"]: fam["name"] for fam in std.families()}
        return labels["coverage_family"].format(family=names.get(path[1], path[1]),
                                                measure=measures.get(path[2], path[2]))
    return code
