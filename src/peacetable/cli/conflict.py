"""``peacetable conflict``: graph-model stability of a conflict, its equilibria and paths to them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from peacetable.cli._common import answer, console, emit_json, handle_errors, open_session

if TYPE_CHECKING:
    from peacetable.conflict import (
        CoalitionResult,
        ConflictModel,
        StabilityResult,
        StatusQuoResult,
    )
    from peacetable.conflict.scenario import DealStability

MAX_TABLE_ROWS = 64
#: The stability concepts (listed in ``--help`` without importing the engine).
CONCEPT_NAMES = ("nash", "gmr", "smr", "seq", "sim")


def load_conflict(
    target: str, proposal: str | None = None, concepts: tuple[str, ...] = CONCEPT_NAMES
) -> tuple[ConflictModel, DealStability | None]:
    """A conflict from a ``.gmcr`` file, a transcribed-model JSON, a scenario file or a scenario id.

    A scenario's conflict comes from the session's ``stability`` lens.
    """
    from peacetable.conflict import read_gmcr, read_transcribed
    from peacetable.io.json_parse import parse_json
    from peacetable.io.textfiles import read_text

    path = Path(target)
    if path.suffix.lower() == ".gmcr":
        return read_gmcr(path), None
    if path.suffix.lower() == ".json" and path.exists():
        data, _ = parse_json(read_text(path), str(path))
        if isinstance(data, dict) and "decisionMakers" in data:
            return read_gmcr(path, name=path.stem), None
        if isinstance(data, dict) and "states" in data and "options" in data:
            return read_transcribed(
                path, name=str(data.get("case") or path.name.split(".")[0])
            ), None
    session = open_session(target)
    deal: Any = answer(session, "stability", proposal=proposal, concepts=concepts)
    return deal.model, deal


def _describe(model: ConflictModel, state: int) -> str:
    """A state: the moved issues' options, and which held terms have lapsed."""
    from peacetable.conflict.scenario import package_of

    if "scenario" in model.meta:
        info = model.meta["scenario"]
        pkg = package_of(model, state)
        text = ", ".join(f"{i}={pkg[i]}" for i in info["controlled"])
        lapsed = [i for i in info["voidable"] if pkg[i] != info["held"][i]]
        return text + (f"; lapsed: {', '.join(lapsed)}" if lapsed else "")
    return model.yn(state)


def _stability_table(result: StabilityResult, states: list[int]) -> Table:
    m = result.model
    table = Table(
        title="Stability per state (DMs for whom the state is stable; ★ = equilibrium)",
        title_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("state")
    table.add_column("payoffs", justify="right")
    for c in result.concepts:
        table.add_column(c.upper() if c != "nash" else "R")
    initials = [d[:12] for d in m.dm_names]
    for s in states:
        cells = []
        for c in result.concepts:
            who = [initials[i] for i in range(m.n_dms) if result.stable[c][i, s]]
            eq = len(who) == m.n_dms
            cells.append("★ all" if eq else ", ".join(who) or "—")
        table.add_row(
            str(s), _describe(m, s), " ".join(str(int(p)) for p in m.payoffs[:, s]), *cells
        )
    return table


def conflict_command(
    target: Annotated[
        str, typer.Argument(help="A .gmcr file, a transcribed-model .json, a scenario file or id.")
    ],
    status_quo: Annotated[
        str | None,
        typer.Option(
            "--status-quo", "-s", help="Starting state: Y/N pattern, decimal code or #index."
        ),
    ] = None,
    proposal: Annotated[
        str | None,
        typer.Option(
            "--proposal", "-p", help="Scenario proposal to analyse (default: status quo)."
        ),
    ] = None,
    concept: Annotated[
        list[str] | None,
        typer.Option(
            "--concept", "-c", help=f"Concepts (default all): {', '.join(CONCEPT_NAMES)}."
        ),
    ] = None,
    all_moves: Annotated[
        bool,
        typer.Option(
            "--all-moves", help="Status quo paths may use any move, not only improvements."
        ),
    ] = False,
    all_states: Annotated[
        bool, typer.Option("--all-states", help="List every state, not only equilibria.")
    ] = False,
    coalitions: Annotated[
        bool, typer.Option("--coalitions", help="Also run coalition analysis (every coalition).")
    ] = False,
    all_defections: Annotated[
        bool,
        typer.Option(
            "--all-defections",
            help="With --proposal: list every defection, also those changing several issues.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Stability (Nash, GMR, SMR, SEQ, SIM) of every state, the equilibria and paths from a status quo.

    With a scenario and --proposal: would the deal hold? Every way a party (or parties that
    control an issue together) can walk away from it, who gains, and who could deter it.

    \b
    Example: peacetable conflict ukraine-2022 --proposal seven-points
    """

    from peacetable.conflict import analyze, coalition_analysis, status_quo_analysis

    concepts = tuple(concept) if concept else CONCEPT_NAMES
    model, deal = load_conflict(target, proposal, concepts)
    if deal is not None and tuple(deal.result.concepts) == concepts:
        result = deal.result
    else:
        result = analyze(model, concepts)
    if status_quo is not None:
        start = model.parse_state(status_quo)
    elif deal is not None:
        start = deal.state
    else:
        start = None
    sq = None
    if deal is not None and start == deal.state and not all_moves:
        sq = deal.paths
    elif start is not None:
        sq = status_quo_analysis(model, start, improvements_only=not all_moves, stability=result)
    groups = coalition_analysis(model, reach=result.reach) if coalitions else None
    if as_json:
        out: dict[str, Any] = {"model": model.to_dict(), "stability": result.to_dict()}
        if deal is not None:
            out["deal"] = deal.to_dict()
        if sq is not None:
            out["status_quo"] = sq.to_dict()
        if groups is not None:
            out["coalitions"] = groups.to_dict()
        emit_json(out)
        return
    console.print(
        f"[bold]{model.name}[/] — {model.n_dms} decision makers ({', '.join(model.dm_names)}), "
        f"{model.n_options} options, {model.n_states:,} feasible states"
    )
    _print_states(result, start, all_states)
    _print_equilibria(result, groups)
    if deal is not None:
        _print_deal(deal, all_defections)
    if sq is not None:
        _print_paths(sq, deal, all_moves)


def _print_states(result: StabilityResult, start: int | None, all_states: bool) -> None:
    """The stability table: equilibria (or every state), and the starting state."""
    import numpy as np

    model = result.model
    eq_any = np.zeros(model.n_states, dtype=bool)
    for c in result.concepts:
        eq_any |= result.equilibria_mask(c)
    rows = list(range(model.n_states)) if all_states else np.flatnonzero(eq_any).tolist()
    if len(rows) > MAX_TABLE_ROWS:
        console.print(
            f"[dim]showing the first {MAX_TABLE_ROWS} of {len(rows)} states (use --json for all)[/]"
        )
        rows = rows[:MAX_TABLE_ROWS]
    if start is not None and start not in rows:
        rows = [start, *rows]
    console.print(_stability_table(result, rows))


def _print_equilibria(result: StabilityResult, groups: CoalitionResult | None) -> None:
    import numpy as np

    model = result.model
    console.rule("[bold]Equilibria")
    masks = {c: result.equilibria_mask(c) for c in result.equilibrium_concepts()}
    if groups is not None:
        masks["coalition Nash"] = np.asarray(groups.stable.all(axis=0), dtype=bool)
    for c, mask in masks.items():
        eq = np.flatnonzero(mask).tolist()
        shown = " | ".join(_describe(model, s) for s in eq[:12]) + (" …" if len(eq) > 12 else "")
        console.print(f"  {c:>18}: {len(eq)} {'— ' + shown if eq else ''}")


def _print_paths(sq: StatusQuoResult, deal: DealStability | None, all_moves: bool) -> None:
    """Which equilibria unilateral moves reach from the starting state, and how."""
    model = sq.model
    kind = "any unilateral moves" if all_moves else "unilateral improvements"
    start_name = (
        deal.proposal
        if deal is not None and deal.proposal and sq.status_quo == deal.state
        else f"the status quo {_describe(model, sq.status_quo)}"
    )
    console.rule(f"[bold]From {start_name} by {kind}")
    console.print(f"  {int((sq.steps >= 0).sum()):,} states reachable")
    table = Table("equilibrium", "under", "moves", "path from the starting state")
    states = sorted(
        {s for eq in sq.equilibria.values() for s in eq}, key=lambda s: (sq.steps[s] < 0, s)
    )
    for s in states[:MAX_TABLE_ROWS]:
        under = ", ".join(
            c for c, eq in sq.equilibria.items() if s in eq and c != "seq_or_sim_per_dm"
        )
        path = " → ".join(
            f"{model.dm_names[st.dm]}: {_describe(model, st.target)}" for st in sq.path(s)
        )
        moves = str(int(sq.steps[s])) if sq.reachable(s) else "[dim]unreachable[/]"
        table.add_row(
            _describe(model, s),
            under,
            moves,
            path or ("(start)" if sq.reachable(s) else ""),
        )
    console.print(table)


def _print_deal(deal: DealStability, all_defections: bool = False) -> None:
    """Would the deal hold: decision makers, verdicts and every defection in words."""
    from rich.markup import escape

    from peacetable.conflict.scenario import SHORT

    data = deal.to_dict()
    name = deal.proposal or "the status quo"
    console.rule(f"[bold]Would {name} hold?")
    verdicts = ", ".join(
        f"{SHORT.get(c, c)} {'yes' if v else 'no'}"
        for c, v in data["equilibrium"].items()
        if c in SHORT
    )
    console.print(f"  Self-enforcing (an equilibrium): {verdicts}")
    console.print("  Decision makers (from control):")
    for dm in data["decision_makers"]:
        who = " and ".join(deal.names.get(q, q) for q in dm["members"])
        together = " acting together" if len(dm["members"]) > 1 else ""
        console.print(
            f"    [bold]{escape(dm['name'])}[/] = {escape(who)}{together}: {', '.join(dm['controls'])}"
        )
    if any(len(dm["members"]) > 1 for dm in data["decision_makers"]):
        console.print(f"  [dim]Joint control: {escape(data['joint_control'])}.[/]")
    if data["held_issues"]:
        held = ", ".join(f"{i}={o}" for i, o in data["held_issues"].items())
        console.print(f"  [dim]Held (no decision maker moves them): {escape(held)}[/]")
    if data["voidable_issues"] or data["requires"]:
        console.print(
            "  [dim]A term with a requirement (issues[].requires) lapses, back to its status "
            "quo, in the move that breaks the requirement.[/]"
        )
    console.print(f"  [bold]Verdict:[/] {escape(data['verdict']['text'])}")
    defections = data["defections"]
    shown = defections if all_defections else [d for d in defections if len(d["changes"]) == 1]
    if not defections:
        console.print("  Nobody gains by moving away from it: it holds under every concept.")
    else:
        console.print(
            f"  {len(defections)} profitable defection(s); under Nash (R) each breaks the deal:"
        )
    for d in shown:
        console.print(f"  • {escape(d['text'])}")
    hidden = len(defections) - len(shown)
    if hidden:
        console.print(
            f"  [dim]… and {hidden} defection(s) that change several issues at once "
            "(--all-defections or --json)[/]"
        )


def register(app: typer.Typer) -> None:
    """Add ``conflict`` to the main app."""
    app.command("conflict")(handle_errors(conflict_command))
