"""Surfaces read one session: same seed, same bytes; report sections independent of each other."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetable.cli import app
from peacetable.core import NotApplicable, Session, Settings, get_lens
from peacetable.core.registry import LENSES
from peacetable.errors import InputError
from peacetable.io import load_scenario
from peacetable.report import Chart, Section, build_report
from peacetable.report.builder import section_modules
from peacetable.report.page import render_section

REPO = Path(__file__).resolve().parents[2]
MINI = str(REPO / "tests" / "model" / "mini.yaml")
runner = CliRunner()

_SECONDS = re.compile(r'"seconds": [-+0-9.eE]+|"seconds": null')


def _twice(args: list[str]) -> tuple[str, str]:
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    return first.stdout, second.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", MINI, "--json", "--samples", "500", "--seed", "3"],
        ["robustness", MINI, "--json", "--samples", "500", "--seed", "3"],
        ["ripeness", MINI, "--json", "--samples", "100", "--seed", "3", "--horizon", "6"],
        ["forecast", "ukraine-2022", "-m", "exchange", "--json", "--seed", "3"],
    ],
    ids=["analyze", "robustness", "ripeness", "forecast-exchange"],
)
def test_same_seed_same_json_apart_from_timings(args: list[str]) -> None:
    a, b = _twice(args)
    assert _SECONDS.sub('"seconds": T', a) == _SECONDS.sub('"seconds": T', b)
    assert json.loads(a)  # valid JSON (no NaN or Infinity)


def _content(section: Section) -> str:
    """A section's HTML with its figures unnumbered (numbers run through the whole report)."""
    blocks = tuple(
        dataclasses.replace(b, number=0) if isinstance(b, Chart) else b for b in section.blocks
    )
    return str(render_section(dataclasses.replace(section, blocks=blocks)))


def test_report_sections_do_not_depend_on_each_other() -> None:
    s = load_scenario(MINI)
    settings = Settings(samples=400, ripeness_samples=30, horizon=6)
    full = build_report(s, settings, strict=True)
    whole = {sec.key: _content(sec) for sec in full.sections}
    keys = [k for k in section_modules() if k in whole]
    assert {"proposals", "frontier", "robustness", "ripeness"} <= set(keys)
    # each section alone gives the same content as in the full report
    for key in keys:
        (sec,) = build_report(s, settings, only=(key,), strict=True).sections
        assert _content(sec) == whole[key], key
    # the robustness section does not depend on the frontier section having run first
    for only in (("robustness", "frontier"), ("frontier", "robustness")):
        for sec in build_report(s, settings, only=only, strict=True).sections:
            assert _content(sec) == whole[sec.key], (only, sec.key)


def test_every_lens_is_registered_with_a_settings_block_and_a_question() -> None:
    for entry in LENSES:
        lens = get_lens(entry.key)
        assert lens.question.endswith("?")
        block = lens.settings()  # every field has a default
        assert block == lens.settings()


def test_every_lens_result_carries_provenance() -> None:
    session = Session(load_scenario(MINI), Settings(samples=300, ripeness_samples=20, horizon=3))
    for entry in LENSES:
        result = session.result(entry.key)
        data = result.to_dict()
        if isinstance(result, NotApplicable):
            assert data["not_applicable"]
            continue
        prov = result.provenance
        assert prov.method and prov.method != "unspecified", entry.key
        assert prov.seconds is not None and prov.version
        assert isinstance(prov.exact, bool)
        if not prov.exact:
            assert prov.bound, f"{entry.key}: an approximate answer must say by how much"
        json.dumps(data)


@pytest.mark.parametrize(
    ("key", "options"),
    [
        ("diagnosis", {"proposal": "nope"}),
        ("stability", {"proposal": "nope"}),
        ("ripeness", {"proposal": "nope"}),
        ("contingent", {"proposal": "nope"}),
        ("linkage", {"reference": "nope"}),
        ("single_text", {"start": "nope"}),
        ("post_settlement", {"agreed": "nope"}),
        ("diagnosis", {"package": {"x": "nope"}}),
        ("diagnosis", {"package": {"nope": "low"}}),
        ("diagnosis", {"package": {"x": 1}}),
        ("diagnosis", {"package": "x=mid"}),
        ("diagnosis", {"proposal": "p1", "package": {"x": "mid"}}),
        ("post_settlement", {"package": {"x": "nope"}}),
        ("post_settlement", {"agreed": "p1", "package": {"x": "mid"}}),
        ("robustness", {"proposals": ("nope",)}),
        ("acceptance", {"proposals": ("nope",)}),
        ("zopa", {"no_such_setting": 1}),
    ],
)
def test_a_bad_argument_is_an_input_error_everywhere(key: str, options: dict[str, object]) -> None:
    session = Session(load_scenario(MINI), Settings(samples=100, ripeness_samples=10))
    with pytest.raises(InputError):
        session.result(key, **options)


def test_a_package_setting_is_the_proposal_it_spells_and_is_cached_by_value() -> None:
    """The diagnosis and post-settlement lenses take an arbitrary package as well as a
    proposal id (the web's drafts); a mapping and its pairs are one setting, one result."""
    session = Session(load_scenario(MINI))
    spelled = {"y": "vote", "x": "mid"}
    by_package = session.result("diagnosis", package=spelled)
    assert session.result("diagnosis", package=(("x", "mid"), ("y", "vote"))) is by_package
    by_id = session.result("diagnosis", proposal="p1")
    assert by_package.to_dict() | {"proposal": "p1"} == by_id.to_dict() | {
        "provenance": by_package.to_dict()["provenance"]
    }
    settled = session.result("post_settlement", package={"x": "mid", "y": "vote"})
    assert (
        settled.to_dict()["improvements"]
        == session.result("post_settlement", agreed="p1").to_dict()["improvements"]
    )
    assert session.lens_settings("diagnosis", package=spelled).package == (
        ("x", "mid"),
        ("y", "vote"),
    )


def test_unknown_lens_names_the_lenses() -> None:
    with pytest.raises(InputError, match="did you mean 'zopa'"):
        get_lens("zopas")
