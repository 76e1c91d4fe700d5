"""Section "how would bargaining unfold?": simulated negotiations, direct and mediated.

Reads the session's ``simulate`` result (:mod:`peacetable.simulate.lens`):
seeded negotiations under stacked alternating offers (one strategy per party)
and under a mediator's single text starting from the first proposal, with
the no-deal values following the disagreement model over the report's
horizon. Shows how often and when the parties agree, on what (as changes to
the first draft), what each party gains over no deal with 95 % intervals, and
how far the agreements fall from the Pareto frontier and the Nash point.
"""

from __future__ import annotations

from typing import Any

from peacetable.report.charts import Chart, ReferenceLine, Trace, colour, symbol
from peacetable.report.context import Block, ReportContext, Section
from peacetable.report.markup import fmt, para, plural, table
from peacetable.simulate.lens import SimulateLensResult

KEY = "simulate"
TITLE = "How would bargaining unfold? Simulated negotiations"
QUESTION = (
    "If the parties bargained directly, or through a mediator amending one text, how often and "
    "how soon would they agree, on what, and how good would the agreement be?"
)
PROTOCOL_LABELS = {"sao": "direct bargaining", "single-text": "mediated single text"}


def _interval(stat: dict[str, Any], digits: int = 3) -> str:
    if stat["mean"] is None:
        return "—"
    return f"{fmt(stat['mean'], digits)} [{fmt(stat['low'], digits)}, {fmt(stat['high'], digits)}]"


def _package(ctx: ReportContext, r: SimulateLensResult, package: dict[str, str]) -> str:
    """The package in words: as changes to the first draft when there is one."""
    if r.first_draft is not None:
        base = ctx.scenario.proposal(r.first_draft).package
        changes = {i: (base[i], o) for i, o in package.items() if base.get(i) != o}
        if not changes:
            return f"the first draft ({ctx.proposal_tag(r.first_draft)}) unchanged"
        return f"{ctx.proposal_tag(r.first_draft)} with {ctx.describe_changes(changes)}"
    return "; ".join(f"{ctx.issue_name(i)}: {ctx.option_label(i, o)}" for i, o in package.items())


def _advantage_chart(ctx: ReportContext, r: SimulateLensResult) -> Chart:
    parties = list(next(iter(r.results.values())).party_ids)
    names = [ctx.party_name(p) for p in parties]
    traces = []
    for j, (protocol, res) in enumerate(r.results.items()):
        stats = [res.summary["advantage"][p] for p in parties]
        means = [0.0 if s["mean"] is None else float(s["mean"]) for s in stats]
        traces.append(
            Trace(
                name=PROTOCOL_LABELS.get(protocol, protocol),
                x=names,
                y=means,
                kind="bar",
                colour=colour(j),
                symbol=symbol(j),
                error_minus=[
                    m - (m if s["low"] is None else float(s["low"]))
                    for m, s in zip(means, stats, strict=True)
                ],
                error_plus=[
                    (m if s["high"] is None else float(s["high"])) - m
                    for m, s in zip(means, stats, strict=True)
                ],
                hover=[f"{n}: {fmt(m)} over no deal" for n, m in zip(names, means, strict=True)],
            )
        )
    words = "; ".join(
        f"{PROTOCOL_LABELS.get(k, k)}: "
        + ", ".join(f"{n} {fmt(t)}" for n, t in zip(names, tr.y, strict=True))
        for k, tr in zip(r.results, traces, strict=True)
    )
    return Chart(
        key="simulate-advantage",
        title="What each party gains over no deal",
        alt=f"Bar chart of each party's mean utility gain over no deal per protocol ({words}); "
        "error bars are 95% intervals.",
        caption="Mean over the simulated negotiations (no agreement counts as no gain), with 95% "
        "intervals; the no-deal value is the one at the step the parties agree.",
        x_title="party",
        y_title="gain over no deal (utility)",
        traces=tuple(traces),
        reference_lines=(ReferenceLine("y", 0.0, "no deal"),),
        categories=tuple(names),
    )


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    r = ctx.result(KEY)
    assert isinstance(r, SimulateLensResult)
    cfg = r.settings
    parties = list(next(iter(r.results.values())).party_ids)
    blocks: list[Block] = []
    setup = (
        f"{plural(cfg.repetitions, 'negotiation')} per protocol, a deadline of "
        f"{plural(cfg.n_steps, 'step')}, seed {cfg.seed}. "
    )
    if cfg.horizon is not None:
        setup += (
            f"The deadline spans {cfg.horizon:g} months of continued conflict: each party's "
            "no-deal value follows the scenario's disagreement model month by month (the same "
            "path as the ripeness section), so agreements the parties refuse today can become "
            "acceptable later. "
        )
    if "single-text" in r.results:
        setup += (
            f"The mediator starts from {ctx.proposal_tag(r.first_draft)} and adopts an amendment "
            "only when no party objects; the parties vote on the final text. "
            if r.first_draft is not None
            else "The mediator starts from a random package in each negotiation. "
        )
    blocks.append(para(setup))
    rows = []
    for protocol, res in r.results.items():
        s = res.summary
        rows.append(
            (
                PROTOCOL_LABELS.get(protocol, protocol),
                f"{100 * s['agreement']['rate']:.0f}% [{100 * s['agreement']['low']:.0f}, "
                f"{100 * s['agreement']['high']:.0f}]",
                _interval(s["step"], 1),
                *(_interval(s["advantage"][p]) for p in parties),
                _interval(s["pareto_distance"]),
                _interval(s["nash_distance"]),
            )
        )
    blocks.append(
        table(
            (
                "protocol",
                "agreement % [95% CI]",
                "step agreed",
                *(f"{ctx.party_name(p)}: gain over no deal" for p in parties),
                "distance to frontier",
                "distance to Nash point",
            ),
            rows,
            caption="Means with 95% intervals over the simulated negotiations",
        )
    )
    blocks.append(_advantage_chart(ctx, r))
    agreement_rows = [
        (
            PROTOCOL_LABELS.get(protocol, protocol),
            f"{ag['count']} of {res.repetitions}",
            _package(ctx, r, ag["package"]),
            ", ".join(f"{ctx.party_name(p)} {fmt(u)}" for p, u in ag["utilities"].items()),
        )
        for protocol, res in r.results.items()
        for ag in res.agreements[:3]
    ]
    if agreement_rows:
        blocks.append(
            table(
                ("protocol", "how often", "package", "utilities"),
                agreement_rows,
                caption="The most frequent agreements",
            )
        )
    return Section(
        key=KEY,
        title=TITLE,
        question=QUESTION,
        answer=r.headline()[0].upper() + r.headline()[1:],
        blocks=tuple(blocks),
        method=f"{r.provenance.method}; strategies "
        + (", ".join(f"{p}={n}" for p, n in dict(cfg.strategies).items()) or "none named")
        + f", default {cfg.default_strategy}; mediator {cfg.mediator}; seed {cfg.seed} "
        "(peacetable.simulate).",
    )
