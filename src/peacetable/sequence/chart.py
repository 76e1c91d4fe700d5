"""The schedule as a Gantt-style chart with each party's exposure over the phases (plotly).

Top panel: one row per step, one bar per tranche from the start of its phase
for its duration plus verification delay, coloured by performer; dotted lines
mark the phase boundaries. Bottom panel: each party's exposure during each
phase (a step line) and after completion, with its bound dashed.
"""

from __future__ import annotations

from typing import Any

from peacetable.errors import AnalysisError
from peacetable.sequence.plan import TIME_SCALE, UTILITY_SCALE
from peacetable.sequence.result import SequenceResult

#: Okabe–Ito colours (distinguishable under colour blindness; Okabe & Ito 2008).
#: The same palette as the report's charts, kept here so the lens needs no surface.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def gantt_figure(result: SequenceResult) -> Any:
    """A plotly figure of the schedule and the exposures (see the module docstring).

    Parameters
    ----------
    result:
        A :class:`~peacetable.sequence.result.SequenceResult` with a schedule.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    peacetable.errors.AnalysisError
        If no schedule was found, or plotly is not installed.

    Examples
    --------
    >>> from peacetable.scenarios import load_builtin
    >>> from peacetable.sequence.lens import SequenceSettings, run
    >>> fig = gantt_figure(run(load_builtin("ukraine-2022"), SequenceSettings(compare=False)))
    >>> len(fig.data) > 4
    True
    """
    try:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise AnalysisError("the chart needs plotly: pip install 'peacetable[report]'") from exc
    schedule, plan = result.schedule, result.plan
    if schedule.phases is None or not result.phases:
        raise AnalysisError("no schedule to draw: " + (schedule.status or "none found"))
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.62, 0.38],
        vertical_spacing=0.06,
        subplot_titles=("Steps by phase", "Exposure of each party (verified gains only)"),
    )
    _step_bars(fig, go, result)
    end = result.phases[-1].start_month
    for row in result.phases:
        fig.add_vline(x=row.start_month, line={"dash": "dot", "color": "#999999", "width": 1})
    _exposure_lines(fig, go, result)
    fig.update_layout(
        barmode="overlay",
        height=max(420, 28 * len(plan.step_ids) + 320),
        title=f"Implementation schedule of {result.proposal or 'the plan'} "
        f"({len(result.phases) - 1} phases, {end:g} months)",
        legend={"orientation": "h", "y": -0.12},
    )
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    fig.update_yaxes(title_text="utility (0–1 scale)", row=2, col=1)
    fig.update_xaxes(title_text="months after signature", row=2, col=1)
    return fig


def _step_bars(fig: Any, go: Any, result: SequenceResult) -> None:
    """One horizontal bar per tranche, coloured by performer (top panel)."""
    plan, phases = result.plan, result.schedule.phases
    assert phases is not None
    starts = {row.phase: row.start_month for row in result.phases if row.phase is not None}
    performers = sorted(set(plan.performers), key=plan.performers.index)
    shown: set[str] = set()
    for u in range(plan.n_units):
        step = int(plan.unit_step[u])
        who = plan.performers[step]
        colour = PALETTE[performers.index(who) % len(PALETTE)]
        fig.add_trace(
            go.Bar(
                x=[float(plan.length[u]) / TIME_SCALE],
                base=[starts[int(phases[u])]],
                y=[plan.step_names[step]],
                orientation="h",
                marker={"color": colour, "line": {"color": "#000000", "width": 0.5}},
                name=f"performed by {who}",
                legendgroup=who,
                showlegend=who not in shown,
                hovertext=f"{plan.unit_label(u)} · phase {int(phases[u])} · {who}",
                hoverinfo="text",
            ),
            row=1,
            col=1,
        )
        shown.add(who)


def _exposure_lines(fig: Any, go: Any, result: SequenceResult) -> None:
    """Each party's exposure as a step line, and its bound dashed (bottom panel)."""
    end = result.phases[-1].start_month
    for i, party in enumerate(result.party_ids):
        xs: list[float] = []
        ys: list[float] = []
        for row in result.phases:
            xs += [row.start_month, row.end_month if row.phase is not None else end + 1.0]
            ys += [row.exposure[party]] * 2
        colour = PALETTE[i % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=f"{party} exposure",
                line={"color": colour, "dash": DASHES[i % len(DASHES)]},
            ),
            row=2,
            col=1,
        )
        bound = float(result.plan.bounds[i]) / UTILITY_SCALE
        fig.add_trace(
            go.Scatter(
                x=[0.0, end + 1.0],
                y=[bound, bound],
                mode="lines",
                name=f"{party} bound",
                line={"color": colour, "dash": "dash", "width": 1},
                showlegend=False,
                hovertext=f"{party} bound {bound:.3f}",
                hoverinfo="text",
            ),
            row=2,
            col=1,
        )
