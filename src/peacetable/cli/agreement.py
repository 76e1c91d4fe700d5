"""``peacetable frontier``, ``peacetable solve`` and ``peacetable zopa``: the agreement space."""

from __future__ import annotations

from typing import Annotated, Any

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
    open_session,
    progress_reporter,
    time_limit_setting,
)
from peacetable.defaults import DEFAULT_TIME_LIMIT
from peacetable.errors import InputError

ScenarioArg = Annotated[
    str | None,
    typer.Argument(
        help="Scenario file (YAML/JSON) or built-in scenario id.",
        show_default="ukraine-2022",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _package_text(package: dict[str, str] | None) -> str:
    if package is None:
        return "—"
    return ", ".join(f"{k}={v}" for k, v in package.items())


def frontier_command(
    scenario: ScenarioArg = None,
    acceptable_only: Annotated[
        bool,
        typer.Option("--acceptable-only", help="Only packages every party prefers to no deal."),
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="Rows to print (table output).")] = 30,
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
    as_json: JsonOpt = False,
) -> None:
    """Exact Pareto frontier of the scenario's packages (no enumeration).

    When the frontier is too large to build within the time and memory
    limits (e.g. many parties: nearly every package is efficient), it stops
    with its growth so far and what to ask instead.

    \b
    Example: peacetable frontier ukraine-2022 --acceptable-only --json
    """
    from peacetable.core import Settings

    if limit < 0:
        raise InputError("--limit must be non-negative")
    with progress_reporter(not as_json) as progress:
        session = open_session(
            scenario, Settings(time_limit=time_limit_setting(time_limit)), progress=progress
        )
        sc, space = session.scenario, session.prepared.space
        result: Any = answer(session, "frontier", acceptable_only=acceptable_only)
    if as_json:
        emit_json({"scenario": sc.id, "space": space.summary(), "frontier": result.to_dict()})
        return
    console.print(
        f"[bold]{sc.title}[/]: {space.n_packages:,} packages, {space.n_feasible:,} feasible, "
        f"{len(space.groups)} independent issue groups"
    )
    which = "acceptable to all" if acceptable_only else "all feasible packages"
    console.print(
        f"Pareto frontier ({which}): [bold]{result.size}[/] points, method {result.method}, "
        f"{approximation_note(result) or 'exact'}, "
        f"{(result.provenance.seconds or 0.0) * 1000:.1f} ms"
    )
    if result.size == 0:
        console.print("[yellow]no package qualifies[/]")
        return
    table = Table(title_justify="left")
    table.add_column("#", justify="right")
    for pid in result.party_ids:
        table.add_column(pid, justify="right")
    table.add_column("ties", justify="right")
    table.add_column("package (one of the ties)")
    reps = result.representatives()[:limit]
    ties = result.tie_counts()
    accepts = space.accepts_utilities(result.points[:limit])
    for j, (pt, pkg) in enumerate(zip(result.points[:limit], reps, strict=False)):
        marks = [
            f"[green]{v:.3f}[/]" if ok else f"[red]{v:.3f}[/]"
            for v, ok in zip(pt, accepts[j], strict=True)
        ]
        table.add_row(str(j), *marks, str(ties[j]), _package_text(space.package_dict(pkg)))
    console.print(table)
    if result.size > limit:
        console.print(f"[dim]… {result.size - limit} more (use --limit or --json)[/]")


def solve_command(
    scenario: ScenarioArg = None,
    method: Annotated[
        str, typer.Option("--method", help="auto (frontier, MILP if too large), frontier or milp.")
    ] = "auto",
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
    trade_process: TradeProcessOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Bargaining solutions: Nash, Kalai–Smorodinsky, utilitarian, maximin gain, leximin.

    A solution whose program the time limit stops is the best package found,
    labelled approximate with the solver's bound on how far off it may be.

    \b
    Example: peacetable solve ukraine-2022 --json
    """
    from peacetable.core import Settings

    with progress_reporter(not as_json) as progress:
        session = open_session(
            scenario,
            Settings(time_limit=time_limit_setting(time_limit), trade_process=trade_process),
            progress=progress,
        )
        sc, space = session.scenario, session.prepared
        sols: Any = answer(session, "solutions", method=method)
    if as_json:
        emit_json(
            {
                "scenario": sc.id,
                "no_deal": dict(zip(space.party_ids, space.no_deal.tolist(), strict=True)),
                "solutions": sols.to_dict(),
            }
        )
        return
    table = Table(
        title=f"Bargaining solutions — {sc.title} (gains over no deal)", title_justify="left"
    )
    table.add_column("solution")
    for pid in space.party_ids:
        table.add_column(pid, justify="right")
    table.add_column("method")
    for name, s in sols.items():
        gains = [f"{g:+.3f}" for g in s.gains] if s.gains else ["—"] * space.n_parties
        table.add_row(name, *gains, s.method + ("" if s.exact else " (approx.)"))
    console.print(table)
    for name, s in sols.items():
        text = _package_text(s.package) if s.package else f"[yellow]{s.note}[/]"
        console.print(f"[bold]{name}[/]: {text}", highlight=False)
        note = approximation_note(s)
        if note:
            console.print(f"  [yellow]{escape(note)}[/]", highlight=False)


def zopa_command(
    scenario: ScenarioArg = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the estimate (huge spaces).")] = 0,
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
    as_json: JsonOpt = False,
) -> None:
    """Zone of possible agreement: does it exist, how large, best package per party.

    \b
    Example: peacetable zopa ukraine-2022 --json
    """
    from peacetable.core import Settings

    settings = Settings(seed=seed, time_limit=time_limit_setting(time_limit))
    with progress_reporter(not as_json) as progress:
        session = open_session(scenario, settings, progress=progress)
        sc, space = session.scenario, session.prepared.space
        res: Any = answer(session, "zopa")
    if as_json:
        emit_json({"scenario": sc.id, "zopa": res.to_dict()})
        return
    if res.exists is None:
        console.print(
            "[yellow]ZOPA undecided[/]: no package acceptable to every party was found within "
            f"the time limit ({escape(approximation_note(res) or '')})",
            highlight=False,
        )
        return
    if not res.exists:
        console.print(
            f"[red]No ZOPA[/]: none of the {space.n_feasible:,} feasible packages is acceptable "
            "to every party."
        )
        return
    how = (
        "exact"
        if res.count_is_exact
        else f"estimate, {res.confidence:.0%} CI {res.ci}, seed {res.seed}, "
        f"{res.provenance.samples:,} draws"
    )
    console.print(
        f"[green]ZOPA exists[/]: {res.count:,} of {space.n_feasible:,} feasible packages "
        f"({res.fraction:.2%}; {how})"
    )
    table = Table(title="Acceptable package best for each party", title_justify="left")
    table.add_column("party")
    for pid in space.party_ids:
        table.add_column(pid, justify="right")
    table.add_column("package")
    loose = []
    for pid, entry in res.best_for_party.items():
        table.add_row(
            pid,
            *(f"{entry['utilities'][q]:.3f}" for q in space.party_ids),
            _package_text(entry["package"]),
        )
        if "at_most" in entry:
            loose.append(f"{pid} ≤ {entry['at_most']:.3f}")
    console.print(table)
    if loose:
        console.print(
            "[yellow]approximate:[/] the time limit stopped the search for the best package of "
            f"{len(loose)} parties; their best utility is at most: " + ", ".join(loose),
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    """Add the agreement-space commands to *app*."""
    app.command("frontier")(handle_errors(frontier_command))
    app.command("solve")(handle_errors(solve_command))
    app.command("zopa")(handle_errors(zopa_command))
