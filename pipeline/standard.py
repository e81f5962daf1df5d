"""The workbook standard, loaded from the declarative files under ``schemas/``.

Everything that names a sheet, a header or an enumeration value asks this
module; nothing else in the code spells one out.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path

from .errors import XunchaError

# The shipped standard: inside the package in an installed wheel (pyproject maps the
# top-level schemas/ folder there), beside the package in a source checkout.
_HERE = Path(__file__).resolve().parent
SCHEMA_DIR = next((d for d in (_HERE / "schemas", _HERE.parent / "schemas") if d.is_dir()), _HERE / "schemas")

COLUMN_TYPES = {"text", "org", "count", "date", "enum", "year"}


@dataclass(frozen=True)
class Column:
    id: str
    header: str
    type: str
    required: bool = True
    not_null: bool = False
    enum: str | None = None
    default: str | None = None
    help: str = ""
    example: str = ""
    width: int | None = None
    confidential: bool = False
    # Written by the tool into the form it sends out (整改进展表), locked there: a row whose other
    # cells are all blank is no word at all, and a changed value is a warning, not data.
    prefilled: bool = False
    # The finding code of a cell that cannot be read as its type (default: the type's own code,
    # e.g. date-invalid); that code's templates are keyed by the type's own code as variants.
    invalid_code: str | None = None


@dataclass(frozen=True)
class Sheet:
    id: str
    name: str
    purpose: str
    required: bool
    columns: tuple[Column, ...]
    workbook: str = ""

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


@dataclass(frozen=True)
class Workbook:
    id: str
    name: str
    file: str
    purpose: str
    recognise_by: tuple[str, ...]
    sheets: tuple[Sheet, ...]
    min_count: int = 0
    max_count: int | None = None
    template: bool = True  # a blank template is written (false: another output is its form)

    def sheet(self, sheet_id: str) -> Sheet:
        for sh in self.sheets:
            if sh.id == sheet_id:
                return sh
        raise KeyError(f"{self.id}.{sheet_id}")


def _hash_once(self) -> int:
    """The hash of a frozen definition, computed once: Sheets and Workbooks are cache keys of
    the reader (read/workbook.py), and the generated ``__hash__`` would hash every column again
    at each lookup, several times per file read (about 7% of reading, issue 13)."""
    cached = self.__dict__.get("_hash")
    if cached is None:
        cached = hash(tuple(getattr(self, f.name) for f in fields(self)))
        object.__setattr__(self, "_hash", cached)
    return cached


def _state_without_hash(self) -> dict:
    """Pickled without what is cached on it: another process may hash strings differently."""
    return {f.name: getattr(self, f.name) for f in fields(self)}


for _cls in (Column, Sheet, Workbook):
    _cls.__hash__ = _hash_once
    _cls.__getstate__ = _state_without_hash


@dataclass(frozen=True)
class Enum:
    id: str
    name: str
    values: tuple[str, ...]
    help: str = ""
    families: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    name: str
    categories: tuple[str, ...]
    short: tuple[str, ...]


# eq=False: a standard is compared (and hashed, as a cache key) by identity.
@dataclass(frozen=True, eq=False)
class Standard:
    version: str
    workbooks: tuple[Workbook, ...]
    enums: dict[str, Enum]
    taxonomies: dict[str, Taxonomy]
    default_taxonomy: str
    template_taxonomy: str
    term_taxonomy: dict[str, str]
    coverage_round_types: tuple[str, ...]
    header_search_rows: int
    max_unzipped_mb: int
    max_compression_ratio: int
    compression_check_from_mb: int
    default_county: str
    rectified_status: str
    sheets: dict[str, Sheet] = field(default_factory=dict)
    rules: dict = field(default_factory=dict)  # schemas/rules.toml as read

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

    def families(self) -> tuple[dict, ...]:
        """Families of 对象类别: ``{"id", "name", "members"}``."""
        return self.enums["org_category"].families

    def family_of(self, category: str) -> str | None:
        for fam in self.families():
            if category in fam["members"]:
                return fam["id"]
        return None


def _load_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:  # an incomplete installation, not a bug of the run
        raise XunchaError(f"找不到填报标准文件：{path}。本程序安装不完整，"
                          "请在项目文件夹中重新运行 pip install . 安装。") from exc


def _column(raw: dict) -> Column:
    col = Column(**raw)
    if col.type not in COLUMN_TYPES:
        raise ValueError(f"schemas: column {col.id} has unknown type {col.type}")
    return col


def load_standard(schema_dir: Path = SCHEMA_DIR) -> Standard:
    """Read the four schema files and check that they agree with each other."""
    std = _load_toml(schema_dir / "standard.toml")
    enums_raw = _load_toml(schema_dir / "enums.toml")
    tax_raw = _load_toml(schema_dir / "taxonomy.toml")
    rules = _load_toml(schema_dir / "rules.toml")

    enums = {
        key: Enum(id=key, name=val["name"], values=tuple(val["values"]),
                  help=val.get("help", ""), families=tuple(val.get("families", ())))
        for key, val in enums_raw.items()
    }
    taxonomies = {
        name: Taxonomy(name=name, categories=tuple(val["categories"]),
                       short=tuple(val.get("short", val["categories"])))
        for name, val in tax_raw["taxonomies"].items()
    }
    workbooks = []
    sheets: dict[str, Sheet] = {}
    for wb in std["workbooks"]:
        wb_sheets = []
        for sh in wb["sheets"]:
            sheet = Sheet(id=sh["id"], name=sh["name"], purpose=sh.get("purpose", ""),
                          required=sh.get("required", True),
                          columns=tuple(_column(c) for c in sh["columns"]), workbook=wb["id"])
            if sheet.id in sheets:
                raise ValueError(f"schemas: sheet id {sheet.id} used twice")
            sheets[sheet.id] = sheet
            wb_sheets.append(sheet)
        workbooks.append(Workbook(id=wb["id"], name=wb["name"], file=wb["file"],
                                  purpose=wb.get("purpose", ""),
                                  recognise_by=tuple(wb["recognise_by"]),
                                  sheets=tuple(wb_sheets), min_count=wb.get("min_count", 0),
                                  max_count=wb.get("max_count"), template=wb.get("template", True)))
    standard = Standard(
        version=std["version"], workbooks=tuple(workbooks), enums=enums,
        taxonomies=taxonomies, default_taxonomy=tax_raw["default"],
        template_taxonomy=tax_raw.get("template_taxonomy", tax_raw["default"]),
        term_taxonomy=dict(tax_raw.get("terms", {})),
        coverage_round_types=tuple(rules["coverage"]["counting_round_types"]),
        header_search_rows=rules["reading"]["header_search_rows"],
        max_unzipped_mb=rules["reading"]["max_unzipped_mb"],
        max_compression_ratio=rules["reading"]["max_compression_ratio"],
        compression_check_from_mb=rules["reading"]["compression_check_from_mb"],
        default_county=rules["output"]["default_county"],
        rectified_status=rules["problems"]["rectified_status"], sheets=sheets, rules=rules)
    _check_consistency(standard)
    return standard


def _check_consistency(std: Standard) -> None:
    for sheet in std.sheets.values():
        for col in sheet.columns:
            if col.type == "enum" and col.enum != "taxonomy" and col.enum not in std.enums:
                raise ValueError(f"schemas: {sheet.id}.{col.id} names unknown enum {col.enum}")
    for name in [std.default_taxonomy, std.template_taxonomy, *std.term_taxonomy.values()]:
        if name not in std.taxonomies:
            raise ValueError(f"schemas: unknown taxonomy {name}")
    for rtype in std.coverage_round_types:
        if rtype not in std.enums["round_type"].values:
            raise ValueError(f"schemas: coverage round type {rtype} is not a 巡察类型")
    if std.rectified_status not in std.enums["rectification_status"].values:
        raise ValueError(f"schemas: rectified_status {std.rectified_status} is not a 整改状态")

