"""The engine: the library the two faces (``cli``, ``workbench``) call.

``api`` holds the functions and their result records, ``start`` the entry points that must not
wait for pandas (the standard, periods, starting a period's run), ``load`` the reading of a
folder, ``messages`` the lines a run tells its user, ``runner`` every process, garbage
collection and timing decision, ``cache`` the workbench's read cache.

Names are resolved on first use (PEP 562), so that ``import pipeline.engine`` costs nothing
until a function is called: the command line's ``-h`` and the charts child stay fast.
"""

from __future__ import annotations

from importlib import import_module

_WHERE = {
    "standard": "start", "period_of": "start", "run_period": "start", "export_package": "start",
    "CHECK_REPORT_NAME": "api", "ROLLUP_ERRORS": "api", "ExportRun": "api", "PeriodRun": "api",
    "RollupRun": "api", "add_explanation": "forms", "check_inputs": "api", "input_paths": "api",
    "list_packages": "api", "run_rollup": "api", "statistics": "api", "submissions": "api",
    "write_check_report": "api", "write_city_sample": "forms", "write_crash_log": "api", "write_sample": "forms",
    "write_templates": "forms", "write_schema": "forms", "FormsRun": "forms", "rectification_forms": "forms",
    "forms_available": "forms", "returns_owed": "forms",
    "ReadCache": "cache", "load_dataset": "load",
    "Notify": "messages", "finding_line": "messages", "summary_lines": "messages",
    # What the workbench's pages show besides the runs' results: facts of the stages below,
    # named here so that the faces import nothing but the engine and the records it returns.
    "explanation_rows": "facts", "min_length": "facts", "SPREADSHEET_SUFFIXES": "facts", "LEDGER_ORDER": "facts",
    "wording_in_force": "facts",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'pipeline.engine' has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
