"""``peacetable sequence``: table, JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from peacetable.cli import app

runner = CliRunner()
CFE = Path(__file__).resolve().parent / "data" / "cfe-1990.yaml"


def test_table_and_json() -> None:
    out = runner.invoke(app, ["sequence", str(CFE)])
    assert out.exit_code == 0, out.output
    assert "proven optimal" in out.output and "east_reduction#3" in out.output
    out = runner.invoke(app, ["sequence", str(CFE), "--objective", "duration", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["status"] == "optimal" and data["objective_value"] == 40.0
    assert [row["end_month"] for row in data["phases"][:-1]] == [4.0, 16.0, 28.0, 40.0]


def test_reading_and_bad_input() -> None:
    out = runner.invoke(app, ["sequence", "ukraine-2022", "-r", "minsk=kyiv", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["readings"] == {"minsk": "kyiv"}
    for args in (
        ["--objective", "fastest"],
        ["-r", "minsk"],
        ["-r", "minsk=paris"],
        ["-p", "nope"],
    ):
        bad = runner.invoke(app, ["sequence", "ukraine-2022", *args])
        assert bad.exit_code == 2, (args, bad.output)
        assert "error:" in bad.output


def test_infeasible_is_explained() -> None:
    out = runner.invoke(app, ["sequence", "ukraine-2022", "--self-enforcing", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["status"] == "infeasible"
    assert data["conflict"]["verified_minimal"] is True
    assert {o["party"] for o in data["openings"]} == {"RU", "UA", "US", "NATO"}
