"""``peacetable analyze``: the mediator's questions, answered for each proposal.

Output is organised by question (would it be accepted? …), not by engine.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from peacetable.analysis.acceptance import ProposalEvaluation, evaluate_proposals
from peacetable.cli._common import console, emit_json, handle_errors, load_scenario_arg
from peacetable.model import Scenario, compile_scenario


def _scenario_summary(scenario: Scenario) -> dict[str, Any]:
    cs = compile_scenario(scenario)
    return {
        "id": scenario.id,
        "title": scenario.title,
        "negotiating_parties": list(cs.party_ids),
        "issues": list(cs.issue_ids),
        "n_packages": cs.n_packages,
    }


def _print_acceptance(evaluations: list[ProposalEvaluation]) -> None:
    console.rule("[bold]Would each proposal be accepted?")
    console.print(
        "A party accepts when the package is worth at least its no-deal utility (its BATNA); "
        "utilities are on a 0–1 scale."
    )
    for ev in evaluations:
        table = Table(title=f"{ev.name} [dim]({ev.proposal})[/]", title_justify="left")
        for col in (
            "party",
            "utility",
            "no deal",
            "margin",
            "verdict",
            "provisions that cost it most",
        ):
            table.add_column(
                col, justify="right" if col in ("utility", "no deal", "margin") else "left"
            )
        for v in ev.parties:
            costs = "; ".join(
                f"{c.issue}={c.option} (−{c.loss:.3f}, best {c.best_option})" for c in v.costliest
            )
            table.add_row(
                v.party,
                f"{v.utility:.3f}",
                f"{v.no_deal:.3f}",
                f"{v.margin:+.3f}",
                "[green]accepts[/]" if v.accepts else "[red]rejects[/]",
                costs,
            )
        console.print(table)
        colour = "green" if ev.accepted_by_all else "red"
        console.print(f"  verdict: [{colour}]{ev.verdict}[/]\n")


def analyze_command(
    scenario: Annotated[
        str | None, typer.Argument(help="Scenario file or embedded id (default: ukraine-2022).")
    ] = None,
    proposal: Annotated[
        list[str] | None,
        typer.Option("--proposal", "-p", help="Focus on this proposal (repeatable)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (stable keys; see README).")
    ] = False,
) -> None:
    """Analyse each proposal: who accepts, who rejects and which provisions cost them most.

    Example: peacetable analyze --proposal seven-points
    """
    s = load_scenario_arg(scenario)
    evaluations = evaluate_proposals(s, proposal)
    if as_json:
        emit_json(
            {"scenario": _scenario_summary(s), "proposals": [e.to_dict() for e in evaluations]}
        )
        return
    summary = _scenario_summary(s)
    console.print(
        f"[bold]{s.title}[/] — {len(summary['negotiating_parties'])} negotiating parties, "
        f"{len(summary['issues'])} issues, {summary['n_packages']:,} possible packages"
    )
    _print_acceptance(evaluations)


def register(app: typer.Typer) -> None:
    """Add ``analyze`` to the main app."""
    app.command("analyze")(handle_errors(analyze_command))
