"""The report section "In what order?" builds, and its charts render in both renderers."""

from __future__ import annotations

from pathlib import Path

import pytest

from peacetable.core import Session
from peacetable.errors import AnalysisError
from peacetable.io import load_scenario
from peacetable.report import build_report
from peacetable.report.context import ReportContext
from peacetable.report.sections import sequence as section
from peacetable.scenarios import load_builtin

CFE = Path(__file__).resolve().parent / "data" / "cfe-1990.yaml"


def test_section_on_the_embedded_scenario() -> None:
    built = section.build(ReportContext(Session(load_builtin("ukraine-2022"))))
    assert built.answer.startswith("A safe schedule in")
    assert {c.key for c in built.charts} == {"sequence-gantt", "sequence-exposure"}
    html = "".join(str(b) for b in built.blocks if isinstance(b, str))
    assert "Disputed order: Minsk order" in html


def test_section_without_a_plan() -> None:
    bare = load_builtin("ukraine-2022").model_copy(update={"implementation": ()})
    with pytest.raises(AnalysisError, match="no implementation plan"):
        section.build(ReportContext(Session(bare)))
    report = build_report(bare, only=("sequence",))
    (omitted,) = report.omitted
    assert omitted.kind == "not applicable" and "implementation" in omitted.reason


def test_charts_render(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from peacetable.report.render import plotly_html
    from peacetable.report.static import draw

    built = section.build(ReportContext(Session(load_scenario(CFE))))
    for chart in built.charts:
        assert chart.element_id in plotly_html(chart)
        fig = draw(chart)
        fig.savefig(tmp_path / f"{chart.key}.png")
        assert (tmp_path / f"{chart.key}.png").stat().st_size > 0
