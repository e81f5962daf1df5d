"""The row rules of each sheet as a pandera ``DataFrameSchema``, built from the standard.

One schema per sheet kind (``schemas/standard.toml``): every column with its dtype, ``nullable``
from ``not_null`` and ``required`` from ``required``; ``Check.isin`` for an enumeration and
``Check.ge`` for a ``min``; the sheet's ``date_orders`` and, on 发现问题, the 整改完成日期 rules
as dataframe-level checks. Each check is named with the finding code it reports (see
``findings.py``), so a failure case names its finding; ``rows.py`` validates and maps them.

The dataframe-level checks are registered with pandera (``register_check_method``, their
parameters as statistics), so a schema written as YAML (``schema_export.py``) names them and
``pandera.io.from_yaml`` rebuilds them once this module is imported.

The dtypes are those of the typed frames (``read/normalize.py``): dates ``datetime64[ns]``,
counts and years ``int64`` (a blank reads as 0), except where a cell must not be blank: there
``Int64``, blank being missing (``rows.typed_view``). Text columns have no dtype (object).
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera import extensions

from ..standard import Column, Sheet, Standard

DATE_DTYPE = "datetime64[ns]"  # as read/normalize.py types a date column
# The sheet whose 整改状态/整改完成日期 pair the rectified-date rules check (its column ids).
PROBLEMS, STATUS, RECTIFIED_ON = "problems", "status", "rectified_on"


def _registered(code: str, statistics: list[str]):
    """Register a dataframe-level check under the finding code it reports (``Check[code]``)."""
    def register(fn):
        fn.__name__ = code  # pandera's registry key, the check's name in failure cases and in YAML
        if code not in pa.Check.REGISTERED_CUSTOM_CHECKS:  # this module may be imported again
            extensions.register_check_method(statistics=statistics, supported_types=pd.DataFrame)(fn)
        return fn
    return register


@_registered("date-order", ["earlier", "later", "level"])
def date_order(df: pd.DataFrame, *, earlier: str, later: str, level: str) -> pd.Series:
    """``later`` is not before ``earlier`` (a blank date passes); ``level``: error or warning."""
    return ~(df[later] < df[earlier])


@_registered("rectified-date-missing", ["status", "date", "rectified"])
def rectified_date_missing(df: pd.DataFrame, *, status: str, date: str, rectified: str) -> pd.Series:
    """A row whose ``status`` is ``rectified`` has a ``date``."""
    return ~((df[status] == rectified) & df[date].isna())


@_registered("rectified-date-unexpected", ["status", "date", "rectified"])
def rectified_date_unexpected(df: pd.DataFrame, *, status: str, date: str, rectified: str) -> pd.Series:
    """A ``date`` only where ``status`` is ``rectified`` (or blank: reported as required-blank)."""
    return ~((df[status] != rectified) & df[status].notna() & df[date].notna())


def dtype(col: Column) -> str | None:
    """The pandera dtype of a typed frame's column (None: any, the text columns)."""
    if col.type == "date":
        return DATE_DTYPE
    if col.type in ("count", "year"):
        return "Int64" if col.not_null else "int64"
    return None


def column_checks(col: Column, std: Standard) -> list[pa.Check]:
    """The checks of one column's filled cells (blank ones are ``nullable``'s)."""
    checks = []
    if col.type == "enum" and col.enum != "taxonomy":  # a taxonomy depends on the row's 届次: check/cross
        checks.append(pa.Check.isin(list(std.enum_values(col.enum)), name="enum-invalid"))
    if col.min is not None:
        checks.append(pa.Check.ge(col.min, name="value-too-small"))
    return checks


# ignore_na=False on the dataframe-level checks: with True, pandera also passes rows whose every
# cell is missing, an ``isna`` of the whole frame per check; no such row reaches the checks.
def row_checks(sheet: Sheet, std: Standard) -> list[pa.Check]:
    """The dataframe-level checks of a sheet: its date orders, then (发现问题) 整改完成日期."""
    checks = [registered("date-order", earlier=o.earlier, later=o.later, level=o.level)
              for o in sheet.date_orders]
    if sheet.id == PROBLEMS:
        pair = {"status": STATUS, "date": RECTIFIED_ON, "rectified": std.rectified_status}
        checks += [registered("rectified-date-missing", **pair), registered("rectified-date-unexpected", **pair)]
    return checks


def registered(code: str, **statistics) -> pa.Check:
    """A dataframe-level check registered above (``code``), with its parameters."""
    return getattr(pa.Check, code)(**statistics, ignore_na=False)


def sheet_schema(sheet: Sheet, std: Standard) -> pa.DataFrameSchema:
    """The pandera schema of one sheet of the standard (columns by id; the title is the sheet's name)."""
    columns = {col.id: pa.Column(dtype(col), nullable=not col.not_null, required=col.required,
                                 checks=column_checks(col, std), title=col.header, description=col.help or None)
               for col in sheet.columns}
    return pa.DataFrameSchema(columns, checks=row_checks(sheet, std), name=sheet.id, title=sheet.name,
                              description=sheet.purpose or None, strict=False, coerce=False)


@cache
def schemas(std: Standard) -> dict[str, pa.DataFrameSchema]:
    """The schema of every sheet of ``std`` (built once per standard), by sheet id."""
    return {sid: sheet_schema(sheet, std) for sid, sheet in std.sheets.items()}
