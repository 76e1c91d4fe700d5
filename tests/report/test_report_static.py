"""Static export of every chart (matplotlib, no browser) and the ``report`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peacetable.cli import app
from peacetable.errors import InputError
from peacetable.report import Report, export_images
from peacetable.report.static import render

runner = CliRunner()
HERE = Path(__file__).parent


def test_every_chart_exports_as_png_and_svg(three_party_report: Report, tmp_path: Path) -> None:
    files = export_images(three_party_report, tmp_path / "img")
    charts = three_party_report.charts
    assert len(files) == 2 * len(charts)
    for chart in charts:
        png = tmp_path / "img" / f"{chart.file_stem}.png"
        svg = tmp_path / "img" / f"{chart.file_stem}.svg"
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert png.stat().st_size > 5_000
        text = svg.read_text("utf-8")
        assert text.lstrip().startswith("<?xml") and "<svg" in text
    # the text alternative travels with the file
    first = charts[0]
    assert "<dc:description>" in (tmp_path / "img" / f"{first.file_stem}.svg").read_text("utf-8")


def test_static_export_is_deterministic(three_party_report: Report) -> None:
    chart = three_party_report.charts[0]
    assert render(chart, "svg") == render(chart, "svg")
    assert render(chart, "png") == render(chart, "png")


def test_unknown_image_format(three_party_report: Report, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown image format"):
        export_images(three_party_report, tmp_path, formats=("gif",))


def test_report_command_writes_html_and_images(tmp_path: Path) -> None:
    out = tmp_path / "b.html"
    result = runner.invoke(
        app,
        [
            "report",
            str(HERE / "three_party.yaml"),
            "-o",
            str(out),
            "--images",
            str(tmp_path / "img"),
            "--section",
            "glance",
            "--section",
            "proposals",
            "--seed",
            "5",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["output"] == str(out) and out.exists()
    assert [s["key"] for s in data["sections"]] == ["glance", "proposals"]
    assert data["settings"]["seed"] == 5
    assert len(data["images"]) == 2 * sum(len(s["charts"]) for s in data["sections"])
    assert all(Path(p).exists() for p in data["images"])


def test_report_command_bad_input_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", str(tmp_path / "missing.yaml"), "-o", str(tmp_path / "b.html")]
    )
    assert result.exit_code == 2
    result = runner.invoke(
        app,
        ["report", str(HERE / "three_party.yaml"), "-o", str(tmp_path / "b.html"), "-s", "nope"],
    )
    assert result.exit_code == 2
    assert "unknown report section" in result.output


def test_report_help_has_an_example() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "peacetable report" in result.output and "--images" in result.output


def test_missing_plotly_is_a_clear_error(
    three_party_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from peacetable.errors import PeacetableError
    from peacetable.report import write_report

    monkeypatch.setitem(sys.modules, "plotly.offline", None)
    monkeypatch.setitem(sys.modules, "plotly.io", None)
    with pytest.raises(PeacetableError, match=r"pip install 'peacetable\[report\]'"):
        write_report(three_party_report, tmp_path / "b.html")
    assert not (tmp_path / "b.html").exists()
