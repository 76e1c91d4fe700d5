"""``peacetable report``: the mediator's briefing as one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from peacetable.cli._common import (
    TradeProcessOpt,
    console,
    emit_json,
    err_console,
    handle_errors,
    load_scenario_arg,
    time_limit_setting,
)
from peacetable.defaults import (
    DEFAULT_ANALYZE_TIME_LIMIT,
    DEFAULT_HORIZON,
    DEFAULT_RIPENESS_SAMPLES,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
)


def report_command(
    scenario: Annotated[
        str | None, typer.Argument(help="Scenario file or embedded id (default: ukraine-2022).")
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="HTML file to write.", dir_okay=False)
    ] = Path("briefing.html"),
    images: Annotated[
        Path | None,
        typer.Option(
            "--images",
            help="Also write every chart as PNG and SVG into this folder.",
            file_okay=False,
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Seed of every random routine.")
    ] = DEFAULT_SEED,
    samples: Annotated[
        int,
        typer.Option("--samples", min=10, help="Monte-Carlo samples for the robustness section."),
    ] = DEFAULT_SAMPLES,
    ripeness_samples: Annotated[
        int,
        typer.Option(
            "--ripeness-samples", min=10, help="Monte-Carlo samples for the ripeness timeline."
        ),
    ] = DEFAULT_RIPENESS_SAMPLES,
    horizon: Annotated[
        int,
        typer.Option("--horizon", "--months", min=1, help="Horizon of the ripeness timeline."),
    ] = DEFAULT_HORIZON,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            "-s",
            help="Build only this section (repeatable): glance, proposals, frontier, robustness, ripeness, conflict, forecast.",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Fail on a section error instead of omitting the section."),
    ] = False,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.0,
            help="Seconds the long analyses share (as in analyze); 0: no limit.",
        ),
    ] = DEFAULT_ANALYZE_TIME_LIMIT,
    trade_process: TradeProcessOpt = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON summary of what was written.")
    ] = False,
) -> None:
    """Write a mediator's briefing: one HTML file, no network needed, printable.

    Each section opens with the question it answers and the answer in one
    sentence, then the evidence; a section appears only when its engine is
    installed and works for the scenario (omissions are listed in the appendix).

    \b
    Example: peacetable report ukraine-2022 -o briefing.html --images slides/
    """
    from peacetable.analyze import analysis_settings
    from peacetable.report import build_report, export_images, write_report
    from peacetable.report.markup import plural

    s = load_scenario_arg(scenario)
    settings = analysis_settings(
        s,
        seed=seed,
        samples=samples,
        ripeness_samples=ripeness_samples,
        horizon=horizon,
        time_limit=time_limit_setting(time_limit),
        trade_process=trade_process,
    )
    quiet = as_json
    with console.status("building the briefing…", spinner="dots") as status:

        def progress(key: str, title: str) -> None:
            if not quiet:
                status.update(f"section: {title}…")

        report = build_report(
            s, settings, only=tuple(section) if section else None, strict=strict, progress=progress
        )
        if not quiet:
            status.update("writing the HTML file…")
        path = write_report(report, output)
        written: list[Path] = []
        if images is not None:

            def chart_progress(chart: object) -> None:
                if not quiet:
                    status.update(f"drawing {getattr(chart, 'file_stem', '')}…")

            written = export_images(report, images, progress=chart_progress)
    if as_json:
        emit_json({**report.to_dict(), "output": str(path), "images": [str(p) for p in written]})
        return
    for sec in report.sections:
        console.print(
            f"[green]✓[/] {escape(sec.title)} [dim]({report.seconds[sec.key]:.1f} s, {plural(len(sec.charts), 'chart')})[/]"
        )
    for om in report.omitted:
        err_console.print(
            f"[yellow]–[/] section {escape(repr(om.title))} omitted: {escape(om.reason)}",
            highlight=False,
        )
    console.print(
        f"wrote [bold]{path}[/] ({len(report.sections)} sections, {len(report.charts)} charts, "
        f"{report.seconds['total']:.1f} s, seed {seed})"
    )
    if images is not None:
        console.print(f"wrote {len(written)} images into [bold]{images}[/]")


def register(app: typer.Typer) -> None:
    """Add ``report`` to the main app."""
    app.command("report")(handle_errors(report_command))
