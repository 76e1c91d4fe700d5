"""Section "in what order?": the phased implementation schedule.

Reads the session's ``sequence`` result (:mod:`peacetable.sequence.lens`): the
phase table, a Gantt-style chart of the steps and a chart of each party's
exposure over the phases, self-enforcement per party, the explanation when no
schedule exists, and each disputed order's readings side by side.
"""

from __future__ import annotations

from peacetable.report.charts import Chart, ReferenceLine, Trace, colour
from peacetable.report.context import Block, ReportContext, Section
from peacetable.report.markup import Markup, bullets, fmt, para, plural, series, table, tag
from peacetable.sequence.plan import TIME_SCALE, UTILITY_SCALE
from peacetable.sequence.result import SequenceResult

KEY = "sequence"
TITLE = "In what order? Phased implementation"
QUESTION = (
    "In what order should the reciprocal steps of the plan be implemented so that no party is "
    "ever exposed beyond its bound, and is every phase self-enforcing?"
)


def _gantt(ctx: ReportContext, r: SequenceResult) -> Chart:
    plan, phases = r.plan, r.schedule.phases
    assert phases is not None
    starts = {row.phase: row.start_month for row in r.phases if row.phase is not None}
    performers = list(dict.fromkeys(plan.performers))
    traces = []
    seen: set[str] = set()
    for u in range(plan.n_units):
        step = int(plan.unit_step[u])
        who = plan.performers[step]
        start = starts[int(phases[u])]
        traces.append(
            Trace(
                name=f"performed by {ctx.party_name(who)}",
                x=[start, start + float(plan.length[u]) / TIME_SCALE],
                y=[float(step), float(step)],
                kind="lines",
                colour=colour(performers.index(who)),
                dash=("solid", "dash", "dot")[performers.index(who) % 3],
                width=8.0,
                hover=[plan.unit_label(u)] * 2,
                legend=who not in seen,
            )
        )
        seen.add(who)
    return Chart(
        key="sequence-gantt",
        title="Steps by phase",
        alt=f"Gantt chart of {plural(plan.n_units, 'tranche')} of {plural(len(plan.step_ids), 'step')} in "
        f"{len(r.phases) - 1} phases over {fmt(r.phases[-1].start_month, 1)} months.",
        caption="Each bar is one tranche of a step, from the start of its phase for its duration plus "
        "verification delay; the next phase starts when every tranche of the phase is done and verified.",
        x_title="months after signature",
        y_title="step (tranche)",
        traces=tuple(traces),
        reference_lines=tuple(
            ReferenceLine("x", row.start_month, f"phase {row.phase}", dash="dot")
            for row in r.phases
            if row.phase is not None
        ),
        y_ticks=tuple((float(k), name) for k, name in enumerate(plan.step_names)),
        y_range=(len(plan.step_ids) - 0.5, -0.5),
        height=max(320, 26 * len(plan.step_ids) + 120),
    )


def _exposure_chart(ctx: ReportContext, r: SequenceResult) -> Chart:
    end = r.phases[-1].start_month
    traces = []
    for i, party in enumerate(r.party_ids):
        xs: list[float] = []
        ys: list[float] = []
        for row in r.phases:
            xs += [row.start_month, row.end_month if row.phase is not None else end + 1.0]
            ys += [row.exposure[party]] * 2
        traces.append(
            Trace(
                name=ctx.party_name(party),
                x=xs,
                y=ys,
                kind="lines",
                colour=colour(i),
                dash=("solid", "dash", "dot")[i % 3],
            )
        )
    bounds = sorted({float(b) / UTILITY_SCALE for b in r.plan.bounds})
    return Chart(
        key="sequence-exposure",
        title="Exposure of each party over the phases",
        alt="Exposure of each party during each phase and after completion; the highest is "
        + fmt(max(max(row.exposure.values()) for row in r.phases))
        + f", against bounds of {series([fmt(b) for b in bounds])}.",
        caption="What each party has given minus what it has verifiably received, in its own utility "
        "units; gains count only once verified. Dashed: the exposure bound.",
        x_title="months after signature",
        y_title="exposure (utility, 0–1 scale)",
        traces=tuple(traces),
        reference_lines=tuple(ReferenceLine("y", b, f"bound {fmt(b)}") for b in bounds),
    )


def _comparison(ctx: ReportContext, r: SequenceResult) -> list[Block]:
    blocks: list[Block] = []
    for dispute, outcomes in r.comparisons.items():
        name = next(d.name for d in r.plan.disputes if d.id == dispute)
        rows = [
            (
                o.name,
                o.status,
                "—" if o.n_phases is None else str(o.n_phases),
                *(fmt(o.worst_exposure[p]) if o.worst_exposure else "—" for p in r.party_ids),
                ctx.party_name(o.risk_carrier)
                if o.risk_carrier
                else ("nobody" if o.found else "—"),
            )
            for o in outcomes
        ]
        blocks.append(
            table(
                (
                    "reading",
                    "schedule",
                    "phases",
                    *(f"worst exposure {ctx.party_name(p)}" for p in r.party_ids),
                    "risk carried by",
                ),
                rows,
                caption=f"Disputed order: {name}",
                numeric=tuple(range(2, 3 + len(r.party_ids))),
            )
        )
    return blocks


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    r = ctx.result("sequence")  # not applicable (no implementation plan): section omitted
    assert isinstance(r, SequenceResult)
    s = r.schedule
    blocks: list[Block] = []
    if s.found:
        rows = [
            (
                str(row.phase) if row.phase is not None else "after",
                f"{fmt(row.start_month, 1)}–{fmt(row.end_month, 1)}"
                if row.phase is not None
                else fmt(row.start_month, 1),
                ", ".join(row.units),
                *(fmt(row.exposure[p]) for p in r.party_ids),
            )
            for row in r.phases
        ]
        blocks.append(
            table(
                (
                    "phase",
                    "months",
                    "steps",
                    *(f"{ctx.party_name(p)} exposure" for p in r.party_ids),
                ),
                rows,
                caption="Phase table",
                numeric=tuple(range(3, 3 + len(r.party_ids))),
            )
        )
        blocks += [_gantt(ctx, r), _exposure_chart(ctx, r)]
        unsafe = [ctx.party_name(p) for p, ok in (r.self_enforcing or {}).items() if not ok]
        answer = (
            f"A safe schedule in {plural(len(r.phases) - 1, 'phase')} over {fmt(r.phases[-1].start_month, 1)} "
            f"months ({'proven optimal' if s.proven_optimal else f'optimality gap {fmt(s.gap or 0.0)}'})"
            + (
                f"; not self-enforcing for {series(unsafe)}"
                if unsafe
                else "; every phase self-enforcing"
            )
            + "."
        )
    else:
        answer = f"No schedule meets the requirements ({s.status})."
        notes: list[Markup | str] = []
        if r.conflict is not None:
            notes.append("Minimal conflicting set: " + "; ".join(r.conflict.constraints) + ".")
        notes += [
            f"Opening by {ctx.party_name(o.party)}: {', '.join(o.units)} (gives up {fmt(o.cost or 0.0)})."
            if o.units
            else f"No opening by {ctx.party_name(o.party)} makes a schedule exist."
            for o in r.openings
        ]
        blocks.append(bullets(notes))
    if r.comparisons:
        blocks.append(tag("h3", "Disputed orders"))
        blocks += _comparison(ctx, r)
    if r.notes:
        blocks.append(para("; ".join(r.notes) + "."))
    return Section(
        key=KEY,
        title=TITLE,
        question=QUESTION,
        answer=answer,
        blocks=tuple(blocks),
        method=f"{r.provenance.method}; seed {r.provenance.seed}; see docs/sequence.md.",
    )
