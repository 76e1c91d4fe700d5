"""``peacetable simulate`` and ``peacetable tournament``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetable import cli
from peacetable.core.serialize import without_timings

runner = CliRunner()
MINI = "tests/model/mini.yaml"
LAPTOP = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "data"
    / "genius-domains"
    / "y2011"
    / "Laptop"
)


def test_simulate_json_is_deterministic() -> None:
    args = ["simulate", MINI, "--strategy", "A=micro", "--strategy", "linear", "--steps", "30"]
    a = runner.invoke(cli.app, [*args, "--repetitions", "5", "--json"])
    assert a.exit_code == 0, a.output
    b = runner.invoke(cli.app, [*args, "--repetitions", "5", "--json"])
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    assert "timing" not in da and da["provenance"]["seconds"] >= 0  # timings only in provenance
    assert without_timings(da) == without_timings(db)
    assert da["method"]["strategies"]["A"]["name"] == "micro"
    assert da["method"]["strategies"]["B"]["name"] == "linear"


def test_simulate_table_and_single_text() -> None:
    out = runner.invoke(
        cli.app, ["simulate", MINI, "--protocol", "single-text", "--repetitions", "3"]
    )
    assert out.exit_code == 0, out.output
    assert "single text" in out.stdout and "Welfare" in out.stdout


def test_bad_input_exits_2() -> None:
    out = runner.invoke(cli.app, ["simulate", MINI, "--strategy", "bulware"])
    assert out.exit_code == 2 and "did you mean 'boulware'" in out.output
    out = runner.invoke(cli.app, ["simulate", MINI, "--strategy", "Q=micro"])
    assert out.exit_code == 2 and "unknown party" in out.output
    out = runner.invoke(cli.app, ["simulate", MINI, "--protocol", "auction"])
    assert out.exit_code == 2
    out = runner.invoke(cli.app, ["tournament"])
    assert out.exit_code == 2 and "no scenario" in out.output


def test_tournament_json() -> None:
    out = runner.invoke(
        cli.app,
        [
            "tournament",
            MINI,
            "--random-scenarios",
            "1",
            "--strategy",
            "boulware",
            "--strategy",
            "micro",
            "--repetitions",
            "3",
            "--steps",
            "20",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["counts"]["negotiations"] == 2 * 4 * 3
    assert {r["strategy"] for r in data["ranking"]} == {"boulware", "micro"}


@pytest.mark.external
def test_genius_folder_directly() -> None:
    if not LAPTOP.is_dir():
        pytest.skip(f"external data not found: {LAPTOP}")
    out = runner.invoke(cli.app, ["simulate", str(LAPTOP), "--strategy", "boulware", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    # the same agreement as NegMAS's Boulware pair (benchmarks/negmas_agreement.py): step 67
    assert data["first"]["step"] == 67 and data["first"]["end"] == "agreement"


@pytest.mark.external
def test_geniusweb_folder_directly(tmp_path: Path) -> None:
    if not LAPTOP.is_dir():
        pytest.skip(f"external data not found: {LAPTOP}")
    from peacetable.io.genius import find_genius_domain, load_genius
    from peacetable.io.geniusweb import save_geniusweb

    domain, profiles = find_genius_domain([LAPTOP])
    save_geniusweb(load_genius(domain, profiles), tmp_path)
    out = runner.invoke(cli.app, ["simulate", str(tmp_path), "--strategy", "boulware", "--json"])
    assert out.exit_code == 0, out.output
    # the same utilities as the GENIUS files (no-deal 0 either way): the same agreement
    assert json.loads(out.stdout)["first"]["step"] == 67


def test_empty_folder_is_bad_input(tmp_path: Path) -> None:
    out = runner.invoke(cli.app, ["simulate", str(tmp_path)])
    assert out.exit_code == 2 and "no GENIUS XML or GeniusWeb JSON" in out.output
