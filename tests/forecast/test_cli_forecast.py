"""``peacetable forecast`` / ``forecast-eval``: tables, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetable.cli import app

runner = CliRunner()


@pytest.mark.external
def test_forecast_file_table_and_json(cases: Path) -> None:
    path = str(cases / "bdm1994_emission_standards" / "emission_actors.csv")
    res = runner.invoke(app, ["forecast", path, "--rounds", "3"])
    assert res.exit_code == 0, res.output
    assert "Forecast per issue" in res.output
    res = runner.invoke(app, ["forecast", path, "-m", "bdm", "-m", "compromise", "--json",
                              "--trajectories", "--rounds", "2"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [m["model"] for m in data["models"]] == ["bdm", "compromise"]
    # JSON floats carry 10 significant digits (the core's one serializer)
    assert data["models"][1]["forecast"] == [pytest.approx(7.389955686853767, rel=1e-9)]
    assert len(data["models"][0]["trajectory"]) == 3  # rounds 0..2


def test_forecast_scenario_default() -> None:
    res = runner.invoke(app, ["forecast", "--json", "--rounds", "2"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["scenario"] == "ukraine-2022"
    assert data["issues"] and "forecast" in data["issues"][0]
    res = runner.invoke(app, ["forecast", "ukraine-2022", "--rounds", "2"])
    assert res.exit_code == 0 and "nearest option" in res.output


@pytest.mark.external
def test_bad_input_exits_2_with_location(cases: Path) -> None:
    path = cases / "decide_examples" / "copenhagen_with_errors.csv"
    res = runner.invoke(app, ["forecast", str(path)])
    assert res.exit_code == 2
    assert "copenhagen_with_errors.csv:86" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["forecast", "missing-file.csv"])
    assert res.exit_code == 2 and "no such file" in res.output
    res = runner.invoke(app, ["forecast", str(path), "-m", "oracle"])
    assert res.exit_code == 2


def test_unknown_model_exits_2() -> None:
    res = runner.invoke(app, ["forecast", "-m", "oracle"])
    assert res.exit_code == 2 and "unknown model" in res.output


@pytest.mark.external
def test_forecast_eval_small_deu_subset(cases: Path, tmp_path: Path) -> None:
    lines = (cases / "deu3" / "deu3_blksv.tsv").read_text(encoding="utf-8").splitlines()
    small = tmp_path / "deu_small.tsv"
    small.write_text("\n".join(lines[:42]) + "\n", encoding="utf-8")  # header, GDP, 40 issues
    res = runner.invoke(app, ["forecast-eval", str(small), "--bootstrap", "200", "--rounds", "3",
                              "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["baseline"] == "compromise_salience"
    names = [s["model"] for s in data["scores"]]
    assert "bdm_fitted_rounds" in names and "exchange" in names
    res = runner.invoke(app, ["forecast-eval", str(small), "--bootstrap", "200", "--rounds", "2"])
    assert res.exit_code == 0 and "one random half" in res.output
    no_outcome = cases / "bdm1994_emission_standards" / "emission_actors.csv"
    res = runner.invoke(app, ["forecast-eval", str(no_outcome)])
    assert res.exit_code == 2 and "no issue has a known outcome" in res.output


def test_help_has_example() -> None:
    for cmd in ("forecast", "forecast-eval"):
        res = runner.invoke(app, [cmd, "--help"])
        assert res.exit_code == 0 and "Example" in res.output
