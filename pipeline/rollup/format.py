"""The package format as data: sheet names, headers and labels from ``schemas/package.toml``.

The package is the contract between every county and the city, so its labels are read
from the file shipped with the tool (not from ``--schemas``, which an office may change);
the enumeration values inside the 指标代码 come from the :class:`~pipeline.standard.Standard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..output import PACKAGE_FORMAT_FILE, rollup_folder
from ..standard import SCHEMA_DIR, _load_toml
from ..stats.ledger import STATES


@dataclass(frozen=True)
class PackageFormat:
    """Everything ``schemas/package.toml`` says, as read (``raw``) and by name."""

    raw: dict

    def section(self, name: str) -> dict:
        return self.raw[name]

    @property
    def info_items(self) -> dict[str, str]:
        """上报信息 items: id -> 项目 label, in order."""
        return dict(self.raw["info"]["items"])

    @property
    def period_kinds(self) -> dict[str, str]:
        """metrics period.kind (annual, monthly, quarterly, half-year, range) -> 期间类型 (年度, 月度,
        季度, 半年, 自定义)."""
        return dict(self.raw["period_kinds"])

    @property
    def rectification(self) -> dict[str, str]:
        """Ledger keys (in_ledger, then the states of office-loop.md §3) -> label."""
        return dict(self.raw["indicators"]["rectification"])

    @property
    def ledger_states(self) -> list[str]:
        """The states of the ledger, in the spec's order (the keys between in_ledger and the
        loop's figures: each problem of the ledger is in exactly one of them)."""
        return [k for k in self.rectification if k in STATES]

    # The outputs' names are in their catalogue (pipeline/output.py); this one stays while
    # app.run_rollup still asks for it here.
    rollup_folder = staticmethod(rollup_folder)


@cache
def package_format(folder: Path = SCHEMA_DIR) -> PackageFormat:
    """The package format shipped with the tool (cached)."""
    return PackageFormat(_load_toml(Path(folder) / PACKAGE_FORMAT_FILE))
