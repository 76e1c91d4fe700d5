"""Section "robustness": how sure are we that each party accepts, given uncertain estimates?

Uses :func:`peacetable.analysis.robustness.acceptability` (stochastic
multicriteria acceptability analysis: every uncertain estimate sampled within
its range, Wilson intervals) for the proposals and the bargaining solutions
found by the frontier section, and its first-order sensitivity indices to name
the estimate that matters most for each proposal.
"""

from __future__ import annotations

from typing import Any

from peacetable.analysis.robust_search import RobustPackageResult
from peacetable.analysis.robustness import AcceptabilityResult, PackageAcceptability
from peacetable.analysis.solutions import BargainingSolutions
from peacetable.report.charts import Chart, Trace, colour
from peacetable.report.context import Block, ReportContext, Section
from peacetable.report.markup import Markup, fmt, para, pct, plural, table
from peacetable.report.sections.frontier import SOLUTION_LABELS

KEY = "robustness"
TITLE = "Robustness to uncertain estimates"
#: Axis title of probability axes.
PROBABILITY_AXIS = "probability (0–1)"


def _packages(result: AcceptabilityResult) -> list[PackageAcceptability]:
    """The analysed packages, each distinct package once (proposals before solutions)."""
    seen: list[dict[str, str]] = []
    out = []
    for p in sorted(result.packages, key=lambda p: p.kind != "proposal"):
        if p.package in seen:
            continue
        seen.append(p.package)
        out.append(p)
    return sorted(out, key=lambda p: result.packages.index(p))


def _labels(ctx: ReportContext, result: Any) -> dict[str, str]:
    """Full display name of each analysed package."""
    known = {p.id: f"{ctx.proposal_tag(p.id)} · {p.name}" for p in ctx.scenario.proposals}
    short = {}  # a solution some party rejects is the least-shortfall package, and says so
    sols = ctx.session.result("solutions")
    if isinstance(sols, BargainingSolutions):
        for name, sol in sols.items():
            if sol.rejected_by:
                short[name] = f"{SOLUTION_LABELS.get(name, name)} ({sol.label})"
    return {
        p.name: known.get(
            p.name, short.get(p.name, f"{SOLUTION_LABELS.get(p.name, p.name)} solution")
        )
        for p in result.packages
    }


def _tags(ctx: ReportContext, result: Any) -> dict[str, str]:
    """Short axis label of each analysed package (P1, P2, … for proposals)."""
    known = {p.id: ctx.proposal_tag(p.id) for p in ctx.scenario.proposals}
    return {p.name: known.get(p.name, SOLUTION_LABELS.get(p.name, p.name)) for p in result.packages}


def _all_chart(ctx: ReportContext, result: Any, labels: dict[str, str]) -> Chart:
    entries = _packages(result)
    tags = _tags(ctx, result)
    names = [tags[p.name] for p in entries]
    lows = [p.p_all - p.p_all_interval[0] for p in entries]
    highs = [p.p_all_interval[1] - p.p_all for p in entries]
    words = "; ".join(
        f"{labels[p.name]} {pct(p.p_all)} ({pct(p.p_all_interval[0])}–{pct(p.p_all_interval[1])})"
        for p in entries
    )
    return Chart(
        key="robustness-all",
        title="Probability that every party accepts",
        alt=f"Dot plot with 95 % intervals of the probability that every party accepts each package, "
        f"over {result.n_samples:,} sampled worlds: {words}.",
        caption=f"Each estimate of the scenario (weights, values, beliefs, no-deal utilities) varies "
        f"uniformly within its stated range; {result.n_samples:,} sampled worlds, seed {result.seed}. "
        "Bars: 95 % Wilson intervals. P1, P2, …: the proposals, as numbered in the proposals section.",
        x_title="package",
        y_title=PROBABILITY_AXIS,
        traces=(
            Trace(
                name="every party accepts",
                x=names,
                y=[p.p_all for p in entries],
                colour=colour(0),
                symbol="diamond",
                width=3.0,
                error_minus=lows,
                error_plus=highs,
                labels=[pct(p.p_all) for p in entries],
                hover=[labels[p.name] for p in entries],
            ),
        ),
        y_range=(-0.02, 1.1),
        categories=tuple(names),
        height=420,
    )


def _party_chart(ctx: ReportContext, result: Any, labels: dict[str, str]) -> Chart:
    entries = [p for p in result.packages if p.kind == "proposal"]
    tags = _tags(ctx, result)
    names = [tags[p.name] for p in entries]
    traces = []
    words = []
    for k, pid in enumerate(result.party_ids):
        ps, lo, hi = [], [], []
        for p in entries:
            d = p.to_dict()["p_accept"][pid]
            ps.append(d["p"])
            lo.append(d["p"] - d["interval"][0])
            hi.append(d["interval"][1] - d["p"])
        traces.append(
            Trace(
                name=ctx.party_name(pid),
                x=names,
                y=ps,
                kind="bar",
                colour=colour(k),
                error_minus=lo,
                error_plus=hi,
            )
        )
        words.append(
            f"{ctx.party_name(pid)}: "
            + ", ".join(f"{n} {pct(v)}" for n, v in zip(names, ps, strict=True))
        )
    return Chart(
        key="robustness-parties",
        title="Probability that each party accepts each proposal",
        alt="Grouped bar chart with 95 % intervals of each party's probability of accepting each "
        "proposal. " + "; ".join(words) + ".",
        caption="A party whose bar is low for a proposal is the one to work on; wide intervals "
        "mean the estimate is uncertain, not that the party is undecided. P1, P2, …: the proposals.",
        x_title="proposal",
        y_title=PROBABILITY_AXIS,
        traces=tuple(traces),
        y_range=(0.0, 1.08),
        categories=tuple(names),
        height=440,
    )


def _robust_package(ctx: ReportContext) -> Markup:
    """The package accepted by all in the most sampled worlds, over the whole space."""
    found = ctx.session.result("robust_package", top=1)
    if not isinstance(found, RobustPackageResult):
        return para(f"The search over every package was not run: {found.to_dict()}.")
    best = found.best
    if best is None:
        return para(
            f"Over all {found.n_packages:,} packages, none is accepted by every party in any of "
            f"the {found.n_samples:,} sampled worlds (exact over the samples)."
        )
    lo, hi = best.to_dict()["p_all_accept_interval"]
    what = ctx.proposal_tag(best.proposal) if best.proposal else "a package not among the proposals"
    changes = "; ".join(
        f"{ctx.issue_name(i)}: {ctx.option_label(i, o)}" for i, o in best.package.items()
    )
    return para(
        f"Over all {found.n_packages:,} packages, the one accepted by every party in the most "
        f"of the same sampled worlds ({pct(best.p_all)}, 95 % interval {pct(lo)}–{pct(hi)}; "
        f"exact over the samples) is {what}: {changes}."
    )


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    result = ctx.result("robustness", proposals=None)
    assert isinstance(result, AcceptabilityResult)
    labels = _labels(ctx, result)
    blocks: list[Block] = [
        para(
            f"{result.n_uncertain} of the scenario's {result.n_parameters} estimates are uncertain; "
            f"each was drawn uniformly within its range in {result.n_samples:,} sampled worlds "
            f"(seed {result.seed}). In each world a party accepts a package when its utility is at "
            "least its no-deal utility."
        ),
        _all_chart(ctx, result, labels),
    ]
    if any(p.kind == "proposal" for p in result.packages):
        blocks.append(_party_chart(ctx, result, labels))
    rows = []
    for p in _packages(result):
        sens = result.sensitivity.get(p.name)
        top = sens.to_dict(top=1)["influences"] if sens is not None else []
        driver = "—"
        floor = sens.to_dict(top=1).get("noise_floor", 0.0) if sens is not None else 0.0
        if top and p.all_count > 0 and top[0]["index"] > 2 * floor:
            inf = top[0]
            driver = (
                f"{inf['name']} ({fmt(inf['low'], 2)}–{fmt(inf['high'], 2)}): "
                f"{pct(inf['p_all_accept_when_low'])} at its low end, "
                f"{pct(inf['p_all_accept_when_high'])} at its high end"
            )
        lo, hi = p.p_all_interval
        rows.append(
            (
                labels[p.name],
                "all accept"
                if all(p.nominal_accepts)
                else f"{sum(p.nominal_accepts)} of {len(p.nominal_accepts)} accept",
                f"{pct(p.p_all)} ({pct(lo)}–{pct(hi)})",
                *(pct(v) for v in p.p_party.values()),
                driver,
            )
        )
    n = len(result.party_ids)
    blocks.append(
        table(
            (
                "package",
                "at the central estimates",
                "P(every party accepts) (95 % interval)",
                *(f"P({ctx.party_name(pid)} accepts)" for pid in result.party_ids),
                "estimate that matters most for acceptance by all",
            ),
            rows,
            numeric=tuple(range(2, 3 + n)),
        )
    )
    best = result.packages[0]
    lo, hi = best.p_all_interval
    if best.p_all > 0:
        answer = (
            f"Of the packages tested, {labels[best.name]} is accepted by every party most often: in "
            f"{pct(best.p_all)} of {result.n_samples:,} sampled worlds (95 % interval {pct(lo)}–{pct(hi)})."
        )
    else:
        answer = (
            f"In none of {result.n_samples:,} sampled worlds does every party accept any of these "
            f"{plural(len(result.packages), 'package')} (95 % upper bound {pct(hi)})."
        )
    blocks.append(_robust_package(ctx))
    return Section(
        key=KEY,
        title=TITLE,
        question="Every preference number is an estimate: how likely is it that each party really accepts?",
        answer=answer,
        blocks=tuple(blocks),
        method=f"Stochastic multicriteria acceptability analysis, {result.n_samples:,} samples, "
        f"seed {result.seed}, Wilson 95 % intervals; first-order sensitivity indices "
        "(peacetable.analysis.robustness).",
    )
