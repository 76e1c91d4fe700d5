"""Limits: documented defaults, overrides (Python and environment), checked before work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _seed_inputs import GMCR_PRIORITIES, KTAB_CSV
from typer.testing import CliRunner

from peacetable.cli import app
from peacetable.conflict import build_model, enumerate_states, read_gmcr
from peacetable.errors import InputError, ScenarioError
from peacetable.forecast.readers import load_problem
from peacetable.io import (
    DEFAULT_LIMITS,
    Limits,
    current_limits,
    loads_scenario,
    use_limits,
    yaml_parse,
)
from peacetable.io.json_parse import parse_json
from peacetable.io.textfiles import read_text
from peacetable.io.yaml_parse import parse_yaml

runner = CliRunner()


@pytest.fixture(params=["libyaml", "python"])
def yaml_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a YAML test with libyaml's parser and with the pure-Python one (the fallback)."""
    if request.param == "python":
        monkeypatch.setattr(yaml_parse, "_LOADER", yaml_parse.YamlLoader)
    return str(request.param)


def test_documented_defaults() -> None:
    assert (
        Limits(
            max_file_bytes=64 * 2**20,
            max_depth=100,
            max_nodes=250_000,
            max_number_digits=100,
            max_states=2**22,
            max_actors=10_000,
            max_forecast_issues=10_000,
            max_forecast_cells=2_000_000,
        )
        == DEFAULT_LIMITS
    )
    docs = (Path(__file__).resolve().parents[2] / "docs" / "format.md").read_text("utf-8")
    for name in DEFAULT_LIMITS.__dataclass_fields__:
        assert f"PEACETABLE_{name.upper()}" in docs, name


def test_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEACETABLE_MAX_STATES", "2_048")
    assert current_limits().max_states == 2048
    with use_limits(max_states=16) as lim:
        assert lim.max_states == current_limits().max_states == 16
    assert current_limits().max_states == 2048
    monkeypatch.setenv("PEACETABLE_MAX_DEPTH", "deep")
    with pytest.raises(InputError, match="PEACETABLE_MAX_DEPTH: 'deep' is not a whole number"):
        current_limits()
    with pytest.raises(InputError, match="max_nodes: limit max_nodes must be a positive integer"):
        Limits(max_nodes=0)


def test_environment_limit_reaches_the_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "p.gmcr"
    path.write_text(json.dumps(GMCR_PRIORITIES))
    assert runner.invoke(app, ["conflict", str(path), "--json"]).exit_code == 0
    monkeypatch.setenv("PEACETABLE_MAX_STATES", "4")
    result = runner.invoke(app, ["conflict", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}:1:2: options: 3 options give up to 2^3 = 8")
    assert "at most 4 (2^2) states" in result.stderr


def test_state_limit_is_checked_while_enumerating() -> None:
    with use_limits(max_states=64):
        assert len(enumerate_states(6)) == 64
        with pytest.raises(InputError, match=r"the first 7 alone have 128 feasible combinations"):
            enumerate_states(40)
        with pytest.raises(InputError, match=r"^states: 8 options .* 100 feasible"):
            build_model("m", [(f"o{k}", "A") for k in range(8)], {"A": [0] * 100},
                        states=list(range(100)))  # fmt: skip


def test_builder_errors_name_their_field() -> None:
    with pytest.raises(InputError, match=r"^options\[1\]: option 'b' names unknown decision maker"):
        build_model("m", [("a", "A"), ("b", "C")], {"A": [1, 2, 3, 4]}, decision_makers=["A"])
    with pytest.raises(InputError, match=r"^payoffs\.A: decision maker 'A': 3 payoffs for 4"):
        build_model("m", [("a", "A"), ("b", "A")], {"A": [1, 2, 3]})
    with pytest.raises(InputError, match=r"^options\[0\]\.direction: unknown permitted direction"):
        build_model("m", [("a", "A", "sideways")], {"A": [1, 2]})


@pytest.mark.usefixtures("yaml_loader")
def test_yaml_alias_budget_counts_expansions_before_walking() -> None:
    fanout = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    with use_limits(max_nodes=200):
        data, _ = parse_yaml(fanout, "ok.yaml")  # 1 + (1 + 9 + 1) + (1 + 1 + 9 * 10) nodes
        assert len(data["b"]) == 9
        with pytest.raises(InputError, match=r"^x\.yaml:3:9: invalid YAML: the document holds"):
            parse_yaml(fanout + "c: [*b, *b]\n", "x.yaml")
    with pytest.raises(
        ScenarioError, match=r"^d\.yaml:2:4: .*anchor 'x' is defined twice \(first on line 1\)"
    ):
        loads_scenario("a: &x 1\nb: &x 2\n", "d.yaml")


@pytest.mark.usefixtures("yaml_loader")
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_depth_limit(fmt: str) -> None:
    ok, deep = "[" * 100 + "]" * 100, "[" * 101 + "]" * 101
    parse = parse_json if fmt == "json" else parse_yaml
    parse(ok, f"ok.{fmt}")
    with pytest.raises(InputError, match=rf"^deep\.{fmt}:1:101: .*nested deeper than 100 levels"):
        parse(deep, f"deep.{fmt}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1e400}', r"^n\.json:1:7: number 1e400 is beyond the range"),
        ('{"a": [NaN]}', r"^n\.json:1:8: NaN is not a JSON number"),
        ('{"a":\n -Infinity}', r"^n\.json:2:2: -Infinity is not a JSON number"),
        ('{"a": ' + "7" * 101 + "}", r"^n\.json:1:7: number with 101 digits: at most 100"),
        ('{"s": "' + "7" * 500 + '"}', None),  # digits inside a string are text
    ],
)
def test_json_numbers(text: str, message: str | None) -> None:
    if message is None:
        parse_json(text, "n.json")
    else:
        with pytest.raises(InputError, match=message):
            parse_json(text, "n.json")


@pytest.mark.usefixtures("yaml_loader")
def test_yaml_numbers_characters_and_tags() -> None:
    with pytest.raises(InputError, match=r"^n\.yaml:2:4: invalid YAML: number with 150 digits"):
        parse_yaml("a: 1\nb: " + "1" * 150, "n.yaml")
    assert parse_yaml("b: '" + "1" * 150 + "'", "n.yaml")[0] == {"b": "1" * 150}
    with pytest.raises(InputError, match=r"^c\.yaml:2:5: invalid YAML: character #x0001 is not"):
        parse_yaml("é: 1\nb: é\x01", "c.yaml")
    with pytest.raises(InputError, match=r"^t\.yaml:1:4: invalid YAML: unknown tag '!!python/name"):
        parse_yaml("a: !!python/name:os.system x", "t.yaml")
    with pytest.raises(InputError, match=r"^d\.yaml:1:4: invalid YAML: cannot read this value"):
        parse_yaml("a: 2001-13-45", "d.yaml")
    assert parse_yaml("a: no\nb: True\nc: 1.5", "b.yaml")[0] == {"a": "no", "b": True, "c": 1.5}


def test_file_size_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(KTAB_CSV)
    with use_limits(max_file_bytes=100):
        with pytest.raises(InputError, match=r"the file has 193 bytes: at most 100 are read"):
            read_text(path)
        with pytest.raises(InputError, match=r"^.*big\.csv: the file has"):
            load_problem(path)


def test_forecast_sizes_are_checked_before_allocating(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text(KTAB_CSV)
    with (
        use_limits(max_forecast_cells=5),
        pytest.raises(InputError, match=r"k\.csv:1: 6 actor × issue cells: at most 5"),
    ):
        load_problem(path)
    path.write_text(KTAB_CSV.replace(",3,2,", ",4,2,"))
    with pytest.raises(InputError, match=r"k\.csv:1: nActors: line 1 announces 4 actors, found 3"):
        load_problem(path)


def test_gmcr_problems_are_located(tmp_path: Path) -> None:
    doc = json.loads(json.dumps(GMCR_PRIORITIES))
    doc["decisionMakers"][0]["options"] = [0, 7]
    path = tmp_path / "x.gmcr"
    path.write_text(json.dumps(doc, indent=1))
    with pytest.raises(
        InputError, match=r"x\.gmcr:\d+:\d+: decisionMakers\[0\]\.options\[1\]: 7 is not an option"
    ):
        read_gmcr(path)
    doc["decisionMakers"][0]["options"] = [0, 2]
    doc["coalitions"] = [[0, 5]]
    path.write_text(json.dumps(doc, indent=1))
    with pytest.raises(InputError, match=r"coalitions\[0\]\[1\]: 5 is not a decision maker index"):
        read_gmcr(path)
    doc["coalitions"] = []
    doc["infeasibles"] = [[[0, "Y"], [2, "maybe"]]]
    path.write_text(json.dumps(doc, indent=1))
    with pytest.raises(
        InputError, match=r"infeasibles\[0\]\[1\]\[1\]: 'maybe' is not \"Y\" or \"N\""
    ):
        read_gmcr(path)
