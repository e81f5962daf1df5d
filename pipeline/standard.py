"""The workbook standard, loaded from the declarative files under ``schemas/`` and checked there.

Everything that names a sheet, a header, an enumeration value, a date order, a minimum, the
sheets of a round, a 基本情况 label or a counting setting asks this module; nothing else in
the code spells one out. :func:`load_standard` validates every file into the typed records
below (pydantic) and refuses a wrong standard at once, with one Chinese line naming the file,
the key and what is expected (:class:`StandardError`, exit 2). Defaults live in these records
only; no stage checks the standard again.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from dataclasses import field, fields
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
    with_config,
)
from pydantic.dataclasses import dataclass as pydantic_dataclass
from typing_extensions import TypedDict

from .errors import UsageError, XunchaError

# The shipped standard: inside the package in an installed wheel (pyproject maps the
# top-level schemas/ folder there), beside the package in a source checkout.
_HERE = Path(__file__).resolve().parent
SCHEMA_DIR = next((d for d in (_HERE / "schemas", _HERE.parent / "schemas") if d.is_dir()), _HERE / "schemas")
FILES = ("standard.toml", "enums.toml", "taxonomy.toml", "rules.toml", "wording.toml")


class StandardError(UsageError):
    """The standard (``--schemas``) cannot be used: one line naming the file, the key and what is expected."""


class MissingStandardFile(XunchaError):
    """A file of the standard is missing: an incomplete installation (``standard_at`` says it
    as a usage error when the folder is the user's own)."""

    def __init__(self, path: Path):
        super().__init__(f"找不到填报标准文件：{path}。本程序安装不完整，请在项目文件夹中重新运行 pip install . 安装。")
        self.path = path


# ---------------------------------------------------------------- value types
# Strict: a number in quotes is text, not a number (TOML has real integers and booleans).
Text = StrictStr
Name = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Count = Annotated[StrictInt, Field(ge=0)]
Positive = Annotated[StrictInt, Field(ge=1)]
Flag = StrictBool
Names = Annotated[tuple[Name, ...], Field(min_length=1)]

_record = pydantic_dataclass(frozen=True, config=ConfigDict(extra="forbid"))


class _Definition:
    """A definition the reader uses as a cache key (read/workbook.py): its hash is computed once,
    when it is made; the generated one would hash every column again at each lookup, several
    times per file read (about 7% of reading, issue 13). Each class declares ``_hash`` (not
    compared, not shown, not pickled) and ``__hash__``."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(tuple(getattr(self, f.name) for f in fields(self) if f.compare)))

    def __getstate__(self) -> dict:
        """Pickled without the hash (another process may hash strings differently) or cached properties."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.compare}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__post_init__()


# ---------------------------------------------------------------- standard.toml

ColumnType = Literal["text", "org", "count", "date", "enum", "year"]
COLUMN_TYPES = frozenset(ColumnType.__args__)


@_record
class Column(_Definition):
    id: Name
    header: Name
    type: ColumnType
    required: Flag = True  # the header must be present in the sheet
    not_null: Flag = False  # the cell must not be blank
    enum: Name | None = None  # an enumeration id of enums.toml, or "taxonomy"
    default: Text | None = None  # the value of a blank enum cell
    help: Text = ""
    example: Text = ""
    width: Positive | None = None
    confidential: Flag = False
    min: StrictInt | None = None  # the smallest value allowed (count and year columns)
    # Written by the tool into the form it sends out (整改进展表), locked there: a row whose other
    # cells are all blank is no word at all, and a changed value is a warning, not data.
    prefilled: Flag = False
    # The finding code of a cell that cannot be read as its type (default: the type's own code,
    # e.g. date-invalid); that code's templates are keyed by the type's own code as variants.
    invalid_code: Name | None = None
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        return self._hash


@_record
class DateOrder:
    """``later`` must not be before ``earlier`` in the same row (finding date-order, at this level)."""

    earlier: Name
    later: Name
    level: Literal["error", "warning"] = "error"


@_record
class Sheet(_Definition):
    id: Name
    name: Name
    columns: Annotated[tuple[Column, ...], Field(min_length=1)]
    purpose: Text = ""
    required: Flag = True
    round: Flag = False  # rows of one 巡察组 in one round: they get the group's 届次 and 轮次
    period_date: Name | None = None  # the date column that places a row in a period
    date_orders: tuple[DateOrder, ...] = ()
    workbook: Text = ""  # the workbook's id (set by the loader)
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        return self._hash

    def column(self, col_id: str) -> Column:
        """The column with English id ``col_id``."""
        for col in self.columns:
            if col.id == col_id:
                return col
        raise KeyError(f"{self.id}.{col_id}")

    def header(self, col_id: str) -> str:
        """The Chinese header of column ``col_id``."""
        return self.column(col_id).header

    @cached_property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @cached_property
    def to_fill(self) -> tuple[str, ...]:
        """Ids of the columns the user fills (all but the ``prefilled`` ones): a row with all of
        them blank is no row."""
        return tuple(c.id for c in self.columns if not c.prefilled)


@_record
class Workbook(_Definition):
    id: Name
    name: Name
    file: Name
    recognise_by: Names  # sheet names that make a file this kind of workbook
    sheets: Annotated[tuple[Sheet, ...], Field(min_length=1)]
    purpose: Text = ""
    min_count: Count = 0
    max_count: Count | None = None
    template: Flag = True  # a blank template is written (false: another output is its form)
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        return self._hash

    def sheet(self, sheet_id: str) -> Sheet:
        for sh in self.sheets:
            if sh.id == sheet_id:
                return sh
        raise KeyError(f"{self.id}.{sheet_id}")


@_record
class InfoLabels:
    """The items (项目) of the registry's 基本情况 sheet that the tool reads."""

    county: Name  # 县名, used in titles and the county package
    compiler: Name  # 编制单位


class _StandardFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Name
    info_labels: InfoLabels
    workbooks: Annotated[tuple[Workbook, ...], Field(min_length=1)]


# ---------------------------------------------------------------- enums.toml, taxonomy.toml

@with_config(ConfigDict(extra="forbid"))
class Family(TypedDict):
    """A family of 对象类别 (coverage is reported per family): a plain dict."""

    id: Name
    name: Name
    members: Names


@_record
class Enum:
    id: Name
    name: Name
    values: Names
    help: Text = ""
    families: tuple[Family, ...] = ()


@_record
class Taxonomy:
    name: Name
    categories: Names
    short: tuple[Name, ...] = ()  # short names for charts, one per category (default: the categories)

    @model_validator(mode="after")
    def _one_short_name_each(self) -> Taxonomy:
        if not self.short:
            object.__setattr__(self, "short", self.categories)
        elif len(self.short) != len(self.categories):
            raise ValueError(f"short 须与 categories 一样多（现为 {len(self.short)} 个和 {len(self.categories)} 个）")
        return self


class _TaxonomyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default: Name
    template_taxonomy: Name | None = None  # default: ``default``
    taxonomies: Annotated[dict[Name, Taxonomy], Field(min_length=1)]
    terms: dict[Name, Name] = Field(default_factory=dict)


# ---------------------------------------------------------------- rules.toml

class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CoverageRules(_Section):
    counting_round_types: Names  # 巡察类型 whose inspections count toward 全覆盖


class ReadingRules(_Section):
    header_search_rows: Positive = 10
    total_row_labels: tuple[Name, ...] = ("合计", "总计", "小计", "累计")
    max_unzipped_mb: Positive = 512
    max_compression_ratio: Positive = 100
    compression_check_from_mb: Positive = 10


class OutputRules(_Section):
    default_county: Name = "本县"  # in titles when the registry has no 基本情况 县名


class SummaryRules(_Section):
    """Up to how many rounds each document describes one by one; above, grouped by 巡察类型."""

    annual_rounds_one_by_one: Positive = 12
    monthly_rounds_one_by_one: Positive = 6
    largest_rounds: Positive = 5  # above the limit, the rounds named (most problems first)

    def one_by_one(self, kind: str) -> int:
        return self.annual_rounds_one_by_one if kind == "annual" else self.monthly_rounds_one_by_one


class RegistryRules(_Section):
    township_category: Name  # the 对象类别 a 所属乡镇 must have
    township_required_for_families: tuple[Name, ...] = ()  # family ids whose units need a 所属乡镇


class CheckRules(_Section):
    days_after_round_end: Count = 90  # a row dated later than this after its group's 结束日期 warns


class ProblemRules(_Section):
    rectified_status: Name  # the 整改状态 meaning rectified


class RectificationLabels(_Section):
    """The Chinese name of each state of the rectification ledger (the field order is the states')."""

    rectified: Name
    overdue: Name
    due_10: Name
    due_20: Name
    on_track: Name
    no_deadline: Name

    def __getitem__(self, state: str) -> str:
        return getattr(self, state)


class RectificationRules(_Section):
    due_soon_days: Count = 10  # 0..this many days to the deadline: due_10 (yellow)
    warning_days: Count = 20  # up to this many: due_20 (green); beyond: on_track
    return_due_days: Count = 0  # a return is owed once a deadline is this many days away (rectification.md §4)
    labels: RectificationLabels

    @model_validator(mode="after")
    def _soon_before_warning(self) -> RectificationRules:
        if self.due_soon_days > self.warning_days:
            raise ValueError(f"due_soon_days（{self.due_soon_days}）不得大于 warning_days（{self.warning_days}）")
        return self


class ExplanationRules(_Section):
    min_length: Positive = 6  # the shortest 核实说明 accepted
    bare_confirmations: tuple[Name, ...] = ("核实无误", "无误", "属实", "正确", "情况属实", "经核实无误")


class Rules(_Section):
    """``schemas/rules.toml``: the counting and checking settings."""

    coverage: CoverageRules
    reading: ReadingRules = Field(default_factory=ReadingRules)
    output: OutputRules = Field(default_factory=OutputRules)
    summary: SummaryRules = Field(default_factory=SummaryRules)
    registry: RegistryRules
    checks: CheckRules = Field(default_factory=CheckRules)
    problems: ProblemRules
    rectification: RectificationRules
    explanations: ExplanationRules = Field(default_factory=ExplanationRules)


# ---------------------------------------------------------------- wording.toml

@_record
class Phrase:
    """A fixed phrase of the drafts (periods.md §4): its key, where it is used, its default text."""

    key: Name
    where: Text
    default: Name


class _WordingFile(BaseModel):
    """``schemas/wording.toml``: the phrases the office may replace with its 文稿措辞 workbook."""

    model_config = ConfigDict(extra="forbid")
    max_chars: Positive = 500
    phrases: Annotated[tuple[Phrase, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _usable_defaults(self) -> _WordingFile:
        keys = [p.key for p in self.phrases]
        for p in self.phrases:
            if keys.count(p.key) > 1:
                raise ValueError(f"phrases 的 key “{p.key}”重复了，须各不相同")
            if phrase_problem(p.default, self.max_chars):
                raise ValueError(f"“{p.key}”的 default 不能有花括号，也不能超过 max_chars（{self.max_chars}）个字")
        return self


def phrase_problem(text: str, max_chars: int) -> str | None:
    """Why ``text`` cannot be a phrase (a variant of ``wording-invalid``: "braces", "long"), or None."""
    if "{" in text or "}" in text:
        return "braces"
    if len(text) > max_chars:
        return "long"
    return None


# ---------------------------------------------------------------- the standard

# eq=False: a standard is compared (and hashed, as a cache key) by identity.
@dataclasses.dataclass(frozen=True, eq=False)
class Standard:
    version: str
    workbooks: tuple[Workbook, ...]
    enums: dict[str, Enum]
    taxonomies: dict[str, Taxonomy]
    default_taxonomy: str
    template_taxonomy: str
    term_taxonomy: dict[str, str]
    info_labels: InfoLabels
    rules: Rules
    # Shortcuts to ``rules``, set at load (tests replace some of them).
    coverage_round_types: tuple[str, ...]
    header_search_rows: int
    max_unzipped_mb: int
    max_compression_ratio: int
    compression_check_from_mb: int
    default_county: str
    rectified_status: str
    sheets: dict[str, Sheet] = dataclasses.field(default_factory=dict)
    round_sheets: tuple[str, ...] = ()  # ids of the sheets marked ``round = true``, in order
    phrases: tuple[Phrase, ...] = ()  # wording.toml: the drafts' fixed phrases, in order
    phrase_max_chars: int = 500

    def workbook(self, wb_id: str) -> Workbook:
        for wb in self.workbooks:
            if wb.id == wb_id:
                return wb
        raise KeyError(wb_id)

    @property
    def template_workbooks(self) -> tuple[Workbook, ...]:
        """The workbook kinds that get a blank template (``template`` in standard.toml)."""
        return tuple(wb for wb in self.workbooks if wb.template)

    def sheet(self, sheet_id: str) -> Sheet:
        """A sheet by its English id (sheet ids are unique across workbooks)."""
        return self.sheets[sheet_id]

    def enum_values(self, enum_id: str) -> tuple[str, ...]:
        return self.enums[enum_id].values

    def taxonomy_for_term(self, term: str | None) -> Taxonomy:
        """The problem taxonomy in force for a term (届次)."""
        name = self.term_taxonomy.get(term or "", self.default_taxonomy)
        return self.taxonomies[name]

    def all_problem_categories(self) -> tuple[str, ...]:
        """Every category of every taxonomy, in first-seen order."""
        seen: dict[str, None] = {}
        for tax in self.taxonomies.values():
            for cat in tax.categories:
                seen.setdefault(cat, None)
        return tuple(seen)

    @property
    def default_wording(self) -> dict[str, str]:
        """Every phrase's default text, by key (the drafts without a 文稿措辞 workbook)."""
        return {p.key: p.default for p in self.phrases}

    def phrase_problem(self, text: str) -> str | None:
        """Why ``text`` cannot be a phrase ("braces", "long": variants of ``wording-invalid``), or None."""
        return phrase_problem(text, self.phrase_max_chars)

    def families(self) -> tuple[dict, ...]:
        """Families of 对象类别: ``{"id", "name", "members"}``."""
        return self.enums["org_category"].families

    def family_of(self, category: str) -> str | None:
        for fam in self.families():
            if category in fam["members"]:
                return fam["id"]
        return None


# ---------------------------------------------------------------- loading

def _load_toml(path: Path) -> dict:
    """A TOML file of the standard as a dict; a missing file is an incomplete installation."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise MissingStandardFile(path) from exc


def _read(folder: Path, file: str) -> dict:
    """One file of the standard; a file that is not TOML is a StandardError naming where."""
    try:
        return _load_toml(folder / file)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+), column (\d+)", str(exc))
        where = f"第 {at[1]} 行第 {at[2]} 列附近" if at else ""
        raise StandardError(f"填报标准有误：{file} {where}不符合 TOML 格式（检查引号、括号是否成对，"
                            f"每项是否写成 键 = 值）。请对照随程序提供的 schemas/{file} 改正。") from None
    except UnicodeDecodeError:
        raise StandardError(f"填报标准有误：{file} 不是 UTF-8 编码的文本文件。"
                            "请用 UTF-8 编码保存后重新运行。") from None


def load_standard(schema_dir: Path = SCHEMA_DIR) -> Standard:
    """The standard in ``schema_dir``, every file validated and cross-checked.

    Raises StandardError (a UsageError: exit 2) with one Chinese line naming the file, the key
    and what is expected; MissingStandardFile when a file is missing.
    """
    raw = {file: _read(Path(schema_dir), file) for file in FILES}
    std_file = _validated(_StandardFile, _with_ids(raw["standard.toml"]), "standard.toml", raw)
    enums = _validated(dict[str, Enum], {k: _with(v, id=k) for k, v in raw["enums.toml"].items()},
                       "enums.toml", raw)
    tax_raw = raw["taxonomy.toml"]
    named = dict(tax_raw, taxonomies={k: _with(v, name=k) for k, v in tax_raw["taxonomies"].items()}) \
        if isinstance(tax_raw.get("taxonomies"), dict) else tax_raw
    tax = _validated(_TaxonomyFile, named, "taxonomy.toml", raw)
    rules = _validated(Rules, raw["rules.toml"], "rules.toml", raw)
    wording = _validated(_WordingFile, raw["wording.toml"], "wording.toml", raw)
    sheets = {sh.id: sh for wb in std_file.workbooks for sh in wb.sheets}
    standard = Standard(
        version=std_file.version, workbooks=std_file.workbooks, enums=enums, taxonomies=dict(tax.taxonomies),
        default_taxonomy=tax.default, template_taxonomy=tax.template_taxonomy or tax.default,
        term_taxonomy=dict(tax.terms), info_labels=std_file.info_labels, rules=rules,
        coverage_round_types=rules.coverage.counting_round_types,
        header_search_rows=rules.reading.header_search_rows, max_unzipped_mb=rules.reading.max_unzipped_mb,
        max_compression_ratio=rules.reading.max_compression_ratio,
        compression_check_from_mb=rules.reading.compression_check_from_mb,
        default_county=rules.output.default_county, rectified_status=rules.problems.rectified_status,
        sheets=sheets, round_sheets=tuple(sid for sid, sh in sheets.items() if sh.round),
        phrases=wording.phrases, phrase_max_chars=wording.max_chars)
    _check_references(standard, raw)
    return standard


def standard_at(folder: Path | None) -> Standard:
    """The standard in ``folder`` (``--schemas``; None: the one shipped with the tool).

    A folder that is missing, lacks a file or holds a wrong standard is a UsageError with one
    Chinese line (exit 2); a file missing from the shipped standard is an incomplete installation.
    """
    if not folder:
        return load_standard(SCHEMA_DIR)
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"找不到填报标准文件夹“{folder}”。请用 --schemas 指定含 standard.toml 等文件的文件夹，"
                         "或去掉 --schemas 使用自带的标准。")
    try:
        return load_standard(folder)
    except MissingStandardFile as exc:
        raise StandardError(f"填报标准文件夹“{folder}”中缺少文件：{exc.path.name}。请从随程序提供的 schemas 文件夹"
                            f"复制该文件，或去掉 --schemas 使用自带的标准。") from None


def _with(table: Any, **keys) -> Any:
    """A table of a file with the keys its place implies (an enum's id is its table name)."""
    return {**table, **keys} if isinstance(table, dict) else table


def _with_ids(raw: dict) -> dict:
    """standard.toml with each sheet's ``workbook`` set to its workbook's id."""
    workbooks = raw.get("workbooks")
    if not isinstance(workbooks, list):
        return raw
    out = []
    for wb in workbooks:
        if isinstance(wb, dict) and isinstance(wb.get("sheets"), list):
            wb = dict(wb, sheets=[_with(sh, workbook=wb.get("id")) for sh in wb["sheets"]])
        out.append(wb)
    return dict(raw, workbooks=out)


_ADAPTERS: dict[Any, TypeAdapter] = {}


def _validated(kind: Any, data: Any, file: str, raw: dict) -> Any:
    """``data`` (from ``file``) as ``kind``; the first problem as a StandardError."""
    adapter = _ADAPTERS.get(kind) or _ADAPTERS.setdefault(kind, TypeAdapter(kind))
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise _refuse(file, raw[file], error["loc"], _expected(error)) from None


# ---------------------------------------------------------------- the references between files

def _check_references(std: Standard, raw: dict) -> None:
    """What pydantic cannot see in one record: names that must exist elsewhere."""
    _check_workbooks(std, raw["standard.toml"])
    _check_enums(std, raw["enums.toml"])
    _check_taxonomies(std, raw["taxonomy.toml"])
    _check_rules(std, raw["rules.toml"])


def _check_workbooks(std: Standard, raw: dict) -> None:
    seen: set[str] = set()
    for i, wb in enumerate(std.workbooks):
        names = [sh.name for sh in wb.sheets]
        for n, name in enumerate(wb.recognise_by):
            if name not in names:
                raise _refuse("standard.toml", raw, ("workbooks", i, "recognise_by", n),
                              f"须为本工作簿的工作表名称之一：{_listed(names)}")
        for j, sheet in enumerate(wb.sheets):
            at = ("workbooks", i, "sheets", j)
            if sheet.id in seen:
                raise _refuse("standard.toml", raw, (*at, "id"), "工作表 id 已在前面用过，须各不相同")
            seen.add(sheet.id)
            _check_sheet(std, raw, sheet, at)


def _check_sheet(std: Standard, raw: dict, sheet: Sheet, at: tuple) -> None:
    ids: set[str] = set()
    for k, col in enumerate(sheet.columns):
        here = (*at, "columns", k)
        if col.id in ids:
            raise _refuse("standard.toml", raw, (*here, "id"), "列 id 已在本表前面用过，须各不相同")
        ids.add(col.id)
        if col.type == "enum" and col.enum is None:
            raise _refuse("standard.toml", raw, (*here, "enum"),
                          f'type = "enum" 的列须写 enum：enums.toml 中的枚举 id（{_listed(std.enums)}）或 "taxonomy"')
        if col.enum is not None and col.enum != "taxonomy" and col.enum not in std.enums:
            raise _refuse("standard.toml", raw, (*here, "enum"),
                          f'须为 enums.toml 中的枚举 id 之一（{_listed(std.enums)}），或 "taxonomy"')
        if col.min is not None and col.type not in ("count", "year"):
            raise _refuse("standard.toml", raw, (*here, "min"), f"min 只用于 count 或 year 类型的列，本列是 {col.type}")
    dates = [c.id for c in sheet.columns if c.type == "date"]
    for n, order in enumerate(sheet.date_orders):
        for key in ("earlier", "later"):
            if getattr(order, key) not in dates:
                raise _refuse("standard.toml", raw, (*at, "date_orders", n, key),
                              f"须为本表日期列的 id 之一：{_listed(dates)}")
    if sheet.period_date is not None and sheet.period_date not in dates:
        raise _refuse("standard.toml", raw, (*at, "period_date"), f"须为本表日期列的 id 之一：{_listed(dates)}")
    if sheet.round and ("group" not in ids or sheet.period_date is None):
        raise _refuse("standard.toml", raw, (*at, "round"),
                      "round = true 的工作表须有 id 为 group 的列（巡察组，各行由此对应到本轮的届次和轮次），"
                      "并写明 period_date（决定各行计入哪个统计期的日期列）")


def _check_enums(std: Standard, raw: dict) -> None:
    for key, enum in std.enums.items():
        for n, value in enumerate(enum.values):
            if value in enum.values[:n]:
                raise _refuse("enums.toml", raw, (key, "values", n), "可选值重复了，须各不相同")
        for f, family in enumerate(enum.families):
            for m, member in enumerate(family["members"]):
                if member not in enum.values:
                    raise _refuse("enums.toml", raw, (key, "families", f, "members", m),
                                  f"须为本枚举 values 中的值之一：{_listed(enum.values)}")


def _check_taxonomies(std: Standard, raw: dict) -> None:
    known = f"须为 [taxonomies] 中的问题分类之一：{_listed(std.taxonomies)}"
    for key in ("default", "template_taxonomy"):
        if key in raw and raw[key] not in std.taxonomies:
            raise _refuse("taxonomy.toml", raw, (key,), known)
    for term, name in std.term_taxonomy.items():
        if name not in std.taxonomies:
            raise _refuse("taxonomy.toml", raw, ("terms", term), known)


def _check_rules(std: Standard, raw: dict) -> None:
    rules = std.rules

    def one_of(loc: tuple, value: str, enum_id: str) -> None:
        values = std.enums[enum_id].values if enum_id in std.enums else ()
        if value not in values:
            raise _refuse("rules.toml", raw, loc, f"须为 enums.toml [{enum_id}] 的值之一：{_listed(values)}")

    for n, rtype in enumerate(rules.coverage.counting_round_types):
        one_of(("coverage", "counting_round_types", n), rtype, "round_type")
    one_of(("problems", "rectified_status"), rules.problems.rectified_status, "rectification_status")
    one_of(("registry", "township_category"), rules.registry.township_category, "org_category")
    families = [f["id"] for f in std.families()] if "org_category" in std.enums else []
    for n, fam in enumerate(rules.registry.township_required_for_families):
        if fam not in families:
            raise _refuse("rules.toml", raw, ("registry", "township_required_for_families", n),
                          f"须为 enums.toml [org_category] families 的 id 之一：{_listed(families)}")


# ---------------------------------------------------------------- one line per problem

# pydantic error type -> what is expected, in Chinese ({...}: the error's context)
_EXPECTED = {
    "missing": "缺少这一项",
    "extra_forbidden": "不是可用的设置项（请检查拼写，或删去）",
    "unexpected_keyword_argument": "不是可用的设置项（请检查拼写，或删去）",
    "int_type": "须为整数（不加引号）",
    "int_parsing": "须为整数（不加引号）",
    "int_from_float": "须为整数（不加引号）",
    "greater_than_equal": "须为不小于 {ge} 的整数",
    "greater_than": "须大于 {gt}",
    "bool_type": "须为 true 或 false（不加引号）",
    "bool_parsing": "须为 true 或 false（不加引号）",
    "string_type": "须为文字（加英文双引号）",
    "string_too_short": "不能为空",
    "too_short": "不能为空（至少 {min_length} 项）",
    "tuple_type": '须为列表，如 ["甲", "乙"]',
    "list_type": '须为列表，如 ["甲", "乙"]',
    "dict_type": "须为一节（表）",
    "model_type": "须为一节（表）",
    "dataclass_type": "须为一节（表）",
    "dataclass_exact_type": "须为一节（表）",
    "model_attributes_type": "须为一节（表）",
    "literal_error": "须为以下之一：{expected}",
    "none_required": "不应填写",
}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _expected(error: dict) -> str:
    """What a pydantic error says is expected, in Chinese."""
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error":
        return str(ctx.get("error", error["msg"]))
    template = _EXPECTED.get(error["type"])
    if template is None:
        return f"不符合要求（{error['msg']}）"
    if "expected" in ctx:  # literal_error: "'text', 'org' or 'year'"
        ctx = {**ctx, "expected": "、".join(f'"{v}"' for v in re.findall(r"'([^']*)'", str(ctx["expected"])))}
    return template.format(**ctx)


def _refuse(file: str, raw: dict, loc: tuple, expected: str) -> StandardError:
    """The StandardError for the key at ``loc`` of ``file`` (``raw``: the file as read)."""
    place = _place(raw, loc)
    shown = _shown(raw, loc)
    where = f"{file} 中 {place}{f' = {shown}' if shown else ''}" if place else file
    return StandardError(f"填报标准有误：{where}：{expected}。请对照随程序提供的 schemas/{file} 改正。")


def _key(key: Any) -> str:
    return str(key) if _BARE_KEY.fullmatch(str(key)) else json.dumps(str(key), ensure_ascii=False)


def _place(raw: dict, loc: tuple) -> str:
    """Where ``loc`` is, as written in the TOML file: ``[rectification] due_soon_days``,
    ``[grade] values 第 3 项``, ``[[workbooks.sheets.columns]]（round / problems / status）type``
    (the array elements on the way, by id or position)."""
    tables: list[str] = []
    marks: list[str] = []
    array, node, parts, key = False, raw, list(loc), ""
    while parts:
        part = parts.pop(0)
        child = node.get(part) if isinstance(node, dict) and isinstance(part, str) else None
        if parts and isinstance(parts[0], int) and isinstance(child, list) and parts[0] < len(child) \
                and isinstance(child[parts[0]], dict):
            index, element = parts[0], child[parts.pop(0)]
            ident = element.get("id")
            marks.append(ident if isinstance(ident, str) else f"第 {index + 1} 项")
            tables.append(part)
            array, node = True, element
        elif isinstance(child, dict):
            tables.append(part)
            array, node = False, child
        else:
            key = _key(part) + "".join(f" 第 {p + 1} 项" if isinstance(p, int) else f".{_key(p)}" for p in parts)
            break
    head = ""
    if tables:
        name = ".".join(_key(t) for t in tables)
        head = (f"[[{name}]]" if array else f"[{name}]") + (f"（{' / '.join(marks)}）" if marks else "")
    return head + (" " if head and key and not head.endswith("）") else "") + key


def _shown(raw: dict, loc: tuple) -> str:
    """The value at ``loc`` as TOML writes it ("" for a table or a missing key)."""
    node: Any = raw
    for part in loc:
        if (isinstance(node, dict) and part in node) or \
                (isinstance(node, list) and isinstance(part, int) and part < len(node)):
            node = node[part]
        else:
            return ""
    if isinstance(node, dict) or (isinstance(node, list) and any(isinstance(x, dict) for x in node)):
        return ""
    text = json.dumps(node, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "…"


def _listed(values) -> str:
    return "、".join(str(v) for v in values) or "（无）"
