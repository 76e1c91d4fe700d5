"""Every case of ``../shared/data/bad-inputs`` through the real command line.

Each bad input ends with exit code 2 and exactly one ``error: FILE:LINE:COL: FIELD: message``
line on stderr (no traceback, nothing on stdout, no output file written); D12 is a valid
GENIUS domain and is converted correctly. The analysis cases: D16 (constraints that exclude
every package) is refused by every agreement-space command in one located line and is "not
applicable" per lens in ``analyze`` and ``report``; D17 (no proposals) is analysed, with the
per-proposal answers saying they need proposals; D18 (50 parties × 30 issues × 10 options) is
answered within small time limits, every answer labelled exact or approximate, or refused
with the frontier's growth (``benchmarks/bench_limits.py`` times the full 60 s run).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from peacetable.analysis.acceptance import NO_PROPOSALS
from peacetable.cli import app
from peacetable.core import prepare
from peacetable.io import load_scenario

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "bad-inputs"
SRC = Path(__file__).resolve().parents[2] / "src"
pytestmark = pytest.mark.external
runner = CliRunner()
D16_FILE = "D16_all_packages_infeasible.yaml"
D17_FILE = "D17_no_proposals_laptop.yaml"
D18_FILE = "D18_50parties_30issues_10options.yaml"


@dataclass(frozen=True)
class Case:
    """A command on one bad input and the one error line it must print."""

    id: str
    args: tuple[str, ...]
    error: str  # regex for what follows "error: <data folder>/"


CASES = (
    Case(
        "D01",
        ("scenarios", "validate", "D01_yaml_alias_bomb.yaml"),
        r"D01_yaml_alias_bomb\.yaml:6:14: invalid YAML: the document holds more than 250,000 "
        r"values once its aliases are expanded \(raise the limit with PEACETABLE_MAX_NODES\)",
    ),
    Case(
        "D02",
        ("scenarios", "validate", "D02_yaml_recursive_alias.yaml"),
        r"D02_yaml_recursive_alias\.yaml:1:8: invalid YAML: alias \*x repeats a node that "
        r"contains it",
    ),
    Case(
        "D03-yaml",
        ("scenarios", "validate", "D03_deep_nesting.yaml"),
        r"D03_deep_nesting\.yaml:1:\d+: invalid YAML: nested deeper than 100 levels",
    ),
    Case(
        "D03-json",
        ("scenarios", "validate", "D03_deep_nesting.json"),
        r"D03_deep_nesting\.json:1:\d+: nested deeper than 100 levels",
    ),
    Case(
        "D03-gmcr",
        ("conflict", "D03_deep_nesting.gmcr"),
        r"D03_deep_nesting\.gmcr:1:\d+: nested deeper than 100 levels",
    ),
    Case(
        "D04-json",
        ("scenarios", "validate", "D04_json_5000_digit_int.json"),
        r"D04_json_5000_digit_int\.json:1:34: number with 5,000 digits: at most 100",
    ),
    Case(
        "D04-geniusweb",
        ("convert", "D04_geniusweb_5000_digits", "-o", "{out}/d04.yaml"),
        r"D04_geniusweb_5000_digits/laptop_seller_utility\.json:1:\d+: number with 5,000 digits",
    ),
    Case(
        "D05",
        ("convert", "D05_geniusweb_huge_int", "-o", "{out}/d05.yaml"),
        r"D05_geniusweb_huge_int/laptop_seller_utility\.json:34:15: number with 401 digits: "
        r"at most 100",
    ),
    Case(
        "D06",
        ("conflict", "D06_gmcr_rank_infinity.gmcr"),
        r"D06_gmcr_rank_infinity\.gmcr:32:5: Infinity is not a JSON number",
    ),
    Case(
        "D07",
        ("conflict", "--json", "D07_gmcr_rank_zero_wraps.gmcr"),
        r"D07_gmcr_rank_zero_wraps\.gmcr:32:5: decisionMakers\[0\]\.preferenceRanking\[3\]: "
        r"0 is not a state number 1\.\.4",
    ),
    Case(
        "D08",
        ("conflict", "D08_gmcr_30_options.gmcr"),
        r"D08_gmcr_30_options\.gmcr:\d+:\d+: options: 30 options give up to 2\^30 = "
        r"1,073,741,824 states .* at most 4,194,304 \(2\^22\) states are analysed; remove "
        r"options or add infeasible states \(or raise the limit with PEACETABLE_MAX_STATES\)",
    ),
    Case(
        "D09",
        ("conflict", "D09_gmcr_error_without_location.gmcr"),
        r"D09_gmcr_error_without_location\.gmcr:31:5: decisionMakers\[0\]\.preferenceRanking\[2\]: "
        r"state 1 is ranked twice \(entries 2 and 3\)",
    ),
    Case(
        "D10-huge",
        ("forecast", "D10_ktab_huge_nactors.csv"),
        r"D10_ktab_huge_nactors\.csv:1: 1,000,000,000 actors: at most 10,000",
    ),
    Case(
        "D10-negative",
        ("forecast", "D10_ktab_negative_ndims.csv"),
        r"D10_ktab_negative_ndims\.csv:1: nDims: must be at least 1, got -3",
    ),
    Case(
        "D10-zero",
        ("forecast", "D10_ktab_zero_actors.csv"),
        r"D10_ktab_zero_actors\.csv:1: nActors: must be at least 1, got 0",
    ),
    Case(
        "D11",
        ("forecast", "D11_deu_short_row.tsv"),
        r"D11_deu_short_row\.tsv:2: the row has 1 cell, the header 75",
    ),
    Case(
        "D13-nan",
        ("scenarios", "validate", "D13_nan_weight.yaml"),
        r"D13_nan_weight\.yaml:39:15: preferences\.A\.weights\.x: must be a finite number",
    ),
    Case(
        "D13-nan-analyze",
        ("analyze", "--json", "D13_nan_weight.yaml"),
        r"D13_nan_weight\.yaml:39:15: preferences\.A\.weights\.x: must be a finite number",
    ),
    Case(
        "D13-inf",
        ("scenarios", "validate", "D13_inf_range.yaml"),
        r"D13_inf_range\.yaml:17:42: parties\[1\]\.no_deal\.range\[1\]: must be a finite number",
    ),
    Case(
        "D13-inf-analyze",
        ("analyze", "--json", "D13_inf_range.yaml"),
        r"D13_inf_range\.yaml:17:42: parties\[1\]\.no_deal\.range\[1\]: must be a finite number",
    ),
    Case(
        "D14",
        ("scenarios", "validate", "D14_emoji_line100.yaml"),
        r"D14_emoji_line100\.yaml:100:1: \(top level\): unknown key 'titel' "
        r"\(did you mean 'title'\?\)",
    ),
    Case(
        "D15",
        ("scenarios", "validate", "D15_python_tag.yaml"),
        r"D15_python_tag\.yaml:57:4: invalid YAML: unknown tag "
        r"'!!python/object/apply:os\.system': peacetable reads plain YAML \(no tags\)",
    ),
)

D16 = (
    r"D16_all_packages_infeasible\.yaml: constraints: the 6 constraints exclude every one of "
    r"the 6 packages, so no agreement is possible; remove or relax a constraint"
)
CASES += (
    *(
        Case(f"D16-{command}", (command, "D16_all_packages_infeasible.yaml"), D16)
        for command in ("frontier", "solve", "zopa", "ripeness")
    ),
    Case(
        "D16-robustness",
        ("robustness", "D16_all_packages_infeasible.yaml"),
        r"D16_all_packages_infeasible\.yaml: nothing to test for robustness: the scenario has "
        r"no proposals and no bargaining solution \(constraints: the 6 constraints exclude",
    ),
)

#: ``error: FILE[:LINE[:COL]]: …`` as the README promises.
ERROR_LINE = re.compile(r"^error: [^:\n]+(?::\d+(?::\d+)?)?: \S.*$")


def _argv(case: Case, out: Path) -> list[str]:
    argv = []
    for arg in case.args:
        if arg.startswith("{out}"):
            argv.append(arg.replace("{out}", str(out)))
        elif (DATA / arg).exists():
            argv.append(str(DATA / arg))
        else:
            argv.append(arg)
    return argv


@pytest.fixture(scope="module")
def data() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"external data not found: {DATA}")
    return DATA


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_exits_2_with_one_located_line(case: Case, data: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, _argv(case, tmp_path))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert ERROR_LINE.match(lines[0]), lines[0]
    assert re.match(f"error: {re.escape(str(data))}/{case.error}", lines[0]), lines[0]
    assert list(tmp_path.iterdir()) == [], "nothing is written for a bad input"


def test_genius_domain_with_two_issues_of_one_name_imports_by_index(
    data: Path, tmp_path: Path
) -> None:
    """D12: GENIUS identifies issues by index, so a repeated name is valid input."""
    out = tmp_path / "laptop.yaml"
    folder = data / "D12_genius_duplicate_issue_names"
    result = runner.invoke(app, ["convert", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    scenario = load_scenario(out)
    assert [i.id for i in scenario.issues] == ["Laptop", "Laptop_2", "External_Monitor"]
    assert [i.name for i in scenario.issues] == ["Laptop", "Laptop", "External Monitor"]
    cs = prepare(scenario)
    # GENIUS: u = sum_i w_i eval_i / max eval_i, the profile's issues matched by index
    x = np.array([[0, 0, 0], [2, 2, 1], [1, 0, 2]])
    buyer = cs.party_ids.index("laptop_buyer_utility")
    w = np.array([0.4452125771655631, 0.37808251708013424, 0.1767567099260568])
    table = [np.array([12, 20, 30]) / 30, np.array([30, 20, 9]) / 30, np.array([30, 10, 20]) / 30]
    expected = [sum(w[i] * table[i][row[i]] for i in range(3)) / w.sum() for row in x]
    np.testing.assert_allclose(cs.utilities(x)[:, buyer], expected, atol=1e-12)
    assert out.stat().st_mode & 0o777 == 0o644 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _limited(seconds: int, address_space: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.id in ("D01", "D08", "D10-huge", "D14")], ids=lambda c: c.id
)
def test_python_m_peacetable_within_time_and_memory(case: Case, data: Path, tmp_path: Path) -> None:
    """A real process, capped at 2 GiB of address space and 60 s of CPU: still one line, exit 2."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1"}
    env.pop("PEACETABLE_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "peacetable", *_argv(case, tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=lambda: _limited(60, 2 << 30),
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and ERROR_LINE.match(lines[0]), lines
    assert re.match(f"error: {re.escape(str(data))}/{case.error}", lines[0]), lines[0]
    assert "\N{HUNDRED POINTS SYMBOL}" not in proc.stderr


def test_console_script(data: Path) -> None:
    """The installed ``peacetable`` entry point prints the same line (skipped when not installed)."""
    exe = shutil.which("peacetable")
    if exe is None:
        pytest.skip("the peacetable console script is not installed")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [exe, "scenarios", "validate", str(data / "D14_emoji_line100.yaml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"error: {data}/D14_emoji_line100.yaml:100:1: (top level): unknown key 'titel' "
        "(did you mean 'title'?)"
    ]


# ---------------------------------------------------------------- D16-D18: the analysis engines


def _json(argv: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, (result.stdout[-2000:], result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_d16_analyze_answers_not_applicable_per_lens(data: Path) -> None:
    """No lens crashes: those of the agreement space say why they cannot answer."""
    out = _json(["analyze", "--json", "--samples", "200", str(data / D16_FILE)])
    reason = "not applicable: constraints: the 6 constraints exclude every one of the 6 packages"
    for lens in ("zopa", "solutions", "robust_package", "ripeness"):
        assert out["answers"][lens].startswith(reason), (lens, out["answers"][lens])
    assert out["answers"]["robustness"].startswith("not applicable: nothing to test")
    assert out["zopa"] == {
        "not_applicable": out["answers"]["zopa"].removeprefix("not applicable: ")
    }
    assert out["proposals"] == [] and out["proposals_note"] == NO_PROPOSALS


def test_d16_report_omits_the_sections_with_the_reason(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "d16.html"
    out = _json(["report", "--json", "--samples", "200", str(data / D16_FILE), "-o", str(target)])
    assert target.is_file()
    omitted = {o["key"]: o for o in out["omitted"]}
    for key in ("frontier", "ripeness"):
        assert omitted[key]["kind"] == "not applicable"
        assert "exclude every one of the 6 packages" in omitted[key]["reason"]


def test_d17_analyze_answers_what_needs_no_proposal(data: Path) -> None:
    argv = ["analyze", "--samples", "500", str(data / D17_FILE)]
    out = _json([*argv, "--json"])
    assert out["proposals"] == [] and out["proposals_note"] == NO_PROPOSALS
    assert out["zopa"]["exists"] is True and out["zopa"]["count_is_exact"] is True
    assert out["answers"]["zopa"] == out["answers"]["solutions"] == "exact"
    assert all(s["package"] for s in out["solutions"].values())
    kinds = {p["name"]: p["kind"] for p in out["robustness"]["packages"]}
    assert kinds == {name: "solution" for name in out["solutions"]}
    assert out["ripeness"]["first_zopa_month"] == 0
    assert out["robust_package"]["best"] is not None
    text = runner.invoke(app, argv)
    assert text.exit_code == 0, text.stderr
    flat = " ".join(text.stdout.split())
    assert "not applicable: the scenario has no proposals: the answers about a draft" in flat
    assert "No proposals: how sure the fair packages are." in flat
    assert "nash: accepted by all in 100.0% of plausible worlds" in flat


def test_d17_robustness_and_report_without_proposals(data: Path, tmp_path: Path) -> None:
    out = _json(["robustness", "--json", "--samples", "500", str(data / D17_FILE)])
    assert out["headlines"] == []
    assert {p["kind"] for p in out["acceptability"]["packages"]} == {"solution"}
    report = _json(
        ["report", "--json", "--samples", "300", str(data / D17_FILE), "-o", str(tmp_path / "r")]
    )
    built = {s["key"] for s in report["sections"]}
    assert {"frontier", "robustness", "ripeness"} <= built
    omitted = {o["key"]: o["reason"] for o in report["omitted"]}
    assert omitted["proposals"] == NO_PROPOSALS


def test_d18_frontier_stops_with_its_growth(data: Path) -> None:
    result = runner.invoke(app, ["frontier", "--time-limit", "1", str(data / D18_FILE)])
    assert result.exit_code == 2, result.stdout[-500:]
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and ERROR_LINE.match(lines[0]), lines
    assert re.match(
        rf"error: {re.escape(str(data / D18_FILE))}: the exact Pareto frontier is too large to "
        r"build: after \d+ of 30 issue groups it holds [\d,]+ non-dominated partial packages "
        r"\(growth per group: [\d,]+ → [\d,]+.*\); group \d+ would .*time limit.*; with 50 "
        r"parties nearly every package is efficient; ask for",
        lines[0],
    ), lines[0]


def _labelled(provenance: dict[str, Any]) -> None:
    """Exact, or approximate with the bound in words."""
    assert isinstance(provenance["exact"], bool)
    if not provenance["exact"]:
        assert provenance["bound"], provenance


def test_d18_solve_and_zopa_answer_within_a_small_time_limit(data: Path) -> None:
    sols = _json(["solve", "--json", "--time-limit", "2", str(data / D18_FILE)])["solutions"]
    for sol in sols.values():
        _labelled(sol["provenance"])
    assert any("time limit" in (s["provenance"]["bound"] or "") for s in sols.values())
    z = _json(["zopa", "--json", "--time-limit", "2", str(data / D18_FILE)])["zopa"]
    _labelled(z["provenance"])
    assert z["count_is_exact"] is False and z["provenance"]["method"] == "monte-carlo"
    assert z["exists"] is True  # an acceptable package was found (by the first program)


def test_d18_ripeness_robustness_and_improve_within_a_small_time_limit(data: Path) -> None:
    rip = _json(
        ["ripeness", "--json", "--time-limit", "2", "--samples", "40", "--horizon", "2",
         str(data / D18_FILE)]
    )["ripeness"]  # fmt: skip
    _labelled(rip["provenance"])
    if not rip["complete"]:
        assert "time limit" in rip["provenance"]["bound"]
    rob = _json(
        ["robustness", "--json", "--time-limit", "3", "--samples", "2000", "--no-search",
         "--no-solutions", str(data / D18_FILE)]
    )  # fmt: skip
    _labelled(rob["acceptability"]["provenance"])
    imp = _json(["improve", "pr0", "-s", str(data / D18_FILE), "--json", "--time-limit", "3"])
    _labelled(imp["diagnosis"]["provenance"])
    settle = imp["post_settlement"]
    assert "not_applicable" in settle or settle["provenance"]["exact"] is True


def test_d18_analyze_labels_every_answer_within_a_small_time_limit(data: Path) -> None:
    """The issue's target at a small scale (the 60 s default run is benchmarks/bench_limits.py)."""
    out = _json(
        ["analyze", "--json", "--time-limit", "6", "--samples", "500", "--horizon", "2",
         str(data / D18_FILE)]
    )  # fmt: skip
    answers = out["answers"]
    assert out["settings"]["time_limit"] == 6
    for name, how in answers.items():
        assert how == "exact" or how.startswith(("approximate: ", "not applicable: ")), (name, how)
    for lens in ("zopa", "solutions", "robustness", "robust_package", "ripeness", "forecast"):
        assert not answers[lens].startswith("not applicable"), (lens, answers[lens])
    for lens in ("zopa", "robustness", "robust_package", "ripeness", "forecast"):
        _labelled(out[lens]["provenance"])
    for solution in out["solutions"].values():
        _labelled(solution["provenance"])
    assert any("time limit" in how for how in answers.values())
    assert [p["proposal"] for p in out["proposals"]] == ["pr0", "pr1", "pr2", "sq"]


def test_milp_json_is_not_preceded_by_the_solver_banner() -> None:
    """HiGHS prints a header on the process's standard output the first time it starts."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [sys.executable, "-m", "peacetable", "solve", "--method", "milp", "--json",
         str(SRC.parent / "tests" / "model" / "mini.yaml")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["solutions"]["nash"]["package"] is not None
