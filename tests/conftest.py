"""Shared fixtures: a valid county written to a temporary folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `import wb` from any test

import wb  # noqa: E402


@pytest.fixture
def valid_inputs(tmp_path: Path) -> Path:
    """A folder holding the valid county of ``tests/wb.py`` (registry, round, office)."""
    folder = tmp_path / "inputs"
    wb.write_county(folder)
    return folder
