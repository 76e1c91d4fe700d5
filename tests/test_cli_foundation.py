"""The foundation commands: exit codes, JSON shape, error lines without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetable.cli import app
from peacetable.core.serialize import without_timings

runner = CliRunner()
MINI = str(Path(__file__).parent / "model" / "mini.yaml")


def test_analyze_json_shape() -> None:
    result = runner.invoke(app, ["analyze", MINI, "--json", "--samples", "500"])
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
    assert set(data) == {
        "scenario",
        "settings",
        "answers",
        "proposals",
        "proposals_note",
        "hindsight",
        "zopa",
        "solutions",
        "robustness",
        "robust_package",
        "contingent_terms",
        "ripeness",
        "forecast",
        "simulate",
        "sequence",
    }
    assert {"diagnosis", "robustness", "stability"} <= set(first)
    assert 0.0 <= first["robustness"]["p_all_accept"] <= 1.0
    assert data["zopa"]["exists"] is True and data["zopa"]["count_is_exact"] is True
    assert data["settings"]["seed"] == 0


def test_analyze_is_deterministic_for_a_seed() -> None:
    args = ["analyze", MINI, "--json", "--samples", "300", "--seed", "7"]
    first = runner.invoke(app, args).stdout
    second = runner.invoke(app, args).stdout
    # byte-identical apart from the timings, which live only in provenance.seconds
    assert without_timings(json.loads(first)) == without_timings(json.loads(second))
    assert first.count('"seconds"') > 0


def test_analyze_terminal_output_is_organised_by_question() -> None:
    result = runner.invoke(app, ["analyze", MINI, "--samples", "300"])
    assert result.exit_code == 0, result.output
    questions = [
        "Would each proposal be accepted?",
        "Is it efficient, and what would it take?",
        "Is there a zone of possible agreement",
        "How sure are we?",
        "When does a deal become possible?",
        "Would the deal hold?",
        "Where will bargaining go?",
    ]
    positions = [result.stdout.find(q) for q in questions]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


def test_builtin_scenario_commands() -> None:
    listed = json.loads(runner.invoke(app, ["scenarios", "list", "--json"]).stdout)
    assert "ukraine-2022" in [row["id"] for row in listed]
    shown = runner.invoke(app, ["scenarios", "show", "ukraine-2022"])
    assert shown.exit_code == 0 and "seven-points" in shown.stdout


def test_new_writes_a_template_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    assert runner.invoke(app, ["scenarios", "new", str(target)]).exit_code == 0
    assert runner.invoke(app, ["scenarios", "validate", str(target)]).exit_code == 0
    again = runner.invoke(app, ["scenarios", "new", str(target)])
    assert again.exit_code == 2 and "--force" in again.stderr


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


def test_unexpected_errors_are_one_line_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import peacetable.analyze as module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(module, "analyze_session", broken)
    monkeypatch.delenv("PEACETABLE_DEBUG", raising=False)
    result = runner.invoke(app, ["analyze", MINI])
    assert result.exit_code == 1
    assert "internal error (RuntimeError: boom)" in result.stderr
    assert "Traceback" not in result.output
