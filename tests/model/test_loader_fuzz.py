"""Mutated scenarios: the loader only ever raises ScenarioError, always with a location."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacetable.errors import ScenarioError
from peacetable.io import loads_scenario

BASE: dict[str, Any] = yaml.safe_load(Path(__file__).with_name("mini.yaml").read_text())
BASE_TEXT = Path(__file__).with_name("mini.yaml").read_text()


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = [p for p in _paths(BASE) if p]
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _mutate(
    data: dict[str, Any], path: tuple[Any, ...], action: str, value: Any, name: str
) -> None:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    key = path[-1]
    if action == "delete":
        del parent[key]
    elif action == "rename" and isinstance(parent, dict):
        parent[name or "x"] = parent.pop(key)
    else:
        parent[key] = value


def _assert_located(text: str, fmt: str) -> None:
    try:
        loads_scenario(text, file="fuzz", fmt=fmt)
    except ScenarioError as exc:
        assert exc.location is not None and exc.location.file == "fuzz"
        for problem in exc.problems:
            assert problem.location is not None and problem.message


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    path=st.sampled_from(PATHS),
    action=st.sampled_from(["delete", "rename", "replace"]),
    value=ODD_VALUES,
    name=st.text(max_size=6),
    fmt=st.sampled_from(["yaml", "json"]),
)
def test_structural_mutations(
    path: tuple[Any, ...], action: str, value: Any, name: str, fmt: str
) -> None:
    data = copy.deepcopy(BASE)
    _mutate(data, path, action, value, name)
    text = json.dumps(data, default=str) if fmt == "json" else yaml.safe_dump(data)
    _assert_located(text, fmt)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(cut=st.integers(0, len(BASE_TEXT)), garbage=st.text(max_size=20))
def test_truncation_and_garbage(cut: int, garbage: str) -> None:
    _assert_located(BASE_TEXT[:cut] + garbage, "yaml")
    _assert_located(json.dumps(BASE)[: cut % 600] + garbage, "json")
