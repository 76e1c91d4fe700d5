"""Section "the scenario at a glance": parties, issues, proposals, and who cares about what.

Uses only the scenario model and :func:`peacetable.analysis.acceptance.evaluate_proposals`.
"""

from __future__ import annotations

from peacetable.report.charts import Chart, Trace, colour
from peacetable.report.context import Block, ReportContext, Section
from peacetable.report.markup import Markup, fmt, plural, series, table, tag

KEY = "glance"
TITLE = "The scenario at a glance"


def short(text: str, limit: int = 28) -> str:
    """*text* cut to *limit* characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def issue_labels(ctx: ReportContext) -> dict[str, str]:
    """A short, unique axis label per issue (its name, else its id)."""
    labels = {iid: short(ctx.issue_name(iid)) for iid in ctx.scenario.issue_ids}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    return {iid: label if counts[label] == 1 else iid for iid, label in labels.items()}


def _parties_table(ctx: ReportContext) -> Markup:
    rows = []
    p = ctx.prepared
    later = dict(zip(p.party_ids, p.no_deal_at(12).tolist(), strict=True))
    now = dict(zip(p.party_ids, p.no_deal.tolist(), strict=True))
    for party in ctx.scenario.parties:
        nd = party.no_deal
        negotiating = party.id in ctx.party_ids
        rng = f" ({fmt(nd.range[0], 2)}–{fmt(nd.range[1], 2)})" if nd and nd.range else ""
        rows.append(
            (
                f"{party.name} ({party.id})",
                party.role + ("" if negotiating else ", no stated preferences"),
                fmt(party.power.value, 2),
                (fmt(now[party.id], 2) + rng) if negotiating else "—",
                fmt(later[party.id], 2) if negotiating else "—",
            )
        )
    return table(
        (
            "party",
            "role",
            "power (0–1)",
            "no-deal utility now (range)",
            "after 12 months of conflict",
        ),
        rows,
        caption="Parties",
        numeric=(2, 3, 4),
    )


def _issues_table(ctx: ReportContext) -> Markup:
    rows = []
    for issue in ctx.scenario.issues:
        controllers = [ctx.party_name(p) for p in issue.controlled_by]
        rows.append(
            (
                issue.name
                + (f" (provision {issue.provision})" if issue.provision is not None else ""),
                "; ".join(o.label for o in issue.options),
                ctx.option_label(issue.id, issue.status_quo_option),
                series(controllers) if controllers else "jointly",
            )
        )
    return table(
        ("issue", "options", "without agreement", "can be implemented alone by"),
        rows,
        caption="Issues",
    )


def _weights_chart(ctx: ReportContext) -> Chart:
    labels = issue_labels(ctx)
    issues = ctx.scenario.issue_ids
    traces = []
    top: list[str] = []
    for k, pid in enumerate(ctx.party_ids):
        weights = ctx.scenario.preferences[pid].normalised_weights()
        ys = [weights.get(iid, 0.0) for iid in issues]
        traces.append(
            Trace(
                name=ctx.party_name(pid),
                x=[labels[i] for i in issues],
                y=ys,
                kind="bar",
                colour=colour(k),
            )
        )
        best = max(range(len(issues)), key=lambda i: ys[i])
        top.append(
            f"{ctx.party_name(pid)} weighs {ctx.issue_name(issues[best])} most ({fmt(ys[best], 2)})"
        )
    return Chart(
        key="weights",
        title="Who cares about what: issue weights per party",
        alt="Grouped bar chart of each party's weight on each issue. " + "; ".join(top) + ".",
        caption="Each party's weights are normalised to sum to 1; a tall bar marks an issue "
        "the party cares about most, a natural candidate for trades with parties that care less.",
        x_title="issue",
        y_title="weight (share of the party's total, 0–1)",
        traces=tuple(traces),
        categories=tuple(labels[i] for i in issues),
        height=420,
    )


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    s = ctx.scenario
    evaluations = ctx.evaluations()
    accepted = [e for e in evaluations if e.accepted_by_all]
    names = [ctx.party_name(p) for p in ctx.party_ids]
    answer = (
        f"{plural(len(names), 'party', 'parties')} ({series(names)}) negotiate "
        f"{plural(len(s.issues), 'issue')}, giving {ctx.prepared.n_packages:,} possible packages; "
    )
    if not evaluations:
        answer += "no proposal is on the table yet."
    elif accepted:
        answer += (
            f"{len(accepted)} of {plural(len(evaluations), 'proposal')} "
            f"({series([e.name for e in accepted])}) would be accepted by every party."
        )
    else:
        answer += (
            f"none of the {plural(len(evaluations), 'proposal')} would be accepted by every party."
        )
    blocks: list[Block] = [_parties_table(ctx), _issues_table(ctx)]
    if evaluations:
        rows = [
            (
                f"{ctx.proposal_tag(e.proposal)} · {e.name}",
                series([ctx.party_name(p) for p in s.proposal(e.proposal).proposed_by]) or "—",
                str(len(s.proposal(e.proposal).package)),
                ctx.verdict(e),
            )
            for e in evaluations
        ]
        blocks.append(
            table(
                ("proposal", "proposed by", "provisions set", "verdict"),
                rows,
                caption="Proposals",
                numeric=(2,),
            )
        )
    blocks.append(_weights_chart(ctx))
    if len(s.constraints):
        blocks.append(
            tag(
                "p",
                f"{plural(len(s.constraints), 'constraint')} rule out some combinations of options.",
                class_="note",
            )
        )
    return Section(
        key=KEY,
        title=TITLE,
        question="Who is negotiating about what, and is any proposal on the table acceptable to all?",
        answer=answer,
        blocks=tuple(blocks),
        method="Scenario model; acceptance = utility ≥ no-deal utility (peacetable.analysis.acceptance).",
    )
