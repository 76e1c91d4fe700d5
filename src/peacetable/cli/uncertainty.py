"""``peacetable robustness`` and ``peacetable ripeness``: how sure, and when."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from peacetable.cli._common import (
    TimeLimitOpt,
    answer,
    console,
    dask_client,
    emit_json,
    handle_errors,
    open_session,
    progress_reporter,
    time_limit_setting,
)
from peacetable.defaults import (
    DEFAULT_HORIZON,
    DEFAULT_RIPENESS_SAMPLES,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_TIME_LIMIT,
)
from peacetable.errors import InputError

ScenarioArg = Annotated[
    str | None,
    typer.Argument(
        help="Scenario file (YAML/JSON) or built-in scenario id.", show_default="ukraine-2022"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")]


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def robustness_command(
    scenario: ScenarioArg = None,
    samples: Annotated[int, typer.Option("--samples", help="Sampled worlds.")] = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
    proposal: Annotated[
        list[str] | None,
        typer.Option("--proposal", help="Only these proposals (repeatable); default all."),
    ] = None,
    solutions: Annotated[
        bool, typer.Option("--solutions/--no-solutions", help="Also the bargaining solutions.")
    ] = True,
    search: Annotated[
        bool,
        typer.Option(
            "--search/--no-search", help="Search the whole space for the most robust package."
        ),
    ] = True,
    top: Annotated[int, typer.Option("--top", help="Most robust packages to list.")] = 3,
    use_dask: Annotated[
        bool, typer.Option("--dask", help="Run the sweep on a local 2-worker Dask cluster.")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run the sweep on the Dask cluster at this ADDRESS."),
    ] = None,
    chunk_size: Annotated[int, typer.Option("--chunk-size", help="Samples per chunk.")] = 16_384,
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
    as_json: JsonOpt = False,
) -> None:
    """How sure are we? Acceptance of each proposal when every estimate is uncertain (SMAA).

    Samples every uncertain estimate within its range and reports, per proposal
    and bargaining solution, the probability that each party and all parties
    accept, which estimate matters most, the package accepted by all in the
    most worlds (exact over the samples), and contingent terms. Without
    proposals it reports the bargaining solutions (the fair packages).
    --time-limit is shared: 30% for the bargaining solutions, 40% for the sweep, 30% for the
    search; what it cuts short is labelled.

    \b
    Example: peacetable robustness ukraine-2022 --samples 100000 --seed 1 --json
    """
    from peacetable.core import Settings

    if top < 1:
        raise InputError("--top must be at least 1")
    limit = time_limit_setting(time_limit)
    shares = {"solutions": 0.3, "robustness": 0.4, "robust_package": 0.3}
    options: dict[str, dict[str, Any]] = {
        key: {} if limit is None else {"time_limit": limit * share} for key, share in shares.items()
    }
    options["robustness"].update(include_solutions=solutions, chunk_size=chunk_size)
    settings = Settings(
        seed=seed,
        samples=samples,
        proposals=tuple(proposal) if proposal else None,
        time_limit=limit,
        lens_options=options,
    )
    with dask_client(use_dask, scheduler) as client, progress_reporter(not as_json) as progress:
        session = open_session(scenario, settings, progress=progress, client=client)
        sc = session.scenario
        result: Any = answer(session, "robustness")
        robust: Any = answer(session, "robust_package", top=top) if search else None
    contingent: Any = answer(session, "contingent")
    entries = list(result.packages)
    if as_json:
        emit_json(
            {
                "scenario": sc.id,
                "acceptability": result.to_dict(),
                "headlines": [result.headline(p.name) for p in entries if p.kind == "proposal"],
                "robust_package": None if robust is None else robust.to_dict(),
                "contingent": contingent.to_dict(),
            }
        )
        return
    console.print(
        f"[bold]{escape(sc.title)}[/]: {result.n_uncertain} uncertain estimates, "
        f"{result.n_samples:,} sampled worlds (seed {seed}, {result.backend}, "
        f"{result.provenance.seconds or 0.0:.1f} s). "
        "Probabilities are Monte Carlo estimates with 95% Wilson intervals.",
        highlight=False,
    )
    if result.n_samples < samples:
        console.print(
            f"[yellow]approximate:[/] {escape(result.provenance.bound or '')}", highlight=False
        )
    if not sc.proposals:
        console.print(
            "The scenario has no proposals: below are the bargaining solutions (the fair "
            "packages); acceptance of a draft needs a 'proposals' block.",
            highlight=False,
        )
    table = Table(title="Acceptance across plausible worlds", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("package")
    table.add_column("kind")
    table.add_column("all accept", justify="right")
    table.add_column("95% CI", justify="right")
    for pid in result.party_ids:
        table.add_column(pid, justify="right")
    table.add_column("accept nominally")
    for p in entries:
        lo, hi = p.p_all_interval
        nominal = [q for q, a in zip(p.party_ids, p.nominal_accepts, strict=True) if a]
        table.add_row(
            str(p.rank),
            p.name,
            p.kind,
            _pct(p.p_all),
            f"{_pct(lo)}–{_pct(hi)}",
            *(_pct(v) for v in p.p_party.values()),
            "all" if len(nominal) == len(p.party_ids) else ", ".join(nominal) or "none",
        )
    console.print(table)
    for p in entries:
        if p.name in result.sensitivity:
            console.print("• " + result.headline(p.name), highlight=False)
    if robust is not None:
        exactness = (
            f"exact over the {samples:,} worlds" if robust.proven else "best found, not proven"
        )
        console.print(
            f"\n[bold]Most robust packages[/] ({exactness}; "
            f"{robust.n_packages:,} packages, {robust.nodes:,} search nodes, "
            f"{robust.provenance.seconds or 0.0:.1f} s):"
        )
        if not robust.proven:
            console.print(
                f"[yellow]approximate:[/] {escape(robust.provenance.bound or '')}",
                highlight=False,
            )
        if not robust.top:
            console.print("[yellow]no package is accepted by all in any sampled world[/]")
        for k, t in enumerate(robust.top, start=1):
            low, high = wilson_interval_pct(t.count, samples)
            name = f" (= {t.proposal})" if t.proposal else ""
            console.print(
                f"{k}. {_pct(t.p_all)} [{low}–{high}]{name}: "
                + ", ".join(f"{i}={o}" for i, o in t.package.items()),
                highlight=False,
            )
    for term in contingent.terms:
        console.print(
            f"\n[bold]Contingent term[/] {term.issue}={term.option} (event {term.event}), "
            f"in package context of {', '.join(f'{i}={o}' for i, o in term.package.items())}:",
            highlight=False,
        )
        for cmp in term.comparisons:
            gains = ", ".join(f"{p} {g:+.3f}" for p, g in cmp.gains.items())
            console.print(
                f"  vs {cmp.alternative}: {gains} (total {cmp.total_gain:+.3f}; preferred by "
                f"{', '.join(cmp.preferred_by) or 'nobody'})",
                highlight=False,
            )


def wilson_interval_pct(count: int, n: int) -> tuple[str, str]:
    """A Wilson interval as two percentages."""
    from peacetable.core.sampling import wilson_interval

    lo, hi = wilson_interval(count, n)
    return _pct(lo), _pct(hi)


def ripeness_command(
    scenario: ScenarioArg = None,
    horizon: Annotated[
        int, typer.Option("--horizon", help="Months to look ahead.")
    ] = DEFAULT_HORIZON,
    samples: Annotated[
        int, typer.Option("--samples", help="Sampled worlds.")
    ] = DEFAULT_RIPENESS_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
    proposal: Annotated[
        str | None, typer.Option("--proposal", help="Proposal to follow (default: the first).")
    ] = None,
    hurt_threshold: Annotated[
        float,
        typer.Option("--hurt-threshold", help="Loss of no-deal utility that counts as hurting."),
    ] = 0.0,
    time_limit: TimeLimitOpt = DEFAULT_TIME_LIMIT,
    as_json: JsonOpt = False,
) -> None:
    """When does a deal become possible as the conflict goes on (ripeness)?

    Month by month: does a ZOPA exist (exactly, and as a probability over the
    uncertain estimates), whose pressure opens it, when the proposal is
    accepted by all, and whether the stalemate is mutually hurting (Zartman).

    \b
    Example: peacetable ripeness ukraine-2022 --horizon 36 --proposal seven-points --json
    """
    from peacetable.core import Settings

    settings = Settings(
        seed=seed,
        ripeness_samples=samples,
        horizon=horizon,
        time_limit=time_limit_setting(time_limit),
    )
    with progress_reporter(not as_json) as progress:
        session = open_session(scenario, settings, progress=progress)
        sc = session.scenario
        result: Any = answer(session, "ripeness", proposal=proposal, hurt_threshold=hurt_threshold)
    if as_json:
        emit_json({"scenario": sc.id, "ripeness": result.to_dict()})
        return
    console.print(f"[bold]{sc.title}[/]: {result.headline()}.", highlight=False)
    console.print(
        "No-deal utilities from month 0 to the horizon: "
        + ", ".join(f"{p} {v[0]:.3f} → {v[-1]:.3f}" for p, v in result.no_deal_path.items())
        + f". {samples:,} sampled worlds (seed {seed}); probabilities are estimates.",
        highlight=False,
    )
    if not result.complete:
        console.print(
            f"[yellow]approximate:[/] {escape(result.provenance.bound or '')}", highlight=False
        )
    alone = [f"{p}: month {m}" for p, m in result.alone.items() if m is not None]
    if alone:
        console.print("Pressure on one party alone would open a ZOPA — " + ", ".join(alone))
    table = Table(title_justify="left")
    table.add_column("month", justify="right")
    table.add_column("ZOPA")
    table.add_column("P(ZOPA)", justify="right")
    table.add_column("hurting stalemate")
    table.add_column("P(ripe)", justify="right")
    if result.proposal is not None:
        table.add_column(f"{result.proposal} accepted")
        table.add_column("P", justify="right")
    for m in result.months:
        row = [
            str(m.month),
            "?" if m.zopa is None else "yes" if m.zopa else "no",
            _pct(m.zopa_count / samples)
            + (f"–{_pct((m.zopa_count + m.zopa_undecided) / samples)}" if m.zopa_undecided else ""),
            "yes" if m.stalemate else "no",
            _pct(m.ripe_count / samples),
        ]
        if result.proposal is not None:
            row += ["yes" if m.proposal_accepted else "no", _pct((m.proposal_count or 0) / samples)]
        table.add_row(*row)
    console.print(table)
    from peacetable.analysis.ripeness import STALEMATE_DEFINITION

    console.print(
        STALEMATE_DEFINITION[0].upper()
        + STALEMATE_DEFINITION[1:]
        + f" (hurt_threshold {hurt_threshold:g}).",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``robustness`` and ``ripeness`` to the ``peacetable`` command."""
    app.command("robustness")(handle_errors(robustness_command))
    app.command("ripeness")(handle_errors(ripeness_command))
