"""Validation errors name file, line, column and field, with exact wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetable.errors import ScenarioError
from peacetable.io import load_scenario, loads_scenario

MINI = Path(__file__).with_name("mini.yaml")


def load_edited(tmp_path: Path, old: str, new: str) -> ScenarioError:
    text = MINI.read_text()
    assert old in text, old
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def messages(exc: ScenarioError, tmp_path: Path) -> list[str]:
    return [str(p).replace(str(tmp_path / "edited.yaml"), "F") for p in exc.problems]


def test_unknown_option_with_suggestion(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "x: {low: 0, mid: 0.5, high: 1}", "x: {low: 0, mid: 0.5, hihg: 1}")
    assert messages(exc, tmp_path)[0] == (
        "F:34:29: preferences.A.values.x: unknown option 'hihg' (did you mean 'high'?)"
    )


def test_negative_weight(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "weights: {x: 2, y: 1}", "weights: {x: -2, y: 1}")
    assert messages(exc, tmp_path) == [
        "F:32:15: preferences.A.weights.x: weight must be non-negative, got -2.0"
    ]


def test_all_weights_zero(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "weights: {x: 2, y: 1}", "weights: {x: 0, y: 0}")
    assert messages(exc, tmp_path) == [
        "F:32:5: preferences.A.weights: all weights are zero; at least one issue must matter"
    ]


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "{id: B, name: Beta,", "{id: B, name: Beta, rol: host,")
    assert messages(exc, tmp_path) == [
        "F:11:25: parties[1]: unknown key 'rol' (did you mean 'role'?)"
    ]


def test_duplicate_id(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "{id: M, name: Mediator", "{id: B, name: Mediator")
    assert messages(exc, tmp_path)[0] == "F:12:6: parties[2].id: duplicate party id 'B'"


def test_value_outside_unit_interval(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "x: {low: 1, mid:", "x: {low: 1.5, mid:")
    assert messages(exc, tmp_path) == [
        "F:40:11: preferences.B.values.x.low: 1.5 is outside 0.0..1.0"
    ]


def test_empty_option_list(tmp_path: Path) -> None:
    text = MINI.read_text()
    start = text.index("      - {id: low")
    end = text.index("  - id: y")
    path = tmp_path / "edited.yaml"
    path.write_text(text[:start].replace("    options:\n", "    options: []\n", 1) + text[end:])
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    first = str(info.value.problems[0]).replace(str(path), "F")
    assert first == "F:18:5: issues[0].options: must have at least 1 item, got none"


def test_proposal_violating_constraint(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "package: {x: mid, y: vote}", "package: {x: high, y: vote}")
    assert messages(exc, tmp_path) == [
        "F:48:35: proposals[0].package: proposal 'p1' violates constraints[0] (high X rules out a vote)"
    ]


def test_unknown_party_in_controlled_by(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "controlled_by: [A]", "controlled_by: [Alpha]")
    assert messages(exc, tmp_path) == ["F:16:21: issues[0].controlled_by[0]: unknown party 'Alpha'"]


def test_beliefs_must_sum_to_one(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "{v: {yes: 0.6, no: 0.4}}", "{v: {yes: 0.6, no: 0.5}}")
    assert messages(exc, tmp_path) == [
        "F:42:15: preferences.B.beliefs.v: probabilities sum to 1.1; they must sum to 1"
    ]


def test_wrong_type(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "bonus: 0.05", "bonus: lots")
    assert messages(exc, tmp_path) == [
        "F:44:35: preferences.B.interactions[0].bonus: expected a number or a mapping "
        "{value, range, source, assumption} (got 'lots')"
    ]


def test_invalid_yaml_has_line_and_column() -> None:
    with pytest.raises(ScenarioError) as info:
        loads_scenario("format: peacetable/1\nid: [unclosed\n", file="x.yaml")
    assert str(info.value).startswith("x.yaml:3:1: invalid YAML")


def test_duplicate_yaml_key() -> None:
    with pytest.raises(ScenarioError) as info:
        loads_scenario("id: a\nid: b\n", file="x.yaml")
    assert str(info.value) == "x.yaml:2:1: duplicate key 'id'"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"id: a\n\xff\xfe garbage")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "not UTF-8 text" in str(info.value) and ":2" in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario("/nonexistent/scenario.yaml")


def test_json_errors_are_located(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"format": "peacetable/1", "id": "x",\n "title": }')
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}:2:11: invalid JSON")


def test_interaction_bonus_source_must_resolve(tmp_path: Path) -> None:
    exc = load_edited(tmp_path, "bonus: 0.05}", "bonus: {value: 0.05, source: notes#p9}}")
    assert messages(exc, tmp_path) == [
        "F:44:56: preferences.B.interactions[0].bonus.source: unknown passage 'p9' of source 'notes'"
    ]


@pytest.mark.parametrize(
    ("new", "passes"),
    [
        ("{v: {yes: 0.3333333, no: 0.6666666}}", True),  # 0.9999999: typed decimals
        ("{v: {yes: 0.33333, no: 0.66666}}", False),  # 0.99999: a share is missing
    ],
)
def test_beliefs_given_in_full_share_the_shares_slack(
    tmp_path: Path, new: str, passes: bool
) -> None:
    """Beliefs and tranche sizes (tests/sequence) miss 1 by at most one slack,
    :data:`peacetable.model.problems.SHARES_TOLERANCE` (1e-6)."""
    path = tmp_path / "edited.yaml"
    path.write_text(MINI.read_text().replace("{v: {yes: 0.6, no: 0.4}}", new, 1))
    if passes:
        load_scenario(path)
    else:
        with pytest.raises(ScenarioError, match=r"probabilities sum to 0\.99999;"):
            load_scenario(path)
