"""``peacetable conflict``: graph-model stability of a conflict, its equilibria and paths to them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from peacetable.cli._common import answer, console, emit_json, handle_errors, open_session

if TYPE_CHECKING:
    from peacetable.conflict import ConflictModel, StabilityResult
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
    from peacetable.conflict.scenario import package_of

    if "scenario" in model.meta:
        info = model.meta["scenario"]
        pkg = package_of(model, state)
        return ", ".join(f"{i}={pkg[i]}" for i in info["controlled"])
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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Stability (Nash, GMR, SMR, SEQ, SIM) of every state, the equilibria and paths from a status quo.

    Example: peacetable conflict NK2017_original.gmcr --status-quo NNNN
    """
    import numpy as np

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
    console.rule("[bold]Equilibria")
    for c in result.equilibrium_concepts():
        eq = np.flatnonzero(result.equilibria_mask(c)).tolist()
        shown = ", ".join(_describe(model, s) for s in eq[:12]) + (" …" if len(eq) > 12 else "")
        console.print(f"  {c:>18}: {len(eq)} {'— ' + shown if eq else ''}")
    if groups is not None:
        eq = np.flatnonzero(groups.stable.all(axis=0)).tolist()
        shown = ", ".join(_describe(model, s) for s in eq[:12]) + (" …" if len(eq) > 12 else "")
        console.print(f"  {'coalition Nash':>18}: {len(eq)} {'— ' + shown if eq else ''}")
    if deal is not None:
        _print_deal(deal)
    if sq is not None:
        kind = "any unilateral moves" if all_moves else "unilateral improvements"
        console.rule(f"[bold]From the status quo {_describe(model, sq.status_quo)} by {kind}")
        console.print(f"  {int(np.count_nonzero(sq.steps >= 0)):,} states reachable")
        table = Table("equilibrium", "under", "moves", "path from the status quo")
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
                path or ("(status quo)" if sq.reachable(s) else ""),
            )
        console.print(table)


def _print_deal(deal: DealStability) -> None:
    data = deal.to_dict()
    name = deal.proposal or "the status quo"
    console.rule(f"[bold]Would {name} hold?")
    verdicts = ", ".join(f"{c}: {'yes' if v else 'no'}" for c, v in data["equilibrium"].items())
    console.print(f"  equilibrium (self-enforcing) — {verdicts}")
    if data["fixed_issues"]:
        console.print(
            f"  [dim]held fixed (no party controls them alone): {data['fixed_issues']}[/]"
        )
    for d in data["defections"]:
        changes = ", ".join(f"{i}: {c['from']} → {c['to']}" for i, c in d["changes"].items())
        console.print(f"  [bold]{d['party']}[/] gains {d['utility_gain']:+.3f} by {changes}")
        for c, steps in d["sanctions"].items():
            if steps is None:
                console.print(f"      {c}: [red]no sanction[/]")
            else:
                how = "; ".join(
                    f"{st['party']} "
                    + ", ".join(f"{i}→{x['to']}" for i, x in st["changes"].items())
                    for st in steps
                )
                console.print(f"      {c}: sanctioned by {how}")


def register(app: typer.Typer) -> None:
    """Add ``conflict`` to the main app."""
    app.command("conflict")(handle_errors(conflict_command))
