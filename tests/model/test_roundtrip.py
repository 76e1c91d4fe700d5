"""Load → save → load gives the same scenario; saving is atomic; objects are immutable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_factory import random_scenario_data

from peacetable.io import (
    dumps_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
    scenario_from_data,
)
from peacetable.model import Scenario

MINI = Path(__file__).with_name("mini.yaml")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_roundtrip_file(tmp_path: Path, suffix: str) -> None:
    s = load_scenario(MINI)
    out = tmp_path / f"copy{suffix}"
    save_scenario(s, out)
    assert load_scenario(out) == s


@settings(max_examples=20, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000), fmt=st.sampled_from(["yaml", "json"]))
def test_roundtrip_random(seed: int, fmt: str) -> None:
    s = scenario_from_data(random_scenario_data(seed, 3, 3))
    assert loads_scenario(dumps_scenario(s, fmt), fmt=fmt) == s


def test_save_is_atomic_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_scenario(MINI)
    target = tmp_path / "keep.yaml"
    target.write_text("original")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_scenario(s, target)
    assert target.read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.yaml"]  # no temp file left behind


def test_objects_are_immutable() -> None:
    s = load_scenario(MINI)
    with pytest.raises(Exception, match="frozen"):
        s.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError, match="immutable"):
        s.preferences["A"].weights["x"] = 0  # type: ignore[index]
    assert isinstance(s, Scenario)


def test_partial_proposal_fills_status_quo() -> None:
    s = load_scenario(MINI)
    assert s.complete_package({"x": "high"}) == {"x": "high", "y": "no"}
    assert s.status_quo_package() == {"x": "low", "y": "no"}


def test_json_schema_covers_top_level_fields() -> None:
    from peacetable.io import scenario_json_schema

    schema = scenario_json_schema()
    assert {"parties", "issues", "preferences", "constraints", "proposals"} <= set(
        schema["properties"]
    )
