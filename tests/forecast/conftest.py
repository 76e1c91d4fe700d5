"""Shared fixtures of the forecasting tests: the external data sets in ``../shared/data``."""

from __future__ import annotations

from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "forecast-cases"


@pytest.fixture(scope="session")
def cases() -> Path:
    """Folder ``<repo>/../shared/data/forecast-cases``; skips the test when absent."""
    if not CASES.is_dir():
        pytest.skip(f"external data not found: {CASES}")
    return CASES
