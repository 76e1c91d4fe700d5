"""The `implementation` block of the format: bad references are located by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetable.errors import ScenarioError
from peacetable.io import dumps_scenario, load_scenario, loads_scenario

CFE = Path(__file__).resolve().parent / "data" / "cfe-1990.yaml"


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, file="cfe.yaml")
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "performer: EAST\n        issue",
            "performer: EASTT\n        issue",
            "implementation[0].steps[2].performer: unknown party 'EASTT' (did you mean 'EAST'?)",
        ),
        (
            "reaches: east_cuts",
            "reaches: east_cut",
            "implementation[0].steps[2].reaches: unknown option of issue 'reductions' 'east_cut'",
        ),
        (
            "{before: [baseline_west, east_reduction]",
            "{before: [baseline_wes, east_reduction]",
            "implementation[0].constraints[0].before[0]: unknown step 'baseline_wes'",
        ),
        (
            "tranches: [0.25, 0.35, 0.4]\n        duration: 12\n        verification: {by: [EAST]",
            "tranches: [0.25, 0.35]\n        duration: 12\n        verification: {by: [EAST]",
            "tranche sizes sum to 0.6",
        ),
        (
            "- proposal: treaty",
            "- proposal: treaty2",
            "implementation[0].proposal: unknown proposal 'treaty2'",
        ),
        ("within: 0, reason", "within: 0, limit: 2, reason", "exactly one of"),
    ],
)
def test_bad_references_are_located(old: str, new: str, expected: str) -> None:
    text = CFE.read_text(encoding="utf-8")
    assert old in text
    problems = _problems(text.replace(old, new, 1))
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("cfe.yaml:") for p in problems), problems
    assert all(p.split(":")[1].isdigit() for p in problems), problems


def test_unequal_tranches_cannot_be_matched() -> None:
    text = CFE.read_text(encoding="utf-8")
    text = text.replace(
        "reaches: mutual\n        tranches: [0.25, 0.35, 0.4]",
        "reaches: mutual\n        tranches: [0.5, 0.5]",
    )
    problems = _problems(text)
    assert any("equal tranche counts (east_reduction: 3, west_reduction: 2)" in p for p in problems)


def test_missing_bound_and_bad_detection() -> None:
    text = CFE.read_text(encoding="utf-8")
    text = text.replace(
        "    exposure_bound: {value: 0.1", "    exposure_bounds: {WEST: 0.1}\n    x_: {value: 0.1"
    )
    problems = _problems(text)
    assert any("unknown key 'x_'" in p for p in problems)
    text = CFE.read_text(encoding="utf-8").replace(
        "verification: {by: [WEST], delay: 0, detection: 0.9}",
        "verification: {by: [WEST], delay: 0, detection: 1.5}",
    )
    assert any("detection: 1.5 is outside 0.0..1.0" in p for p in _problems(text))


def test_round_trip() -> None:
    scenario = load_scenario(CFE)
    again = loads_scenario(dumps_scenario(scenario))
    assert again.implementation == scenario.implementation


@pytest.mark.parametrize(
    ("sizes", "passes"),
    [("[0.3333333, 0.3333333, 0.3333333]", True), ("[0.3333333, 0.3333333, 0.3333]", False)],
)
def test_tranche_sizes_share_the_shares_slack(sizes: str, passes: bool) -> None:
    """Tranche sizes (here 0.9999999 against 0.9999) miss 1 by at most :data:`peacetable.model.problems.SHARES_TOLERANCE`,
    the slack of a contingent term's beliefs given in full."""
    old = "tranches: [0.25, 0.35, 0.4]"
    text = CFE.read_text(encoding="utf-8")
    assert old in text
    edited = text.replace(old, f"tranches: {sizes}", 1)
    if passes:
        loads_scenario(edited, file="cfe.yaml")
    else:
        assert any("tranche sizes sum to 0.9999" in p for p in _problems(edited))
