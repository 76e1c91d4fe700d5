"""The foundation commands: exit codes, JSON shape, error lines without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from peacetable.cli import app

runner = CliRunner()
MINI = str(Path(__file__).parent / "model" / "mini.yaml")


def test_analyze_json_shape() -> None:
    result = runner.invoke(app, ["analyze", MINI, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"scenario", "proposals"}
    assert data["scenario"]["negotiating_parties"] == ["A", "B"]
    first = data["proposals"][0]
    assert set(first) >= {
        "proposal",
        "name",
        "package",
        "accepted_by_all",
        "rejected_by",
        "verdict",
        "parties",
    }
    assert set(first["parties"][0]) >= {
        "party",
        "utility",
        "no_deal",
        "margin",
        "accepts",
        "costliest_provisions",
    }
    assert first["verdict"] == "accepted by all"


def test_analyze_focus_and_unknown_proposal() -> None:
    ok = runner.invoke(app, ["analyze", MINI, "--proposal", "sq", "--json"])
    assert [p["proposal"] for p in json.loads(ok.stdout)["proposals"]] == ["sq"]
    bad = runner.invoke(app, ["analyze", MINI, "--proposal", "sqq"])
    assert bad.exit_code == 2
    assert "unknown proposal 'sqq' (did you mean 'sq'?)" in bad.stderr
    assert "Traceback" not in bad.output


def test_validate_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    text = (
        Path(MINI)
        .read_text()
        .replace("high: 1}", "hihg: 1}")
        .replace("{x: 2, y: 1}", "{x: -2, y: 1}")
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    result = runner.invoke(app, ["scenarios", "validate", str(bad)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert any("weight must be non-negative" in line for line in lines)
    assert any("unknown option 'hihg' (did you mean 'high'?)" in line for line in lines)
    ok = runner.invoke(app, ["scenarios", "validate", MINI, "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)[0]["valid"] is True


def test_missing_file_is_bad_input() -> None:
    result = runner.invoke(app, ["analyze", "/no/such/file.yaml"])
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_schema_command(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    result = runner.invoke(app, ["schema", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text())["title"].startswith("peacetable scenario")
