"""Section "forecasts": where bargaining among parties of unequal power probably ends.

Uses :func:`peacetable.forecast.forecast_scenario`: every ordered issue of the
scenario on a 0–100 scale (its options evenly spaced), each party at its most
valued option with its weight as salience and its power as capability; the
static baselines (compromise, weighted median, Nash bargaining) and the dynamic
models (expected utility, exchange) with their round-by-round trajectories.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from peacetable.forecast.scenario import ScenarioForecast
from peacetable.report.charts import GREY, Chart, Trace, colour, symbol
from peacetable.report.context import Block, ReportContext, Section
from peacetable.report.markup import para, plural, series, table

KEY = "forecast"
TITLE = "Where bargaining probably ends: forecasts"
#: Rounds of the dynamic models.
#: Display names of the forecasting models.
MODEL_LABELS = {
    "compromise": "compromise (weighted mean)",
    "median": "weighted median",
    "nash": "Nash bargaining",
    "bdm": "expected utility (BDM)",
    "exchange": "exchange model",
}
POSITION_AXIS = "option (positions on a 0–100 scale)"


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _end_labels(ctx: ReportContext, problem: Any, traj: Any, k: int) -> dict[int, str]:
    """One end label per group of parties that finish within 4 points of each other."""
    present = [a for a in range(len(problem.actors)) if problem.present[a, k]]
    order = sorted(present, key=lambda a: float(traj[-1, a, k]))
    labels: dict[int, str] = {}
    group: list[int] = []
    for a in [*order, -1]:
        if group and (a < 0 or float(traj[-1, a, k]) - float(traj[-1, group[0], k]) > 4.0):
            labels[group[0]] = ", ".join(ctx.party_name(problem.actors[g]) for g in group)
            group = []
        if a >= 0:
            group.append(a)
    return labels


def _issue_chart(ctx: ReportContext, fc: Any, k: int) -> Chart:
    problem = fc.result.problem
    issue = problem.issues[k]
    rounds = fc.result.rounds
    traces: list[Trace] = []
    dynamic = [m for m in fc.result.models if m.trajectory is not None]
    if dynamic:
        traj = dynamic[0].trajectory
        first = True
        ends = _end_labels(ctx, problem, traj, k)
        for a, actor in enumerate(problem.actors):
            if not problem.present[a, k]:
                continue
            ys = traj[:, a, k]
            name = ctx.party_name(actor)
            traces.append(
                Trace(
                    name=f"parties' positions ({MODEL_LABELS.get(dynamic[0].model, dynamic[0].model)})",
                    x=list(range(ys.shape[0])),
                    y=[float(v) for v in ys],
                    kind="lines",
                    colour=GREY,
                    dash="dot",
                    width=1.2,
                    labels=[""] * (ys.shape[0] - 1) + [ends.get(a, "")],
                    hover=[f"{name}: {v:.0f}" for v in ys],
                    legend=first,
                )
            )
            first = False
    words = []
    for j, m in enumerate(fc.result.models):
        series_k = m.forecast_by_round[:, k]
        if not np.all(np.isfinite(series_k)):
            continue
        if m.trajectory is None:
            xs: list[float | str] = [0, rounds]
            ys_list = [float(series_k[0])] * 2
            kind = "lines"
        else:
            xs = list(range(series_k.shape[0]))
            ys_list = [float(v) for v in series_k]
            kind = "lines+markers"
        label = MODEL_LABELS.get(m.model, m.model)
        traces.append(
            Trace(
                name=label,
                x=xs,
                y=ys_list,
                kind=kind,  # type: ignore[arg-type]
                colour=colour(j),
                symbol=symbol(j),
                dash=("solid", "dash", "dot")[j % 3] if m.trajectory is None else "solid",
                width=2.5,
            )
        )
        words.append(f"{label} {ys_list[-1]:.0f} ({issue.nearest_label(ys_list[-1])})")
    ticks = tuple((float(v), _short(text)) for v, text in issue.labels)
    return Chart(
        key=f"forecast-{issue.id}".lower(),
        title=f"{issue.name}: forecast by round",
        alt=f"Line chart of the forecast position on {issue.name} over {rounds} bargaining rounds; "
        f"options at {', '.join(f'{v:.0f} = {t}' for v, t in issue.labels)}. Final forecasts: "
        + "; ".join(words)
        + ". Dotted grey lines: each party's position in the dynamic model.",
        caption="Coloured lines: each model's forecast after each round (flat lines: static models); "
        "dotted grey: the parties' positions as the expected-utility model moves them.",
        x_title="bargaining round",
        y_title=POSITION_AXIS,
        traces=tuple(traces),
        y_ticks=ticks or None,
        x_range=(-0.5, rounds + 1.5),
        y_range=(-5.0, 108.0),
        height=420,
    )


def _decided_and_skipped(ctx: ReportContext, fc: ScenarioForecast) -> str:
    """Sentences on the issues one party decides alone, the blocs, and the unordered issues."""
    out = []
    for issue, d in fc.decided.items():
        out.append(
            f"{ctx.issue_name(issue)} is decided by {ctx.party_name(d['by'])}, which controls it "
            f"alone: its most valued option is {d['label']}."
        )
    for actor, members in fc.blocs.items():
        out.append(
            f"{series([ctx.party_name(m) for m in members])} act as one bloc ({actor}) and count "
            "once."
        )
    unordered = [i for i, why in fc.skipped_issues.items() if i not in fc.decided]
    if unordered:
        out.append(
            f"Not forecast (options form no scale): {series([ctx.issue_name(i) for i in unordered])}."
        )
    return " ".join(out)


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    fc = ctx.result("forecast")
    assert isinstance(fc, ScenarioForecast)
    rows = fc.issue_rows()
    models = [m.model for m in fc.result.models]
    table_rows = []
    agree: list[str] = []
    spread: list[tuple[float, str]] = []
    for row in rows:
        cells = []
        options = set()
        values = []
        for m in models:
            f = row["forecast"][m]
            if f["value"] is None:
                cells.append("—")
                continue
            cells.append(f"{f['label']} ({f['value']:.0f})")
            options.add(f["option"])
            values.append(f["value"])
        table_rows.append((row["name"], *cells))
        if len(options) == 1:
            label = next(row["forecast"][m]["label"] for m in models if row["forecast"][m]["label"])
            agree.append(f"{row['name']}: {label}")
        if values:
            spread.append((max(values) - min(values), row["name"]))
    blocks: list[Block] = [
        para(
            f"{plural(len(fc.result.problem.actors), 'party', 'parties')} "
            f"({series([ctx.party_name(a) for a in fc.result.problem.actors])}) bargain over "
            f"{plural(len(rows), 'ordered issue')}; each starts at its most valued option, with its "
            "weight as salience and its power as capability. " + _decided_and_skipped(ctx, fc)
        ),
        table(
            ("issue", *(MODEL_LABELS.get(m, m) for m in models)),
            table_rows,
            caption="Forecast option per model (position on the 0–100 scale)",
        ),
    ]
    blocks += [_issue_chart(ctx, fc, k) for k in range(len(rows))]
    n_models = len(models)
    answer = f"All {n_models} models point to the same option on {len(agree)} of {plural(len(rows), 'issue')}"
    if agree:
        answer += f" ({'; '.join(agree[:3])}{'; …' if len(agree) > 3 else ''})"
    if spread:
        worst = max(spread)
        if worst[0] > 0:
            answer += f"; they disagree most on {worst[1]} ({worst[0]:.0f} points apart)"
    answer += "."
    return Section(
        key=KEY,
        title=TITLE,
        question="Where will bargaining among these parties of unequal power probably end, issue by issue?",
        answer=answer,
        blocks=tuple(blocks),
        method=f"Models {', '.join(MODEL_LABELS.get(m, m) for m in models)}; {fc.result.rounds} rounds, "
        f"seed {fc.seed} (peacetable.forecast).",
    )
