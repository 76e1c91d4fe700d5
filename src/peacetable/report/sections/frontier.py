"""Section "the frontier": efficient packages, the zone of agreement, fair solutions.

Uses :func:`peacetable.analysis.pareto_frontier` (exact frontier),
:func:`peacetable.analysis.is_pareto_efficient` and, when present,
:func:`peacetable.analysis.solutions.solve_all` (Nash, Kalai–Smorodinsky,
utilitarian, maximin gain, leximin). Draws a 2-D scatter for each pair of
parties and, for more than two parties, parallel coordinates.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from peacetable.analysis.diagnostics import ProposalDiagnosis
from peacetable.analysis.frontier import FrontierResult, nondominated_mask
from peacetable.analysis.solutions import BargainingSolutions
from peacetable.core.arrays import FloatArray
from peacetable.errors import AnalysisError
from peacetable.report.charts import GREY, UTILITY_AXIS, Chart, ReferenceLine, Trace, colour, symbol
from peacetable.report.context import Block, ReportContext, Section
from peacetable.report.markup import fmt, para, plural, series, table, tag, yes_no

KEY = "frontier"
TITLE = "The frontier of possible agreements"

#: Display names of the bargaining solutions.
SOLUTION_LABELS = {
    "nash": "Nash bargaining",
    "kalai_smorodinsky": "Kalai–Smorodinsky",
    "utilitarian": "Largest total utility",
    "egalitarian": "Maximin gain",
    "leximin": "Leximin",
}
#: Most frontier points drawn per chart, and most lines in parallel coordinates.
MAX_POINTS = 3000
MAX_LINES = 150


def _frontier(ctx: ReportContext) -> tuple[FrontierResult, str]:
    try:
        whole = ctx.result("frontier")
        assert isinstance(whole, FrontierResult)
        return whole, "all feasible packages"
    except AnalysisError:  # too large: the frontier of the acceptable packages only
        part = ctx.result("frontier", acceptable_only=True)
        assert isinstance(part, FrontierResult)
        return part, "packages every party accepts"


def _solutions(ctx: ReportContext) -> dict[str, Any] | None:
    found = ctx.session.result("solutions")
    return dict(found.items()) if isinstance(found, BargainingSolutions) else None


def _efficient(ctx: ReportContext, proposal: str) -> bool | None:
    """Is the proposal Pareto-efficient (the ``diagnosis`` lens; ``None``: not answered)?"""
    found = ctx.session.result("diagnosis", proposal=proposal)
    return found.efficient if isinstance(found, ProposalDiagnosis) else None


def _points(solutions: dict[str, Any] | None) -> list[tuple[str, tuple[float, ...]]]:
    """Distinct solution points, each with the names of the rules that pick it."""
    out: dict[tuple[float, ...], list[str]] = {}
    for name, sol in (solutions or {}).items():
        if sol.utilities is None:
            continue
        key = tuple(round(float(u), 9) for u in sol.utilities)
        out.setdefault(key, []).append(SOLUTION_LABELS.get(name, name))
    return [(", ".join(names), u) for u, names in out.items()]


def _thin(points: FloatArray, limit: int) -> FloatArray:
    if points.shape[0] <= limit:
        return points
    idx = np.unique(np.linspace(0, points.shape[0] - 1, limit).round().astype(np.int64))
    return points[idx]


def _pair_chart(
    ctx: ReportContext,
    fr: FrontierResult,
    i: int,
    j: int,
    proposals: list[tuple[str, FloatArray]],
    sols: list[tuple[str, tuple[float, ...]]],
) -> Chart:
    pi, pj = ctx.party_name(fr.party_ids[i]), ctx.party_name(fr.party_ids[j])
    proj = np.unique(fr.points[:, [i, j]].round(9), axis=0)
    best = proj[nondominated_mask(proj)]
    best = best[np.argsort(best[:, 0])]
    shown = _thin(proj, MAX_POINTS)
    traces = [
        Trace(
            name="efficient packages (all parties)",
            x=shown[:, 0].tolist(),
            y=shown[:, 1].tolist(),
            colour=GREY,
            width=1.0,
            opacity=0.6,
        ),
        Trace(
            name=f"best trade-offs between {pi} and {pj}",
            x=best[:, 0].tolist(),
            y=best[:, 1].tolist(),
            kind="lines+markers",
            colour=colour(0),
            width=1.5,
        ),
    ]
    for k, (name, u) in enumerate(proposals):
        traces.append(
            Trace(
                name=f"P{k + 1}: {name}",
                x=[float(u[i])],
                y=[float(u[j])],
                colour=colour(1 + k),
                symbol=symbol(2 + k),
                width=3.0,
                labels=[f"P{k + 1}"],
                hover=[name],
            )
        )
    for k, (name, point) in enumerate(sols):
        traces.append(
            Trace(
                name=name,
                x=[point[i]],
                y=[point[j]],
                colour="#000000",
                symbol=("star", "x", "cross", "triangle-down", "square")[k % 5],
                width=3.0,
            )
        )
    words = [
        f"the best trade-offs run from {pi} {fmt(best[0, 0], 2)} / {pj} {fmt(best[0, 1], 2)} "
        f"to {pi} {fmt(best[-1, 0], 2)} / {pj} {fmt(best[-1, 1], 2)}"
    ]
    words += [f"{n} at {fmt(u[i], 2)} / {fmt(u[j], 2)}" for n, u in proposals]
    words += [f"{n} solution at {fmt(p[i], 2)} / {fmt(p[j], 2)}" for n, p in sols]
    return Chart(
        key=f"pair-{fr.party_ids[i]}-{fr.party_ids[j]}".lower(),
        title=f"{pi} against {pj}",
        alt=f"Scatter plot of {pi}'s utility (horizontal) against {pj}'s (vertical) for "
        f"{plural(proj.shape[0], 'efficient package')}; "
        + "; ".join(words)
        + ". Dashed lines mark each party's no-deal utility.",
        caption=f"Grey: efficient packages seen by {pi} and {pj}; blue: the trade-offs no "
        f"package beats for both; dashed: no-deal utilities (a package up and to the right of both lines "
        "is accepted by these two parties). Coloured markers P1, P2, …: the proposals in the order of the "
        "proposals section; black: bargaining solutions.",
        x_title=f"{pi}: {UTILITY_AXIS}",
        y_title=f"{pj}: {UTILITY_AXIS}",
        traces=tuple(traces),
        reference_lines=(
            ReferenceLine("x", float(fr.no_deal[i]), f"{pi} no deal"),
            ReferenceLine("y", float(fr.no_deal[j]), f"{pj} no deal"),
        ),
        height=440,
    )


def _parallel_chart(
    ctx: ReportContext,
    fr: FrontierResult,
    proposals: list[tuple[str, FloatArray]],
    sols: list[tuple[str, tuple[float, ...]]],
    scope: str,
) -> Chart:
    names = [ctx.party_name(p) for p in fr.party_ids]
    lines = _thin(fr.points, MAX_LINES)
    traces = [
        Trace(
            name="efficient packages",
            x=names,
            y=row.tolist(),
            kind="lines",
            colour=GREY,
            width=1.0,
            opacity=0.45,
            legend=(r == 0),
        )
        for r, row in enumerate(lines)
    ]
    traces.append(
        Trace(
            name="no deal",
            x=names,
            y=fr.no_deal.tolist(),
            kind="lines+markers",
            colour="#000000",
            dash="dash",
            width=2.0,
        )
    )
    for k, (name, u) in enumerate(proposals):
        traces.append(
            Trace(
                name=f"P{k + 1}: {name}",
                x=names,
                y=u.tolist(),
                kind="lines+markers",
                colour=colour(1 + k),
                symbol=symbol(2 + k),
                width=2.5,
            )
        )
    for k, (name, point) in enumerate(sols):
        traces.append(
            Trace(
                name=name,
                x=names,
                y=list(point),
                kind="lines+markers",
                colour=colour(k + 2 + len(proposals)),
                symbol="star",
                dash="dot",
                width=2.5,
            )
        )
    return Chart(
        key="parallel",
        title="All parties at once: parallel coordinates",
        alt=f"Parallel-coordinates chart with one vertical axis per party ({series(names)}). "
        f"Each grey line is one of {plural(lines.shape[0], 'efficient package')} (of {fr.size:,}, {scope}); "
        "the dashed black line is the no-deal utilities; coloured lines are the proposals and bargaining solutions. "
        "A line above the dashed line at every party is accepted by all.",
        caption="Read each line from left to right: its height at a party is that party's utility. "
        "A package is accepted by everyone when its line stays above the dashed no-deal line everywhere.",
        x_title="party",
        y_title=UTILITY_AXIS,
        traces=tuple(traces),
        categories=tuple(names),
        height=460,
    )


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    fr, scope = _frontier(ctx)
    acceptable = fr.points[ctx.prepared.accepts_utilities(fr.points).all(axis=1)]
    solutions = _solutions(ctx)
    sols = _points(solutions)
    evaluations = ctx.evaluations()
    proposals = [(e.name, np.array([v.utility for v in e.parties])) for e in evaluations]
    efficient = {e.proposal: _efficient(ctx, e.proposal) for e in evaluations}
    n = fr.points.shape[1]
    blocks: list[Block] = [
        para(
            f"Of {ctx.prepared.n_packages:,} possible packages, {fr.n_feasible:,} respect the constraints; "
            f"the exact Pareto frontier ({scope}) has {plural(fr.size, 'distinct utility point')}, "
            f"{acceptable.shape[0]:,} of them accepted by every party."
        )
    ]
    if evaluations:
        blocks.append(
            table(
                ("proposal", "efficient?", "accepted by all?"),
                [
                    (
                        f"{ctx.proposal_tag(e.proposal)} · {e.name}",
                        "—"
                        if efficient[e.proposal] is None
                        else yes_no(bool(efficient[e.proposal])),
                        yes_no(e.accepted_by_all),
                    )
                    for e in evaluations
                ],
            )
        )
    if solutions is not None:
        blocks.append(tag("h3", "Fair packages: bargaining solutions"))
        rows = []
        sq = ctx.scenario.status_quo_package()
        for name, sol in solutions.items():
            label = SOLUTION_LABELS.get(name, name)
            if sol.package is None:
                rows.append((label, sol.note or "no answer", *(["—"] * n)))
                continue
            changed = "; ".join(
                f"{ctx.issue_name(i)}: {ctx.option_label(i, o)}"
                for i, o in sol.package.items()
                if sq.get(i) != o
            )
            rows.append((label, changed or "the status quo", *(fmt(u) for u in sol.utilities)))
        blocks.append(
            table(
                (
                    "solution",
                    "package (provisions other than the status quo)",
                    *(ctx.party_name(p) for p in fr.party_ids),
                ),
                rows,
                numeric=tuple(range(2, 2 + n)),
                caption="Utilities (0–1 scale) of each bargaining solution",
            )
        )
    pairs = list(itertools.combinations(range(n), 2))
    charts = [_pair_chart(ctx, fr, i, j, proposals, sols) for i, j in pairs[: ctx.max_pair_charts]]
    if n > 2:
        blocks.append(_parallel_chart(ctx, fr, proposals, sols, scope))
    blocks.append(tag("h3", "Pair by pair"))
    blocks.extend(charts)
    if len(pairs) > len(charts):
        blocks.append(
            para(
                f"{len(pairs) - len(charts)} further pairs are not drawn (setting max_pair_charts).",
                class_="note",
            )
        )
    n_eff = sum(1 for v in efficient.values() if v)
    zopa = (
        "A zone of possible agreement exists: "
        + plural(acceptable.shape[0], "efficient package")
        + (" is" if acceptable.shape[0] == 1 else " are")
        + " accepted by every party"
        if acceptable.shape[0]
        else "No zone of possible agreement: no package is accepted by every party"
    )
    answer = zopa + (
        f"; {n_eff} of {plural(len(evaluations), 'proposal')} {'is' if n_eff == 1 else 'are'} efficient."
        if evaluations
        else "."
    )
    if sols and acceptable.shape[0]:
        answer = (
            answer[:-1]
            + f"; the {sols[0][0].split(', ')[0]} solution gives "
            + ", ".join(
                f"{ctx.party_name(p)} {fmt(u, 2)}"
                for p, u in zip(fr.party_ids, sols[0][1], strict=True)
            )
            + "."
        )
    method = f"Exact Pareto frontier by dynamic programming over issues ({fr.method})"
    if solutions is not None:
        method += "; bargaining solutions exact over that frontier or by MILP (peacetable.analysis.solutions)"
        loose = [SOLUTION_LABELS.get(k, k) for k, s in solutions.items() if not s.exact]
        if loose:
            method += (
                f"; approximate (the time limit stopped the solver; each solution's provenance "
                f"gives the bound): {series(loose)}"
            )
    else:
        method += "; bargaining solutions not installed in this version"
    return Section(
        key=KEY,
        title=TITLE,
        question="Which packages cannot be improved for one party without hurting another, "
        "which of them does every party accept, and where are the fair compromises?",
        answer=answer,
        blocks=tuple(blocks),
        method=method + ".",
    )
