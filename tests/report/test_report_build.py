"""Building the briefing: sections, answers, escaping, self-containment, omissions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peacetable.core import Settings
from peacetable.errors import InputError
from peacetable.model import Scenario
from peacetable.report import Report, build_report, write_report
from peacetable.report.builder import section_modules
from peacetable.report.page import render_page

FAST = Settings(seed=7, samples=300, horizon=24)


def test_seed_report_builds_with_core_sections(seed_report: Report) -> None:
    keys = [s.key for s in seed_report.sections]
    assert keys[:3] == ["glance", "proposals", "frontier"]
    assert keys == [k for k in section_modules() if k in keys]  # report order
    for section in seed_report.sections:
        assert section.question.endswith("?")
        assert section.answer.endswith(".") and len(section.answer) > 20
        assert section.method
    # every omission says why, and no omission hides a bug
    assert all(o.kind != "error" and o.reason for o in seed_report.omitted)
    # one bar chart per proposal, pair charts for every pair of negotiating parties
    n_parties = len(seed_report.scenario.negotiating_party_ids)
    stems = [c.file_stem for c in seed_report.charts]
    assert sum("-proposal-" in s for s in stems) == len(seed_report.scenario.proposals)
    assert sum("-pair-" in s for s in stems) == min(10, n_parties * (n_parties - 1) // 2)
    assert [c.number for c in seed_report.charts] == list(range(1, len(stems) + 1))


def test_html_is_self_contained(seed_report: Report, tmp_path: Path) -> None:
    path = write_report(seed_report, tmp_path / "briefing.html")
    assert path.stat().st_mode & 0o777 == 0o644  # shareable, unlike the temporary file
    text = path.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # no script, stylesheet, image or frame loaded from anywhere
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", text, re.I)
    assert not re.search(r"<link[^>]*\shref=", text, re.I)
    assert "default-src 'none'" in text
    assert text.count("Plotly.newPlot(") == len(seed_report.charts)
    assert f'data-chart-count="{len(seed_report.charts)}"' in text
    assert text.count('<figure class="chart"') == len(seed_report.charts)
    assert text.count('role="img"') == len(seed_report.charts)
    assert "@media print" in text
    assert (
        "utility (0\\u20131 scale)" in text
    )  # axis titles with units (JSON-escaped in the chart data)


def test_every_chart_is_accessible(seed_report: Report) -> None:
    for chart in seed_report.charts:
        assert len(chart.alt) > 40, chart.key
        assert chart.caption and chart.title
        if not chart.hide_axes:
            assert chart.x_title and chart.y_title, chart.key
    keys = [c.key for c in seed_report.charts]
    assert len(set(keys)) == len(keys)


def test_scenario_text_is_escaped(three_party_report: Report) -> None:
    text = render_page(three_party_report)
    body = text[text.index("<body>") :]
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "South &lt;i&gt;" in body and "South <i>" not in body
    assert "Mediator&#x27;s &lt;draft&gt;" in body
    # plotly reads HTML in its strings: the chart data carries the escaped names too
    assert "South \\u0026lt;i\\u0026gt;" in body or "South &lt;i&gt;" in body


def test_three_parties_get_parallel_coordinates_and_conflict(three_party_report: Report) -> None:
    keys = [s.key for s in three_party_report.sections]
    assert {"glance", "proposals", "frontier", "conflict"} <= set(keys)
    stems = [c.key for c in three_party_report.charts]
    assert "parallel" in stems
    assert sum(k.startswith("pair-") for k in stems) == 3
    assert "conflict-moves" in stems
    conflict = next(s for s in three_party_report.sections if s.key == "conflict")
    from peacetable.report.page import render_section

    html = render_section(conflict)
    assert "Equilibria around the status quo" in html and "Who gains by defecting alone" in html


def test_two_parties_get_no_parallel_coordinates() -> None:
    from peacetable.io import load_scenario

    mini = load_scenario(Path(__file__).parents[1] / "model" / "mini.yaml")
    report = build_report(mini, FAST, only=("frontier",), strict=True)
    assert [c.key for c in report.charts] == ["pair-a-b"]


def test_only_and_unknown_sections(three_party: Scenario) -> None:
    report = build_report(three_party, FAST, only=("glance",), strict=True)
    assert [s.key for s in report.sections] == ["glance"]
    assert report.omitted == ()
    with pytest.raises(InputError, match="unknown report section"):
        build_report(three_party, FAST, only=("nope",))


def test_a_failing_section_is_listed_not_silent(
    three_party: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from peacetable.report.sections import glance

    def broken(ctx: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(glance, "build", broken)
    report = build_report(three_party, FAST, only=("glance", "frontier"))
    assert [s.key for s in report.sections] == ["frontier"]
    (omission,) = report.omitted
    assert omission.kind == "error" and "ZeroDivisionError: boom" in omission.reason
    assert (
        "section &#x27;The scenario at a glance&#x27; omitted: ZeroDivisionError: boom"
        in render_page(report)
    )
    with pytest.raises(ZeroDivisionError):
        build_report(three_party, FAST, only=("glance",), strict=True)


def test_missing_engine_is_omitted_with_reason(
    three_party: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "peacetable.report.sections.conflict", None)
    report = build_report(three_party, FAST, only=("conflict",))
    (omission,) = report.omitted
    assert omission.kind == "unavailable" and "not available" in omission.reason
    assert "peacetable" in omission.reason


def test_settings_and_seed_are_printed(three_party: Scenario) -> None:
    settings = Settings(seed=1234, samples=321, horizon=12)
    report = build_report(three_party, settings, only=("glance",))
    text = render_page(report)
    assert "1234" in text and "321" in text and "12 months" in text
    assert report.to_dict()["settings"]["seed"] == 1234


def test_write_report_needs_an_existing_folder(three_party_report: Report, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_report(three_party_report, tmp_path / "missing" / "b.html")


def test_robustness_section_when_engine_present(three_party_report: Report) -> None:
    pytest.importorskip("peacetable.analysis.robustness")
    section = next(s for s in three_party_report.sections if s.key == "robustness")
    keys = [c.key for c in section.charts]
    assert keys == ["robustness-all", "robustness-parties"]
    dots = section.charts[0].traces[0]
    assert dots.error_minus is not None and dots.error_plus is not None
    assert all(0.0 <= y <= 1.0 for y in dots.y)
    assert "300 samples" in section.method and "seed 7" in section.method


def test_forecast_section_when_engine_present(three_party_report: Report) -> None:
    pytest.importorskip("peacetable.forecast.scenario")
    # harbour and river, the ordered issues, are each controlled by one party alone: decided by
    # it, not bargained over by votes, so nothing is left to forecast and the section says why
    assert all(s.key != "forecast" for s in three_party_report.sections)
    assert any(
        o.key == "forecast" and o.kind == "not applicable" and "bargain over" in o.reason
        for o in three_party_report.omitted
    )
    from peacetable.scenarios import load_builtin

    seed = build_report(load_builtin("ukraine-2022"), FAST, only=("forecast",), strict=True)
    section = seed.sections[0]
    # one trajectory chart per ordered issue nobody controls alone
    assert [c.key for c in section.charts] == [
        "forecast-nato_forces",
        "forecast-guarantees",
        "forecast-nuclear",
        "forecast-nato_offer",
        "forecast-deployments",
        "forecast-crimea",
    ]
    assert "decided by Russia, which controls it alone" in str(section.blocks[0])
    assert all(c.x_title == "bargaining round" for c in section.charts)


def test_engine_that_cannot_be_imported_is_named(
    three_party: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from peacetable.core import registry

    monkeypatch.setattr(registry, "_LOADED", {})
    for name in [m for m in sys.modules if m.startswith("peacetable.forecast")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "peacetable.report.sections.forecast", raising=False)
    monkeypatch.setitem(sys.modules, "peacetable.forecast", None)
    report = build_report(three_party, FAST, only=("glance", "forecast"), strict=True)
    assert [s.key for s in report.sections] == ["glance"]
    (omission,) = report.omitted
    assert omission.kind == "unavailable"
    assert omission.reason.startswith("engine not available (cannot import peacetable.forecast")


def test_ripeness_section_when_engine_present(seed_report: Report) -> None:
    pytest.importorskip("peacetable.analysis.ripeness")
    section = next(s for s in seed_report.sections if s.key == "ripeness")
    assert [c.key for c in section.charts] == ["ripeness-timeline", "ripeness-pressure"]
    timeline = section.charts[0]
    assert timeline.x_title == "months from now"
    assert len(timeline.traces[0].x) == seed_report.settings.horizon + 1
    assert all(0.0 <= p <= 1.0 for t in timeline.traces for p in t.y)
    assert (
        f"{seed_report.settings.ripeness_samples:,} sampled worlds" in section.method
        and "seed 0" in section.method
    )


def test_same_seed_same_report(three_party: Scenario) -> None:
    keys = ("robustness", "ripeness", "forecast")
    a = build_report(three_party, FAST, only=keys, strict=True)
    b = build_report(three_party, FAST, only=keys, strict=True)
    assert [s.answer for s in a.sections] == [s.answer for s in b.sections]
    assert a.charts == b.charts
    other = build_report(
        three_party, Settings(seed=8, samples=300, horizon=24), only=("robustness",)
    )
    assert "seed 8" in other.sections[0].method
