"""Section "the proposals on the table": who accepts each one, and what would it take.

Uses :func:`peacetable.analysis.acceptance.evaluate_proposals` (utility against
no deal, costliest provisions) and, when present,
:func:`peacetable.analysis.diagnostics.diagnose_proposal` (efficiency,
fewest-change amendments that win every party over).
"""

from __future__ import annotations

from peacetable.analysis.acceptance import NO_PROPOSALS, ProposalEvaluation
from peacetable.analysis.diagnostics import ProposalDiagnosis
from peacetable.errors import AnalysisError
from peacetable.report.charts import UTILITY_AXIS, Chart, Trace, colour
from peacetable.report.context import Block, ReportContext, Section
from peacetable.report.markup import (
    Markup,
    bullets,
    fmt,
    para,
    plural,
    series,
    signed,
    strong,
    table,
    tag,
    verdict,
)

KEY = "proposals"
TITLE = "The proposals on the table"


def _chart(ctx: ReportContext, ev: ProposalEvaluation, k: int) -> Chart:
    names = [ctx.party_name(v.party) for v in ev.parties]
    util = [v.utility for v in ev.parties]
    nd = [v.no_deal for v in ev.parties]
    top = max([*util, *nd, 1.0])
    lows = min([*util, *nd, 0.0])
    words = "; ".join(
        f"{n} {fmt(v.utility, 2)} against {fmt(v.no_deal, 2)} ({'accepts' if v.accepts else 'rejects'})"
        for n, v in zip(names, ev.parties, strict=True)
    )
    return Chart(
        key=f"proposal-{k}",
        title=f"{ev.name}: utility for each party against no deal",
        alt=f"Bar chart for the proposal {ev.name}: each party's utility of the proposal "
        f"next to its no-deal utility. {words}.",
        caption=f"A party accepts {ev.name} when its first bar is at least as tall as its "
        "second (its no-deal utility). Verdict: " + ctx.verdict(ev) + ".",
        x_title="party",
        y_title=UTILITY_AXIS,
        traces=(
            Trace(
                name=f"utility of {ev.name}",
                x=names,
                y=util,
                kind="bar",
                colour=colour(0),
                labels=[fmt(u, 2) for u in util],
            ),
            Trace(
                name="no-deal utility",
                x=names,
                y=nd,
                kind="bar",
                colour=colour(1),
                labels=[fmt(u, 2) for u in nd],
            ),
        ),
        y_range=(min(0.0, lows - 0.05), top + 0.12),
        categories=tuple(names),
    )


def _verdict_table(ctx: ReportContext, ev: ProposalEvaluation) -> Markup:
    rows = []
    for v in ev.parties:
        costs = "; ".join(
            f"{ctx.issue_name(c.issue)}: {ctx.option_label(c.issue, c.option)} "
            f"(−{fmt(c.loss)}; would prefer {ctx.option_label(c.issue, c.best_option)})"
            for c in v.costliest
        )
        rows.append(
            (
                ctx.party_name(v.party),
                fmt(v.utility),
                fmt(v.no_deal),
                signed(v.margin),
                verdict(v.accepts),
                costs or "—",
            )
        )
    return table(
        ("party", "utility", "no deal", "margin", "verdict", "provisions that cost it most"),
        rows,
        numeric=(1, 2, 3),
    )


def _what_it_takes(ctx: ReportContext, ev: ProposalEvaluation) -> Markup:
    found = ctx.session.result("diagnosis", proposal=ev.proposal)
    if not isinstance(found, ProposalDiagnosis):
        return Markup(tag("h4", "What would it take?") + para(f"Not answered: {found.to_dict()}."))
    d = found
    items: list[Markup | str] = []
    if d.efficient is True:
        items.append(
            "It is Pareto-efficient: no package makes one party better off without making another worse off."
        )
    elif d.efficient is False and d.dominated_by is not None:
        items.append(
            Markup(
                "It is not efficient: every party would do at least as well with "
                + tag("em", ctx.describe_changes(d.dominated_by.changes))
                + f" (joint gain {fmt(d.dominated_by.joint_gain)})."
            )
        )
    elif d.efficient is None:
        items.append(f"Pareto-efficient: {d.efficiency_statement}.")
    if d.improvements.min_changes is not None and d.improvements.solutions:
        best = d.improvements.solutions[0]
        items.append(
            f"Cheapest improvement for all ({plural(d.improvements.min_changes, 'change')}): "
            f"{ctx.describe_changes(best.changes)}."
        )
    if ev.accepted_by_all:
        items.append("Every party already accepts it.")
    else:
        items.append(
            d.acceptance.statement[:1].upper() + d.acceptance.statement[1:].rstrip(".") + "."
        )
        if d.acceptance.found and d.acceptance.solutions:
            items.append(
                Markup(
                    strong("To win every party over: ")
                    + tag("em", ctx.describe_changes(d.acceptance.solutions[0].changes))
                    + "."
                )
            )
        for pid, search in d.fixes.items():
            name = ctx.party_name(pid)
            if search.found and search.solutions:
                items.append(
                    Markup(
                        strong(f"To win over {name} without losing anyone: ")
                        + tag("em", ctx.describe_changes(search.solutions[0].changes))
                        + "."
                    )
                )
            else:
                items.append(
                    f"{name}: no change of at most {ctx.settings.max_changes} provisions wins it over without losing another party."
                )
    return Markup(tag("h4", "What would it take?") + bullets(items))


def _answer(ctx: ReportContext, evaluations: list[ProposalEvaluation]) -> str:
    accepted = [e.name for e in evaluations if e.accepted_by_all]
    others = len(evaluations) - len(accepted)
    if accepted and others:
        return (
            f"{series(accepted)} would be accepted by every party; "
            f"{plural(others, 'other proposal')} would not."
        )
    if accepted:
        return "Every proposal would be accepted by every party."
    closest = min(
        evaluations, key=lambda e: (len(e.rejected_by), -min(v.margin for v in e.parties))
    )
    return (
        f"No proposal would be accepted by every party; the closest, {closest.name}, "
        f"is {ctx.verdict(closest)}."
    )


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    evaluations = ctx.evaluations()
    if not evaluations:
        raise AnalysisError(NO_PROPOSALS)
    blocks: list[Block] = []
    for k, ev in enumerate(evaluations, start=1):
        blocks.append(
            tag("h3", f"{ctx.proposal_tag(ev.proposal)} · {ev.name}", id=f"proposal-{ev.proposal}")
        )
        description = ctx.scenario.proposal(ev.proposal).description
        if description:
            blocks.append(para(description))
        package = ctx.scenario.proposal(ev.proposal).package
        if package:
            blocks.append(
                para(
                    strong("Provisions: "),
                    "; ".join(
                        f"{ctx.issue_name(i)}: {ctx.option_label(i, o)}" for i, o in package.items()
                    ),
                    class_="note",
                )
            )
        blocks.append(_chart(ctx, ev, k))
        blocks.append(_verdict_table(ctx, ev))
        blocks.append(_what_it_takes(ctx, ev))
    answer = _answer(ctx, evaluations)
    method = (
        "Utility against no-deal utility per party (peacetable.analysis.acceptance); "
        "efficiency and fewest-change amendments by exhaustive search over up to "
        f"{ctx.settings.max_changes} changed provisions (peacetable.analysis.diagnostics)"
    )
    return Section(
        key=KEY,
        title=TITLE,
        question="Would each party accept each proposal, and if not, what change would win it over?",
        answer=answer,
        blocks=tuple(blocks),
        method=method + ".",
    )
