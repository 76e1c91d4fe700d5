"""Section "would a deal hold?": conflict stability of the proposals and of the status quo.

Reads the ``stability`` lens (:func:`~peacetable.conflict.deal_stability`) for
each proposal (is it an equilibrium; every way a decision maker can walk away
from it, every party's gain, and per concept whether and by whom it is
deterred) and for the status quo (the equilibria table and the state/move
graph). Decision makers come from control: parties that control an issue
together act as one bloc.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
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


#: Most defections described per proposal (those changing one issue come first).
MAX_DEFECTIONS = 6
#: Most proposals named in the section's answer.
MAX_IN_ANSWER = 3
#: How sure the move breaks the deal, by the lens verdict's ``certainty`` (else: the concepts).
SURE = {
    "certain": "under every concept",
    "replies_deter": "only if the others' replies are ignored (Nash)",
    "threat_only": "unless a sanction the sanctioner would not gain from is believed",
}


def _members(ctx: ReportContext, members: list[str]) -> str:
    """A decision maker in words: a party, or the parties of a bloc acting together."""
    names = series([ctx.party_name(q) for q in members])
    return names + (" (together)" if len(members) > 1 else "")


def _mover(ctx: ReportContext, model: Any, dm: int) -> str:
    return _members(ctx, model.meta["scenario"]["members"][model.dm_names[dm]])


def _breaking(ctx: ReportContext, data: dict[str, Any]) -> tuple[str, str, str] | None:
    """The lens verdict's move most likely to break the deal, short: (who, what, how sure)."""
    v = data["verdict"]
    if v["breaking"] is None:
        return None
    d = data["defections"][v["breaking"]["index"]]
    move = "; ".join(
        f"{ctx.issue_name(i)} to “{ctx.option_label(i, c['to'])}”" for i, c in d["changes"].items()
    )
    if d["no_deal"]:
        move += " (back to no deal)"
    elif d["voids_every_other_term"]:
        move += " (voiding every other term)"
    breaks = [CONCEPT_LABELS[c] for c in v["breaking"]["breaks_under"]]
    sure = SURE.get(v["certainty"]) or f"under {series(breaks)}"
    return _members(ctx, d["members"]), move, sure


@dataclass
class _Proposals:
    """Per proposal, from the ``stability`` lens: table rows, verdicts, defections, answers."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    verdicts: list[Markup | str] = field(default_factory=list)
    notes: list[Markup | str] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)
    #: (mover, move, how sure) -> tags of the proposals that move breaks most surely.
    breaks: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)


def _proposals(ctx: ReportContext) -> _Proposals:
    out = _Proposals()
    rows, notes, held = out.rows, out.notes, out.held
    for proposal in ctx.scenario.proposals:
        ds = ctx.session.result("stability", proposal=proposal.id)
        label = f"{ctx.proposal_tag(proposal.id)} · {proposal.name}"
        if not isinstance(ds, DealStability):
            rows.append((label, *(["—"] * (len(CONCEPTS) + 2))))
            reason = ds.to_dict().get("not_applicable", "")
            out.verdicts.append(f"{proposal.name}: not analysed ({reason}).")
            continue
        data = ds.to_dict()
        eq = data["equilibrium"]
        held[proposal.name] = sum(bool(eq.get(c)) for c in CONCEPTS)
        out.verdicts.append(f"{proposal.name}: {data['verdict']['text']}")
        breaking = _breaking(ctx, data)
        if breaking is not None:
            out.breaks.setdefault(breaking, []).append(ctx.proposal_tag(proposal.id))
        rows.append(
            (
                label,
                *(yes_no(bool(eq.get(c))) for c in CONCEPTS),
                *(
                    (f"{breaking[0]}: {breaking[1]}", breaking[2])
                    if breaking
                    else ("nobody gains by defecting", "—")
                ),
            )
        )
        defections = sorted(data["defections"], key=lambda d: len(d["changes"]))
        for d in defections[:MAX_DEFECTIONS]:
            notes.append(f"{proposal.name}: {d['text']}")
        if len(defections) > MAX_DEFECTIONS:
            notes.append(
                f"{proposal.name}: {len(defections) - MAX_DEFECTIONS} more defection(s), most "
                "changing several issues at once (peacetable conflict --proposal "
                f"{proposal.id} --all-defections)."
            )
    return out


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
    traces: list[Trace] = []
    seen: set[int] = set()
    for a, b, dm in sorted(edges):
        traces.append(
            Trace(
                name=f"move by {_mover(ctx, model, dm)}",
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


def _answer(props: _Proposals, reach: list[str]) -> str:
    """Which proposals hold; the moves that break the others (grouped), how sure; where
    unilateral play leads from the status quo."""
    held = props.held
    stable = [n for n, k in held.items() if k == len(CONCEPTS)]
    if stable:
        head = (
            f"{len(stable)} of {plural(len(held), 'proposal')} would hold under every stability "
            f"concept ({series(stable)})"
        )
    elif held:
        head = "No proposal would hold under every stability concept"
    elif props.rows:
        head = "No proposal could be analysed"
    else:
        head = "There is no proposal to test"
    sentences = [head + "."]
    groups = list(props.breaks.items())
    for (who, move, sure), tags in groups[:MAX_IN_ANSWER]:
        sentences.append(f"{who} setting {move} breaks {series(tags)} {sure}.")
    if len(groups) > MAX_IN_ANSWER:
        rest = sum(len(t) for _, t in groups[MAX_IN_ANSWER:])
        sentences.append(f"Other moves break {plural(rest, 'more proposal')} (below).")
    sentences.append(
        f"From the status quo, unilateral improvements lead to {series(reach)}."
        if reach
        else "From the status quo, no unilateral improvement leads to another equilibrium."
    )
    return " ".join(sentences)


def build(ctx: ReportContext) -> Section:
    """Build the section (see the module docstring)."""
    props = _proposals(ctx)
    rows, notes = props.rows, props.notes
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
    parties = model.meta["scenario"]["party_ids"]
    eq_rows = [
        (
            names[s],
            _state_label(ctx, model, s, base),
            *(fmt(float(util[s, k]), 2) for k in range(len(parties))),
            series([CONCEPT_LABELS[c] for c in CONCEPTS if masks[c][s]]),
            str(int(sqa.steps[s])) if sqa.steps[s] >= 0 else "not reachable",
        )
        for s in eq_states
    ]
    chart, _ = _graph(ctx, model, sq, eq_states, names, sqa, result)
    controlled = model.meta["scenario"]["controlled"]
    movers = {dm: _mover(ctx, model, k) for k, dm in enumerate(dms)}
    blocks: list[Block] = [
        para(
            "A package holds when no decision maker can gain by changing what it controls "
            f"({series([f'{ctx.issue_name(i)} by {movers[p]}' for i, p in controlled.items()])}); "
            "walking away counts: a term that holds only while another does (e.g. while a ceasefire "
            "lasts) lapses in the move that breaks it. Parties that control an issue together act "
            "as one decision maker ranking states by the sum of their utilities; each party's own "
            "gain is shown. The five stability concepts differ in how far ahead a party looks at "
            "the others' reactions (Nash: none; GMR, SMR: any sanction; SEQ: only sanctions the "
            "sanctioners gain from; SIM: sanctions made at the same time)."
        ),
    ]
    if rows:
        blocks.append(
            table(
                (
                    "proposal",
                    *(CONCEPT_LABELS[c] for c in CONCEPTS),
                    "move most likely to break it",
                    "breaks it",
                ),
                rows,
                caption="Is each proposal an equilibrium (self-enforcing), and if not, which "
                "defection breaks it under the most stability concepts?",
            )
        )
        blocks.append(tag("h3", "Would each proposal hold? Who can break it, and how sure"))
        blocks.append(bullets(props.verdicts))
        blocks.append(
            para(
                "How sure counts the stability concepts under which the move breaks the deal: "
                "under every concept, no reply by the others (credible or not, in turn or at "
                "once) leaves the mover no better off; a move deterred only under GMR and SMR "
                "is held back by a threat the others would not gain from carrying out. These "
                "verdicts use the scenario's point estimates of utilities."
            )
        )
    if notes:
        blocks.append(
            tag("h3", "Who gains by defecting alone (walking away included), and who deters it")
        )
        blocks.append(bullets(notes))
    blocks.append(tag("h3", "Equilibria around the status quo"))
    blocks.append(
        table(
            (
                "state",
                "package (changes from the status quo)",
                *(f"{ctx.party_name(q)} utility" for q in parties),
                "equilibrium under",
                "moves from status quo",
            ),
            eq_rows,
            numeric=(*range(2, 2 + len(parties)), 3 + len(parties)),
            caption=f"{plural(len(eq_all), 'equilibrium', 'equilibria')} among {plural(model.n_states, 'state')}"
            + (f"; the {len(eq_states)} strongest shown" if len(eq_all) > len(eq_states) else ""),
        )
    )
    blocks.append(chart)
    answer = _answer(props, [names[s] for s in eq_states if sqa.steps[s] > 0])
    return Section(
        key=KEY,
        title=TITLE,
        question="Once agreed, would a package hold, or could a party gain by defecting on its own? "
        "And where does unilateral play lead from today's status quo?",
        answer=answer,
        blocks=tuple(blocks),
        method=f"Graph model for conflict resolution derived from the scenario ({model.n_states:,} states, "
        f"{len(dms)} decision makers); stability {', '.join(CONCEPT_LABELS[c] for c in CONCEPTS)} "
        "exact over sparse move graphs (peacetable.conflict).",
    )
