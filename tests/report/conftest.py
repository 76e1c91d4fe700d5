"""Fixtures of the report tests: the seed scenario's briefing, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetable.core import Settings
from peacetable.io import load_scenario
from peacetable.model import Scenario
from peacetable.report import Report, build_report

HERE = Path(__file__).parent
#: Small settings for tests that do not need the defaults' precision.
FAST = Settings(seed=7, samples=300, horizon=24)


@pytest.fixture(scope="session")
def seed_scenario() -> Scenario:
    """The embedded seed scenario (ukraine-2022)."""
    from peacetable.scenarios import load_builtin

    return load_builtin("ukraine-2022")


@pytest.fixture(scope="session")
def seed_report(seed_scenario: Scenario) -> Report:
    """The seed scenario's briefing with the default settings (strict: bugs fail the test)."""
    return build_report(seed_scenario, strict=True)


@pytest.fixture(scope="session")
def three_party() -> Scenario:
    """Three negotiating parties, each controlling one issue; markup in its texts."""
    return load_scenario(HERE / "three_party.yaml")


@pytest.fixture(scope="session")
def three_party_report(three_party: Scenario) -> Report:
    """The three-party briefing (strict)."""
    return build_report(three_party, FAST, strict=True)
