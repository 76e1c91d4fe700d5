"""The agreement-space commands: JSON output, exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from peacetable.cli import app

runner = CliRunner()


def test_solve_json_on_the_default_scenario() -> None:
    res = runner.invoke(app, ["solve", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data["solutions"]) == {
        "nash",
        "kalai_smorodinsky",
        "utilitarian",
        "egalitarian",
        "leximin",
    }
    assert data["solutions"]["leximin"]["package"] is not None


def test_frontier_and_zopa_json() -> None:
    res = runner.invoke(app, ["frontier", "ukraine-2022", "--json"])
    assert res.exit_code == 0, res.output
    front = json.loads(res.stdout)["frontier"]
    assert front["provenance"]["exact"] and front["size"] == len(front["points"]) == len(
        front["packages"]
    )
    res = runner.invoke(app, ["zopa", "--json"])
    assert res.exit_code == 0, res.output
    z = json.loads(res.stdout)["zopa"]
    assert z["count_is_exact"] and (z["count"] > 0) == z["exists"]


def test_tables_and_bad_input() -> None:
    for cmd in (["frontier", "--limit", "2"], ["solve"], ["zopa"]):
        res = runner.invoke(app, cmd)
        assert res.exit_code == 0, res.output
    assert runner.invoke(app, ["solve", "no-such-scenario"]).exit_code == 2
    assert runner.invoke(app, ["solve", "--method", "guess"]).exit_code == 2
    assert runner.invoke(app, ["frontier", "--limit", "-1"]).exit_code == 2
