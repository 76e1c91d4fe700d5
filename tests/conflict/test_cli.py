"""``peacetable conflict`` on a .gmcr file, a transcribed model and a scenario file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _gmcr_cases import CASES, SCENARIO
from typer.testing import CliRunner

from peacetable import cli

runner = CliRunner()


def test_gmcr_file_with_status_quo() -> None:
    path = CASES / "authored" / "NK2017_original.gmcr"
    if not path.exists():
        pytest.skip("../shared/data/gmcr-cases is not available")
    result = runner.invoke(cli.app, ["conflict", str(path), "--status-quo", "NNNN", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stability"]["equilibria"]["nash"] == ["NNNN", "YNYN"]
    assert data["status_quo"]["status_quo"] == "NNNN"
    table = runner.invoke(cli.app, ["conflict", str(path), "-s", "NNNN"])
    assert table.exit_code == 0 and "Equilibria" in table.stdout and "YNYN" in table.stdout


def test_transcribed_model(tmp_path: Path) -> None:
    model = {
        "case": "pd",
        "options": [
            {"index": 0, "name": "defect", "dm": "A", "permittedDirection": "both"},
            {"index": 1, "name": "defect", "dm": "B", "permittedDirection": "both"},
        ],
        "states": [{"yn": "NN"}, {"yn": "YN"}, {"yn": "NY"}, {"yn": "YY"}],
        "preferenceRanking_gmcrpy_ordered": {"A": [2, 1, 4, 3], "B": [3, 1, 4, 2]},
    }
    path = tmp_path / "pd.expected.json"
    path.write_text(json.dumps(model))
    result = runner.invoke(
        cli.app, ["conflict", str(path), "--json", "-c", "nash", "-c", "seq", "--coalitions"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stability"]["equilibria"] == {"nash": ["YY"], "seq": ["NN", "YY"]}
    assert data["coalitions"]["equilibria"] == []  # A and B together improve on YY
    text = runner.invoke(cli.app, ["conflict", str(path), "--coalitions", "--all-states"])
    assert text.exit_code == 0 and "coalition Nash" in text.stdout


def test_scenario_file_and_proposal(tmp_path: Path) -> None:
    path = tmp_path / "three.yaml"
    path.write_text(SCENARIO)
    result = runner.invoke(cli.app, ["conflict", str(path), "--proposal", "deal", "--json"])
    assert result.exit_code == 0, result.output
    deal = json.loads(result.stdout)["deal"]
    assert deal["proposal"] == "deal" and deal["equilibrium"]["nash"] is False
    assert {d["mover"] for d in deal["defections"]} == {"C"}  # A+B: no summed gain
    assert all(set(d["gains"]) == {"A", "B", "C"} for d in deal["defections"])
    text = runner.invoke(cli.app, ["conflict", str(path), "-p", "deal"])
    assert text.exit_code == 0 and "Would deal hold?" in text.stdout
    assert "acting together" in text.stdout  # the bloc A+B and how it decides


def test_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gmcr"
    bad.write_text("{")
    assert runner.invoke(cli.app, ["conflict", str(bad)]).exit_code == 2
    assert runner.invoke(cli.app, ["conflict", str(tmp_path / "missing.gmcr")]).exit_code == 2
    path = CASES / "authored" / "Chicken.gmcr"
    if path.exists():
        result = runner.invoke(cli.app, ["conflict", str(path), "--status-quo", "NNNNN"])
        assert result.exit_code == 2


def test_embedded_scenario_would_the_plan_hold() -> None:
    """The seven-point plan: the allies' option to re-extend the membership offer is listed
    with whether and by whom it is deterred; Russia, which values the plan above fighting on,
    gains nothing by resuming the war there. The minimal ceasefire, which Russia rejects, is
    broken by Russia's return to war (back to no deal), deterred by nobody."""
    result = runner.invoke(
        cli.app, ["conflict", "ukraine-2022", "--proposal", "seven-points"], env={"COLUMNS": "400"}
    )
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.lstrip().startswith("•")]
    offer = next(ln for ln in lines if "“Offer formally withdrawn” to “Offer stands”" in ln)
    assert "United States and NATO allies (other than the US) (acting together)" in offer
    assert "Deterred under" in offer or "Not deterred under" in offer
    if "Deterred under" in offer:  # and by whom
        assert " by " in offer.split("Deterred under", 1)[1]
    assert not any("Russia can change Ceasefire" in ln for ln in lines)
    assert "by Russia (Russia sets Ceasefire to “No ceasefire”" in offer  # the threat
    assert "ranks states by the sum of its members' utilities" in result.stdout
    flat = " ".join(result.stdout.split())
    verdict = flat[flat.index("Verdict:") :].split(" • ", 1)[0]
    assert "The move most likely to break it: United States and NATO allies" in verdict
    data = json.loads(
        runner.invoke(cli.app, ["conflict", "ukraine-2022", "-p", "seven-points", "--json"]).stdout
    )
    assert {d["mover"] for d in data["deal"]["defections"]} == {"US+NATO"}
    war_case = runner.invoke(
        cli.app, ["conflict", "ukraine-2022", "-p", "minimal-ceasefire"], env={"COLUMNS": "400"}
    )
    assert war_case.exit_code == 0, war_case.output
    war = next(
        ln
        for ln in war_case.stdout.splitlines()
        if ln.lstrip().startswith("•")
        and "Ceasefire from “Ceasefire in place” to “No ceasefire”" in ln
    )
    assert "back to no deal" in war and "Not deterred under" in war
    flat = " ".join(war_case.stdout.split())
    verdict = flat[flat.index("Verdict:") :].split(" • ", 1)[0]
    assert "The move most likely to break it: Russia can change Ceasefire" in verdict
    assert "How sure: it breaks the deal under every concept evaluated" in verdict
    everything = runner.invoke(
        cli.app,
        ["conflict", "ukraine-2022", "-p", "seven-points", "--all-defections"],
        env={"COLUMNS": "400"},
    )
    bullets = [ln for ln in everything.stdout.splitlines() if ln.lstrip().startswith("•")]
    assert len(bullets) == len(data["deal"]["defections"]) > len(lines)
