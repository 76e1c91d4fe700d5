"""``peacetable improve``, ``linkage`` and ``convert``.

* ``improve PROPOSAL``: is the proposal efficient, who rejects it, what
  would it take (fewest provision changes), the deal-breakers, the single
  negotiating text from it and post-settlement improvements.
* ``linkage``: trades "I give way on A, you on B" for every pair of parties.
* ``convert``: GENIUS XML / GeniusWeb JSON to a scenario, and back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from peacetable.cli._common import (
    TimeLimitOpt,
    TradeProcessOpt,
    answer,
    approximation_note,
    console,
    emit_json,
    handle_errors,
    load_scenario_arg,
    open_session,
    progress_reporter,
    time_limit_setting,
)
from peacetable.defaults import DEFAULT_MAX_CHANGES, DEFAULT_TIME_LIMIT
from peacetable.errors import InputError, Location

if TYPE_CHECKING:
    from peacetable.analysis.amendments import ChangeSearch
    from peacetable.analysis.diagnostics import ProposalDiagnosis
    from peacetable.analysis.negotiating_text import PostSettlementResult, SingleTextResult

ScenarioOpt = Annotated[
    str | None,
    typer.Option(
        "--scenario",
        "-s",
        help="Scenario file (YAML/JSON) or built-in scenario id.",
        show_default="ukraine-2022",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _changes(changes: dict[str, tuple[str, str]]) -> str:
    return ", ".join(f"{i}: {a} → {b}" for i, (a, b) in changes.items())


def _gains(gains: dict[str, float]) -> str:
    return " ".join(f"{p} {(g if abs(g) >= 5e-4 else 0.0):+.3f}" for p, g in gains.items())


def _print_search(title: str, search: ChangeSearch) -> None:
    console.print(f"[bold]{title}[/] {search.statement}")
    for sol in search.solutions:
        console.print(f"  • {_changes(sol.changes)}   [dim]gains: {_gains(sol.gains)}[/]")
    if search.nearest is not None:
        near = search.nearest
        console.print(f"  • e.g. {_changes(near.changes)}   [dim]gains: {_gains(near.gains)}[/]")


def _print_diagnosis(d: ProposalDiagnosis) -> None:
    console.rule(f"[bold]{d.proposal or 'package'}")
    table = Table(title_justify="left")
    for col in ("party", "utility", "no deal", "verdict", "deal-breakers", "costs it most"):
        table.add_column(col, justify="right" if col in ("utility", "no deal") else "left")
    for view in d.parties:
        costly = "; ".join(
            f"{e.issue}={e.current} (−{e.loss:.3f}, best {e.best})"
            for e in view.provisions[:3]
            if e.loss > 0
        )
        table.add_row(
            view.party,
            f"{view.utility:.3f}",
            f"{view.no_deal:.3f}",
            "[green]accepts[/]" if view.accepts else "[red]rejects[/]",
            ", ".join(view.deal_breakers) or "—",
            costly or "—",
        )
    console.print(table)
    if d.efficient is None:  # infeasible (which constraint) or undecided (why)
        console.print(
            f"[yellow]Pareto-efficient:[/] {escape(d.efficiency_statement)}", highlight=False
        )
    elif d.efficient:
        console.print(
            "[green]Pareto-efficient:[/] no package is at least as good for all and better for one."
        )
    else:
        assert d.dominated_by is not None
        console.print(
            f"[yellow]not efficient:[/] e.g. {_changes(d.dominated_by.changes)} "
            f"[dim](gains: {_gains(d.dominated_by.gains)})[/]"
        )
    _print_search("Fewest-change Pareto improvements:", d.improvements)
    _print_search("Fewest changes acceptable to all:", d.acceptance)
    for party, search in d.fixes.items():
        _print_search(f"To win over {party}:", search)
    note = approximation_note(d)
    if note:
        console.print(f"[yellow]{escape(note)}[/]", highlight=False)


def _print_single_text(result: SingleTextResult) -> None:
    parties = list(result.drafts[0].utilities)
    table = Table(title=f"Single negotiating text ({result.rule})", title_justify="left")
    table.add_column("step", justify="right")
    table.add_column("amendment")
    for p in parties:
        table.add_column(p, justify="right")
    for d in result.drafts:
        text = (
            "start"
            if d.amendment is None
            else f"{d.amendment[0]}: {d.amendment[1]} → {d.amendment[2]}"
        )
        table.add_row(str(d.step), text, *(f"{d.utilities[p]:.3f}" for p in parties))
    console.print(table)
    verdict = (
        "of undecided efficiency (time limit)"
        if result.final_efficient is None
        else "Pareto-efficient"
        if result.final_efficient
        else "not Pareto-efficient"
    )
    stop = "at the time limit" if result.stopped == "time limit" else f"at a {result.stopped}"
    console.print(f"  stopped {stop}; final text is {verdict}")


def _print_post_settlement(result: PostSettlementResult) -> None:
    if result.efficient:
        console.print("[bold]Post-settlement:[/] none — the package is already efficient.")
        return
    console.print(
        f"[bold]Post-settlement:[/] {len(result.improvements)} efficient improvements on it"
    )
    if result.recommended is not None:
        rec = result.recommended
        console.print(
            f"  balanced (largest minimum gain): {_changes(rec.changes)} [dim]({_gains(rec.gains)})[/]"
        )


def improve_command(
    proposal: Annotated[
        str, typer.Argument(help="Proposal id of the scenario (e.g. seven-points).")
    ],
    scenario: ScenarioOpt = None,
    max_changes: Annotated[
        int,
        typer.Option(
            "--max-changes", "-k", min=0, help="Largest number of changed provisions searched."
        ),
    ] = DEFAULT_MAX_CHANGES,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Solutions listed per question.")
    ] = 5,
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
    trade_process: TradeProcessOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Is PROPOSAL efficient, who rejects it and what would it take; single text; post-settlement.

    --time-limit is shared: half for the diagnosis, the rest for the two single
    texts and the post-settlement search; what it cuts short is labelled.

    \b
    Example: peacetable improve seven-points --max-changes 2 --json
    """
    from peacetable.core import NotApplicable, Settings

    limit_s = time_limit_setting(time_limit)
    shares = {"diagnosis": 0.5, "single_text": 0.15, "post_settlement": 0.2}
    settings = Settings(
        max_changes=max_changes,
        time_limit=limit_s,
        trade_process=trade_process,
        lens_options={}
        if limit_s is None
        else {k: {"time_limit": limit_s * v} for k, v in shares.items()},
    )
    with progress_reporter(not as_json) as progress:
        session = open_session(scenario, settings, progress=progress)
        s = session.scenario
        diagnosis: Any = answer(session, "diagnosis", proposal=proposal, limit=limit)
        texts: dict[str, Any] = (
            {
                rule: session.result("single_text", start=proposal, rule=rule)
                for rule in ("unanimous", "maximin")
            }
            if diagnosis.feasible
            else {}
        )
        settlement: Any = (
            session.result("post_settlement", agreed=proposal) if diagnosis.feasible else None
        )
    if as_json:
        emit_json(
            {
                "scenario": s.id,
                "diagnosis": diagnosis.to_dict(),
                "single_text": {k: v.to_dict() for k, v in texts.items()},
                "post_settlement": settlement.to_dict() if settlement is not None else None,
            }
        )
        return
    _print_diagnosis(diagnosis)
    for rule, result in texts.items():
        if isinstance(result, NotApplicable):
            console.print(
                f"Single negotiating text ({rule}): not applicable: {escape(result.reason)}"
            )
        else:
            _print_single_text(result)
    if isinstance(settlement, NotApplicable):
        console.print(f"[bold]Post-settlement:[/] not applicable: {escape(settlement.reason)}")
    elif settlement is not None:
        _print_post_settlement(settlement)


def linkage_command(
    scenario: ScenarioOpt = None,
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference", "-r", help="Proposal id to trade from (default: the status quo)."
        ),
    ] = None,
    party: Annotated[
        list[str] | None, typer.Option("--party", "-p", help="Only these parties (repeatable).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Trades listed per pair.")] = 5,
    trade_process: TradeProcessOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Trades 'I give way on issue A, you on B' that both parties gain from, per pair.

    \b
    Example: peacetable linkage --reference seven-points --party RU --party UA
    """
    from peacetable.core import Settings

    session = open_session(scenario, Settings(trade_process=trade_process))
    s = session.scenario
    result: Any = answer(
        session,
        "linkage",
        reference=reference,
        parties=tuple(party) if party else None,
        limit=limit,
    )
    if as_json:
        emit_json({"scenario": s.id, **result.to_dict()})
        return
    console.print(f"[bold]Issue linkage[/] from {reference or 'the status quo'}")
    for pair in result.pairs:
        p, q = pair.parties
        if not pair.trades:
            console.print(f"  {p} ↔ {q}: no trade both gain from")
            continue
        table = Table(title=f"{p} ↔ {q}: {pair.n_trades} trades", title_justify="left")
        for col in (
            f"{p} gives",
            f"{q} gives",
            f"{p} gain",
            f"{q} gain",
            "joint",
            "third parties lose",
        ):
            table.add_column(col, justify="right" if "gain" in col or col == "joint" else "left")
        for t in pair.trades:
            table.add_row(
                f"{t.issue_a}: {t.move_a[0]} → {t.move_a[1]}",
                f"{t.issue_b}: {t.move_b[0]} → {t.move_b[1]}",
                f"{t.gains[p]:+.3f}",
                f"{t.gains[q]:+.3f}",
                f"{t.joint_gain:+.3f}",
                ", ".join(t.third_party_losers) or "—",
            )
        console.print(table)


def convert_command(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="GENIUS domain + profile XMLs (or their folder), GeniusWeb profile JSONs, "
            "or one scenario (file or built-in id) to export."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Scenario file to write, or folder for an export."),
    ],
    to: Annotated[
        str, typer.Option("--to", help="Export format for a scenario input: genius or geniusweb.")
    ] = "genius",
    scenario_id: Annotated[
        str | None, typer.Option("--id", help="Id of an imported scenario.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Convert GENIUS XML / GeniusWeb JSON profiles to a scenario, or a scenario to them.

    \b
    Example: peacetable convert Laptop/ -o laptop.yaml   (then: peacetable convert laptop.yaml -o out/ --to geniusweb)
    """
    from peacetable.io import save_scenario
    from peacetable.io.genius import save_genius
    from peacetable.io.geniusweb import save_geniusweb
    from peacetable.io.importers import import_negotiation

    warnings: list[str] = []
    imported = import_negotiation(inputs, scenario_id=scenario_id)
    if imported is not None:
        s, kind = imported
        written = [output]
    else:
        if len(inputs) != 1:
            raise InputError("export takes exactly one scenario (file or built-in id)")
        s = load_scenario_arg(inputs[0])
        if to == "genius":
            written, kind = save_genius(s, output), "scenario -> GENIUS"
        elif to == "geniusweb":
            (written, warnings), kind = save_geniusweb(s, output), "scenario -> GeniusWeb"
        else:
            raise InputError(
                f"unknown format {to!r}; use genius or geniusweb", Location(field="--to")
            )
    if kind.endswith("scenario"):
        if output.suffix.lower() not in (".yaml", ".yml", ".json"):
            raise InputError(
                "the output of an import is a scenario file (.yaml, .yml or .json)",
                Location(file=str(output)),
            )
        save_scenario(s, output)
    summary: dict[str, Any] = {
        "conversion": kind,
        "scenario": s.id,
        "parties": list(s.negotiating_party_ids),
        "issues": len(s.issues),
        "written": [str(p) for p in written],
        "warnings": warnings,
    }
    if as_json:
        emit_json(summary)
        return
    console.print(
        f"[bold]{kind}[/]: {s.id} ({len(summary['parties'])} parties, {len(s.issues)} issues)"
    )
    for p in written:
        console.print(f"  wrote {p}")
    for w in warnings:
        console.print(f"  [yellow]warning:[/] {w}")


def register(app: typer.Typer) -> None:
    """Add ``improve``, ``linkage`` and ``convert`` to the main app."""
    app.command("improve")(handle_errors(improve_command))
    app.command("linkage")(handle_errors(linkage_command))
    app.command("convert")(handle_errors(convert_command))
