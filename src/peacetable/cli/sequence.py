"""``peacetable sequence``: in what order reciprocal steps are implemented, phase by phase."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetable.cli._common import answer, console, emit_json, handle_errors, open_session
from peacetable.defaults import DEFAULT_SEED
from peacetable.errors import InputError, Location

if TYPE_CHECKING:
    from peacetable.sequence.result import SequenceResult

OBJECTIVE_HELP = "phases (fewest), duration (shortest), exposure (smallest maximum exposure)"


def _parse_readings(values: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        dispute, sep, reading = value.partition("=")
        if not sep or not dispute or not reading:
            raise InputError(
                f"--reading takes DISPUTE=READING, got {value!r}", Location(field="--reading")
            )
        out[dispute] = reading
    return out


def sequence_command(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Scenario file (YAML/JSON) or built-in scenario id.", show_default="ukraine-2022"
        ),
    ] = None,
    proposal: Annotated[
        str | None,
        typer.Option("--proposal", "-p", help="Proposal whose implementation plan to schedule."),
    ] = None,
    objective: Annotated[str, typer.Option("--objective", "-o", help=OBJECTIVE_HELP)] = "phases",
    self_enforcing: Annotated[
        bool,
        typer.Option("--self-enforcing", help="Require every phase to be self-enforcing too."),
    ] = False,
    reading: Annotated[
        list[str] | None,
        typer.Option(
            "--reading", "-r", help="Impose a reading of a disputed order: DISPUTE=READING."
        ),
    ] = None,
    max_phases: Annotated[
        int | None, typer.Option("--max-phases", min=1, help="Override the plan's phase limit.")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="CP-SAT random seed.")] = DEFAULT_SEED,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """A phased implementation schedule: exposure per party, self-enforcement, disputed orders.

    \b
    Example: peacetable sequence ukraine-2022 --objective duration --reading minsk=kyiv
    """
    from peacetable.core import Settings
    from peacetable.sequence.solver import OBJECTIVES

    if objective not in OBJECTIVES:
        raise InputError(
            f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}",
            Location(field="--objective"),
        )
    session = open_session(scenario, Settings(seed=seed))
    result: Any = answer(
        session,
        "sequence",
        proposal=proposal,
        objective=objective,
        self_enforcing=self_enforcing,
        max_phases=max_phases,
        readings=_parse_readings(reading),
    )
    if as_json:
        emit_json(result.to_dict())
        return
    _print(result)


def _print(result: SequenceResult) -> None:
    from rich.table import Table

    s = result.schedule
    head = f"[bold]{result.scenario_id}[/] · plan of [bold]{result.proposal}[/] · objective {s.objective}"
    console.print(head)
    if s.found:
        proof = "proven optimal" if s.proven_optimal else f"not proven optimal (gap {s.gap:.1%})"
        console.print(f"  schedule found: {s.objective} = {s.objective_value:g}, {proof}")
        table = Table("phase", "months", "steps", *(f"{p} exposure" for p in result.party_ids))
        for row in result.phases:
            label = str(row.phase) if row.phase is not None else "after"
            months = (
                f"{row.start_month:g}–{row.end_month:g}"
                if row.phase is not None
                else f"{row.start_month:g}"
            )
            table.add_row(
                label,
                months,
                ", ".join(row.units),
                *(f"{row.exposure[p]:+.3f}" for p in result.party_ids),
            )
        console.print(table)
        bounds = ", ".join(f"{p} {b:.3f}" for p, b in result.to_dict()["exposure_bounds"].items())
        console.print(f"  exposure bounds: {bounds}; safe: {_flags(result.safe)}")
        console.print(f"  self-enforcing at every phase: {_flags(result.self_enforcing)}")
    else:
        console.print(f"  [red]no schedule[/] ({s.status}) meets: {', '.join(result.required)}")
    if result.conflict is not None:
        c = result.conflict
        console.print(
            "  minimal conflicting set"
            + (" (verified minimal)" if c.verified_minimal else "")
            + ": "
            + ("; ".join(c.constraints) or "the plan's structure alone")
        )
    for opening in result.openings:
        if opening.units:
            units = ", ".join(opening.units)
            console.print(f"  opening by {opening.party}: {units} (gives up {opening.cost:.3f})")
        else:
            console.print(f"  opening by {opening.party}: none makes a schedule exist")
    for dispute, outcomes in result.comparisons.items():
        table = Table(
            "reading",
            "schedule",
            "phases",
            "months",
            *(f"worst {p}" for p in result.party_ids),
            "risk carried by",
            title=f"disputed order: {dispute}",
            title_justify="left",
        )
        for o in outcomes:
            worst = o.worst_exposure or {}
            table.add_row(
                o.name,
                o.status,
                "—" if o.n_phases is None else str(o.n_phases),
                "—" if o.duration_months is None else f"{o.duration_months:g}",
                *(f"{worst[p]:+.3f}" if p in worst else "—" for p in result.party_ids),
                o.risk_carrier or ("nobody" if o.found else "—"),
            )
        console.print(table)
    for note in result.notes:
        console.print(f"  [dim]{note}[/]")


def _flags(flags: dict[str, bool] | None) -> str:
    if flags is None:
        return "—"
    return ", ".join(f"{p} {'yes' if ok else 'no'}" for p, ok in flags.items())


def register(app: typer.Typer) -> None:
    """Add ``sequence`` to the main app."""
    app.command("sequence")(handle_errors(sequence_command))
