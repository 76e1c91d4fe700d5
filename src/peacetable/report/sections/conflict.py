"""Section "would a deal hold?": conflict stability of the proposals and of the status quo.

Uses :mod:`peacetable.conflict`: :func:`~peacetable.conflict.deal_stability`
for each proposal (is it an equilibrium; who gains by defecting alone, and can
the others sanction it), and, around the status quo,
:func:`~peacetable.conflict.from_scenario`, :func:`~peacetable.conflict.analyze`
and :func:`~peacetable.conflict.status_quo_analysis` for the equilibria table
and the state/move graph.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from peacetable.conflict.scenario import DealStability, package_of
from peacetable.conflict.stability import CONCEPTS
from peacetable.report.charts import GREY, Arrow, Chart, Trace, colour
from peacetable.report.context import Block, ReportContext, Section
from peacetable.report.markup import Markup, bullets, fmt, para, plural, series, table, tag, yes_no

KEY = "conflict"
TITLE = "Would a deal hold? Conflict stability"

#: Display names of the stability concepts.
CONCEPT_LABELS = {
    "nash": "Nash (R)",
    "gmr": "GMR",
    "smr": "SMR",
    "seq": "SEQ",
    "sim": "SIM",
}
#: Most equilibria listed and drawn.
MAX_EQUILIBRIA = 8
#: Conflicts with at most this many states are drawn whole (every improving move).
FULL_GRAPH_STATES = 12


def _proposal_rows(
    ctx: ReportContext,
) -> tuple[list[tuple[Any, ...]], list[Markup | str], dict[str, int]]:
    rows: list[tuple[Any, ...]] = []
    notes: list[Markup | str] = []
    held: dict[str, int] = {}
    for proposal in ctx.scenario.proposals:
        ds = ctx.session.result("stability", proposal=proposal.id)
        if not isinstance(ds, DealStability):
            rows.append(
                (f"{ctx.proposal_tag(proposal.id)} · {proposal.name}", *(["—"] * len(CONCEPTS)))
            )
            reason = ds.to_dict().get("not_applicable", "")
            notes.append(f"{proposal.name}: not analysed ({reason}).")
            continue
        data = ds.to_dict()
        eq = data["equilibrium"]
        held[proposal.name] = sum(bool(eq.get(c)) for c in CONCEPTS)
        rows.append(
            (
                f"{ctx.proposal_tag(proposal.id)} · {proposal.name}",
                *(yes_no(bool(eq.get(c))) for c in CONCEPTS),
            )
        )
        for d in data["defections"]:
            sanctioned = [CONCEPT_LABELS.get(c, c) for c, path in d["sanctions"].items() if path]
            notes.append(
                f"{proposal.name}: {ctx.party_name(d['party'])} gains {fmt(d['utility_gain'])} by changing "
                f"{ctx.describe_changes(d['changes'])} alone; "
                + (
                    f"the others can sanction this under {series(sanctioned)}."
                    if sanctioned
                    else "no sanction deters it."
                )
            )
    return rows, notes, held


def _state_label(ctx: ReportContext, model: Any, state: int, base: dict[str, str]) -> str:
    pkg = package_of(model, state)
    diff = [
        f"{ctx.issue_name(i)}: {ctx.option_label(i, o)}" for i, o in pkg.items() if base.get(i) != o
    ]
    return "; ".join(diff) if diff else "the status quo"


def _graph(
    ctx: ReportContext,
    model: Any,
    sq: int,
    eq_states: list[int],
    names: dict[int, str],
    sqa: Any,
    result: Any,
) -> tuple[Chart, list[int]]:
    """The state/move graph: every state and improving move of a small conflict; of a
    larger one, the status quo, the equilibria and the shortest move paths between them."""
    base = package_of(model, sq)
    nodes: set[int] = {sq, *eq_states}
    edges: set[tuple[int, int, int]] = set()
    full = model.n_states <= FULL_GRAPH_STATES and result.reach is not None
    if full:
        nodes = set(range(model.n_states))
        for dm in range(model.n_dms):
            graph = result.reach.improvements(dm)
            edges.update((int(a), int(b), dm) for a, b in zip(graph.src, graph.dst, strict=True))
    for s in eq_states:
        for step in sqa.path(s):
            nodes.update((step.source, step.target))
            edges.add((step.source, step.target, step.dm))
    depth = {s: int(sqa.steps[s]) for s in nodes}
    far = max([d for d in depth.values() if d >= 0], default=0) + 1
    layers: dict[int, list[int]] = defaultdict(list)
    for s in sorted(nodes):
        layers[depth[s] if depth[s] >= 0 else far].append(s)
    pos: dict[int, tuple[float, float]] = {}
    for x, members in layers.items():
        for k, s in enumerate(members):
            pos[s] = (float(x), (len(members) - 1) / 2.0 - k)
    dms = model.dm_names
    traces: list[Trace] = []
    seen: set[int] = set()
    for a, b, dm in sorted(edges):
        traces.append(
            Trace(
                name=f"move by {ctx.party_name(dms[dm])}",
                x=[pos[a][0], pos[b][0]],
                y=[pos[a][1], pos[b][1]],
                kind="lines",
                colour=colour(dm),
                dash=("solid", "dash", "dot")[dm % 3],
                legend=dm not in seen,
            )
        )
        seen.add(dm)
    groups = (
        ("status quo", [sq], "#000000", "square"),
        ("equilibrium", [s for s in eq_states if s != sq], colour(2), "star"),
        ("other state", sorted(nodes - {sq, *eq_states}), GREY, "circle"),
    )
    for label, members, col, sym in groups:
        if members:
            traces.append(
                Trace(
                    name=label,
                    x=[pos[s][0] for s in members],
                    y=[pos[s][1] for s in members],
                    colour=col,
                    symbol=sym,
                    width=4.0,
                    labels=[names.get(s, f"s{s}") for s in members],
                    hover=[_state_label(ctx, model, s, base) for s in members],
                )
            )
    arrows = tuple(
        Arrow(pos[a][0], pos[a][1], pos[b][0], pos[b][1], colour(dm)) for a, b, dm in sorted(edges)
    )
    reach = [names[s] for s in eq_states if sqa.steps[s] > 0]
    scope = (
        "every state and every unilateral improving move"
        if full
        else "the states on the shortest paths"
    )
    alt = (
        f"State graph ({scope}) with {plural(len(nodes), 'state')} placed left to right by the number of unilateral "
        f"improving moves needed from the status quo. Equilibria shown: {series([names[s] for s in eq_states])}; "
        + (
            f"reachable from the status quo: {series(reach)}."
            if reach
            else "none is reached by unilateral improvements."
        )
    )
    height = max(320, 90 * max(len(m) for m in layers.values()) + 140)
    ys = [p[1] for p in pos.values()]
    chart = Chart(
        key="conflict-moves",
        title="States and unilateral improving moves"
        if full
        else "From the status quo: unilateral improving moves to the equilibria",
        alt=alt,
        caption="Each arrow is one party changing an issue it controls, to a state it prefers. "
        "Columns count moves from the status quo; states that cannot be reached stand in the last column. "
        "Labels refer to the equilibria table; hover for the package.",
        x_title="moves from the status quo",
        y_title="",
        traces=tuple(traces),
        arrows=arrows,
        x_range=(-0.5, far + 0.5),
        y_range=(min(ys) - 0.8, max(ys) + 0.8),
        height=height,
        hide_axes=True,
    )
    return chart, sorted(nodes)


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    rows, notes, held = _proposal_rows(ctx)
    status_quo = ctx.result("stability", proposal=None)
    assert isinstance(status_quo, DealStability)
    model, result = status_quo.model, status_quo.result
    sq, sqa = status_quo.state, status_quo.paths
    masks = {c: result.equilibria_mask(c) for c in CONCEPTS}
    count = {s: sum(bool(masks[c][s]) for c in CONCEPTS) for s in range(model.n_states)}
    eq_all = [s for s in range(model.n_states) if count[s] > 0]
    eq_all.sort(key=lambda s: (-count[s], int(sqa.steps[s]) < 0, int(sqa.steps[s]), s))
    eq_states = eq_all[:MAX_EQUILIBRIA]
    names = {s: f"E{k}" for k, s in enumerate(eq_states, start=1)}
    names.setdefault(sq, "SQ")
    if sq in eq_states:
        names[sq] = f"{names[sq]} (SQ)"
    base = package_of(model, sq)
    dms = model.dm_names
    util = model.meta["scenario"]["utilities"]
    eq_rows = [
        (
            names[s],
            _state_label(ctx, model, s, base),
            *(fmt(float(util[s, i]), 2) for i in range(len(dms))),
            series([CONCEPT_LABELS[c] for c in CONCEPTS if masks[c][s]]),
            str(int(sqa.steps[s])) if sqa.steps[s] >= 0 else "not reachable",
        )
        for s in eq_states
    ]
    chart, _ = _graph(ctx, model, sq, eq_states, names, sqa, result)
    controlled = model.meta["scenario"]["controlled"]
    blocks: list[Block] = [
        para(
            "A package holds when no party can gain by changing, on its own, an issue it controls "
            f"({series([f'{ctx.issue_name(i)} by {ctx.party_name(p)}' for i, p in controlled.items()])}); "
            "the five stability concepts differ in how far ahead a party looks at the others' reactions "
            "(Nash: none; GMR, SMR: any sanction; SEQ: only sanctions the sanctioners gain from; SIM: simultaneous moves)."
        ),
    ]
    if rows:
        blocks.append(
            table(
                ("proposal", *(CONCEPT_LABELS[c] for c in CONCEPTS)),
                rows,
                caption="Is each proposal an equilibrium (self-enforcing)?",
            )
        )
    if notes:
        blocks.append(tag("h3", "Who gains by defecting alone"))
        blocks.append(bullets(notes))
    blocks.append(tag("h3", "Equilibria around the status quo"))
    blocks.append(
        table(
            (
                "state",
                "package (changes from the status quo)",
                *(f"{ctx.party_name(d)} utility" for d in dms),
                "equilibrium under",
                "moves from status quo",
            ),
            eq_rows,
            numeric=(*range(2, 2 + len(dms)), 3 + len(dms)),
            caption=f"{plural(len(eq_all), 'equilibrium', 'equilibria')} among {plural(model.n_states, 'state')}"
            + (f"; the {len(eq_states)} strongest shown" if len(eq_all) > len(eq_states) else ""),
        )
    )
    blocks.append(chart)
    stable = [n for n, k in held.items() if k == len(CONCEPTS)]
    if stable:
        head = (
            f"{len(stable)} of {plural(len(held), 'proposal')} would hold under every stability "
            f"concept ({series(stable)})"
        )
    elif held:
        head = "no proposal would hold under every stability concept"
    elif ctx.scenario.proposals:
        head = "no proposal could be analysed"
    else:
        head = "there is no proposal to test"
    parts = [head]
    reach = [names[s] for s in eq_states if sqa.steps[s] > 0]
    tail = (
        f"from the status quo, unilateral improvements lead to {series(reach)}"
        if reach
        else "from the status quo, no unilateral improvement leads to another equilibrium"
    )
    answer = "; ".join([*parts, tail]) + "."
    return Section(
        key=KEY,
        title=TITLE,
        question="Once agreed, would a package hold, or could a party gain by defecting on its own? "
        "And where does unilateral play lead from today's status quo?",
        answer=answer[:1].upper() + answer[1:],
        blocks=tuple(blocks),
        method=f"Graph model for conflict resolution derived from the scenario ({model.n_states:,} states, "
        f"{len(dms)} decision makers); stability {', '.join(CONCEPT_LABELS[c] for c in CONCEPTS)} "
        "exact over sparse move graphs (peacetable.conflict).",
    )
