"""Facts of the stages that the workbench's pages show (re-exported by ``pipeline.engine``)."""

from ..check.explain import explanation_rows, min_length
from ..read.discover import SPREADSHEET_SUFFIXES
from ..stats.ledger import DISPLAY_ORDER as LEDGER_ORDER

__all__ = ["LEDGER_ORDER", "SPREADSHEET_SUFFIXES", "explanation_rows", "min_length"]
