"""Section "ripeness": when does a deal become possible as the conflict's cost keeps rising?

Uses :func:`peacetable.analysis.ripeness.ripeness`: month by month, whether a
zone of possible agreement exists at the central estimates (exactly) and in
what share of sampled worlds, whose pressure opens it, when the proposal
closest to acceptance becomes acceptable to all, and Zartman's mutually
hurting stalemate.
"""

from __future__ import annotations

from typing import Any

from peacetable.analysis.acceptance import ProposalEvaluation
from peacetable.analysis.ripeness import RipenessResult
from peacetable.report.charts import UTILITY_AXIS, Chart, ReferenceLine, Trace, colour, symbol
from peacetable.report.context import Block, ReportContext, Section
from peacetable.report.markup import fmt, para, pct, series, table

KEY = "ripeness"
TITLE = "Ripeness over time"
MONTH_AXIS = "months from now"


def _closest(evaluations: list[ProposalEvaluation]) -> ProposalEvaluation | None:
    """The proposal closest to acceptance: fewest rejecting parties, then the largest worst margin."""
    if not evaluations:
        return None
    return min(evaluations, key=lambda e: (len(e.rejected_by), -min(v.margin for v in e.parties)))


def _p(month: dict[str, Any], key: str) -> tuple[float, float, float]:
    d = month[key]
    return d["p"], d["p"] - d["interval"][0], d["interval"][1] - d["p"]


def _timeline(ctx: ReportContext, data: dict[str, Any], proposal_name: str | None) -> Chart:
    months = data["months"]
    xs: list[float | str] = [float(m["month"]) for m in months]
    # "ripe" implies "ZOPA": draw it first and larger, so the ZOPA line stays visible on top
    specs = [
        ("p_ripe", "ripe: hurting stalemate and a ZOPA"),
        ("p_zopa", "a zone of possible agreement exists"),
    ]
    if proposal_name is not None and "p_proposal_accepted" in months[0]:
        specs.append(("p_proposal_accepted", f"{proposal_name} accepted by all"))
    traces = []
    for k, (key, name) in enumerate(specs):
        values = [_p(m, key) for m in months]
        traces.append(
            Trace(
                name=name,
                x=xs,
                y=[v[0] for v in values],
                kind="lines+markers",
                colour=colour(k),
                symbol=symbol(k),
                dash=("solid", "dash", "dot")[k % 3],
                width=3.0 if key == "p_ripe" else 1.6,
                error_minus=[v[1] for v in values],
                error_plus=[v[2] for v in values],
            )
        )
    lines = []
    if data["first_zopa_month"] is not None:
        lines.append(
            ReferenceLine("x", float(data["first_zopa_month"]), "ZOPA at central estimates")
        )
    if data.get("proposal_first_month") is not None and proposal_name is not None:
        lines.append(
            ReferenceLine(
                "x",
                float(data["proposal_first_month"]),
                "proposal accepted",
                colour=colour(2),
                dash="dot",
            )
        )
    first = data["first_zopa_month"]
    return Chart(
        key="ripeness-timeline",
        title="Ripeness timeline: probability that a deal is possible, month by month",
        alt=f"Line chart over {data['horizon']} months of the probability that a zone of possible agreement "
        f"exists ({pct(months[0]['p_zopa']['p'])} now, {pct(months[-1]['p_zopa']['p'])} in month {data['horizon']}), "
        "that the conflict is ripe (hurting stalemate and a ZOPA)"
        + (f", and that {proposal_name} is accepted by all" if len(specs) > 2 else "")
        + ". "
        + (
            f"At the central estimates a ZOPA opens in month {first}."
            if first is not None
            else "At the central estimates no ZOPA opens within the horizon."
        ),
        caption=f"Each party's no-deal utility changes every month by its estimated cost of conflict; "
        f"{data['n_samples']:,} sampled worlds, seed {data['provenance']['seed']}; bars: 95 % Wilson intervals. "
        "Dashed vertical lines: the month it happens at the central estimates.",
        x_title=MONTH_AXIS,
        y_title="probability (0–1)",
        traces=tuple(traces),
        reference_lines=tuple(lines),
        y_range=(-0.03, 1.05),
        height=420,
    )


def _pressure(ctx: ReportContext, data: dict[str, Any]) -> Chart:
    horizon = data["horizon"]
    xs: list[float | str] = [float(t) for t in range(horizon + 1)]
    traces = []
    words = []
    for k, pid in enumerate(data["parties"]):
        path = data["no_deal_path"][pid]
        traces.append(
            Trace(
                name=ctx.party_name(pid),
                x=xs,
                y=list(path),
                kind="lines",
                colour=colour(k),
                symbol=symbol(k),
                dash=("solid", "dash", "dot")[k % 3],
            )
        )
        words.append(f"{ctx.party_name(pid)} from {path[0]:.2f} to {path[-1]:.2f}")
    return Chart(
        key="ripeness-pressure",
        title="The cost of continuing: each party's no-deal utility over time",
        alt=f"Line chart of each party's no-deal utility over {horizon} months at the central estimates: "
        + "; ".join(words)
        + ". The steeper the fall, the more the party gains from a deal soon.",
        caption="No-deal utility = the value of walking away; as it falls, more packages become acceptable.",
        x_title=MONTH_AXIS,
        y_title=f"no-deal {UTILITY_AXIS}",
        traces=tuple(traces),
        height=380,
    )


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    closest = _closest(ctx.evaluations())
    result = ctx.result("ripeness", proposal=closest.proposal if closest is not None else None)
    assert isinstance(result, RipenessResult)
    data = result.to_dict()
    horizon = result.horizon
    name = f"{ctx.proposal_tag(closest.proposal)} · {closest.name}" if closest is not None else None
    first, likely = data["first_zopa_month"], data["first_likely_zopa_month"]
    opened = [ctx.party_name(p) for p in data["opened_by"]]

    def month(m: int | None) -> str:
        return "not within the horizon" if m is None else ("now" if m == 0 else f"month {m}")

    rows = [
        ("a ZOPA exists at the central estimates", month(first)),
        ("a ZOPA exists in at least half of the sampled worlds", month(likely)),
        ("whose rising cost of conflict opens it", series(opened) if opened else "—"),
    ]
    rows += [
        (f"…if only {ctx.party_name(p)}'s cost of conflict rose", month(m))
        for p, m in data["alone"].items()
    ]
    if name is not None:
        rows += [
            (
                f"{name} accepted by all at the central estimates",
                month(data["proposal_first_month"]),
            ),
            (
                f"{name} accepted by all in at least half of the worlds",
                month(data["proposal_first_likely_month"]),
            ),
        ]
    blocks: list[Block] = [
        para(
            f"Each party's no-deal utility over {horizon} months, from the disagreement model: "
            + "; ".join(
                f"{ctx.party_name(p)} {fmt(v[0], 2)} → {fmt(v[-1], 2)}"
                for p, v in data["no_deal_path"].items()
            )
            + ". A mutually hurting stalemate (Zartman) holds when every principal's no-deal "
            "utility is falling and none expects more from fighting on than from the best "
            "settlement on offer; the moment is ripe when, in addition, a zone of possible "
            "agreement exists."
        ),
        _timeline(ctx, data, name),
        table(("milestone", "when"), rows, caption="When a deal becomes possible"),
        _pressure(ctx, data),
    ]
    if first == 0:
        answer = "A zone of possible agreement exists already today at the central estimates"
    elif first is not None:
        answer = f"At the central estimates a zone of possible agreement opens in month {first}"
        if opened:
            answer += f", opened by the rising cost of conflict for {series(opened)}"
    else:
        answer = f"No zone of possible agreement opens within {result.horizon} months at the central estimates"
    if likely == 0 and first == 0:
        answer += " and in at least half of the sampled worlds"
    elif likely == 0:
        answer += "; it exists in at least half of the sampled worlds already today"
    elif likely is not None:
        answer += f"; it exists in at least half of the sampled worlds by month {likely}"
    answer += "."
    return Section(
        key=KEY,
        title=TITLE,
        question="If the conflict keeps hurting, when does a deal every party prefers to fighting on become possible?",
        answer=answer,
        blocks=tuple(blocks),
        method=f"Exact ZOPA search per month at the central estimates; {result.n_samples:,} sampled worlds, "
        f"seed {result.seed}, horizon {result.horizon} months (peacetable.analysis.ripeness).",
    )
