"""``peacetable simulate`` and ``peacetable tournament``: how would bargaining unfold?

Engines are imported inside the commands so that ``peacetable --help`` stays fast.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from peacetable.cli._common import (
    answer,
    console,
    dask_client,
    emit_json,
    handle_errors,
    load_scenario_arg,
    progress_reporter,
)
from peacetable.errors import InputError, Location

if TYPE_CHECKING:
    from peacetable.model import Scenario

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")]
StepsOpt = Annotated[int, typer.Option("--steps", help="Deadline in steps (rounds of offers).")]


def load_negotiation(arg: str | None) -> Scenario:
    """A scenario file or embedded id, a GENIUS XML folder, or a folder of GeniusWeb profiles."""
    if arg is not None:
        path = Path(arg)
        if path.is_dir():
            xml = sorted(path.glob("*.xml"))
            if xml:
                from peacetable.io.genius import find_genius_domain, load_genius

                domain, profiles = find_genius_domain([path])
                return load_genius(domain, profiles)
            profiles = sorted(path.glob("*.json"))
            if profiles:
                from peacetable.io.geniusweb import load_geniusweb

                return load_geniusweb(profiles)
            raise InputError(
                "the folder holds no GENIUS XML or GeniusWeb JSON files", Location(file=arg)
            )
    return load_scenario_arg(arg)


def _strategy_map(values: list[str] | None) -> tuple[dict[str, str], str | None]:
    """``PARTY=NAME`` entries and at most one bare ``NAME`` (the default for the others)."""
    named: dict[str, str] = {}
    default: str | None = None
    for v in values or []:
        party, sep, name = v.partition("=")
        if sep:
            named[party.strip()] = name.strip()
        elif default is None:
            default = v.strip()
        else:
            raise InputError(
                f"two default strategies ({default!r}, {v!r}); name parties as PARTY=NAME",
                Location(field="--strategy"),
            )
    return named, default


def simulate_command(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Scenario file or built-in id, a GENIUS XML folder or a GeniusWeb profile folder.",
            show_default="ukraine-2022",
        ),
    ] = None,
    protocol: Annotated[
        str, typer.Option("--protocol", help="sao (alternating offers) or single-text.")
    ] = "sao",
    strategy: Annotated[
        list[str] | None,
        typer.Option(
            "--strategy",
            help="PARTY=NAME (repeatable) or NAME for every party not named; "
            "e.g. boulware, genius-conceder, micro, tit-for-tat, frequency.",
        ),
    ] = None,
    mediator: Annotated[
        str, typer.Option("--mediator", help="Single text: veto, hill-climbing, maximin, raiffa.")
    ] = "maximin",
    steps: StepsOpt = 100,
    repetitions: Annotated[int, typer.Option("--repetitions", help="Negotiations to run.")] = 1,
    seed: SeedOpt = 0,
    discount: Annotated[float, typer.Option("--discount", help="Discount factor in (0, 1].")] = 1.0,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Wall-clock limit in seconds (sao).")
    ] = None,
    horizon: Annotated[
        float | None,
        typer.Option(
            "--horizon",
            help="Months of conflict the deadline spans: no-deal utilities then change by "
            "each party's monthly_change (default: they stay fixed).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """How would bargaining unfold? Simulate negotiations on a scenario.

    Runs seeded negotiations under stacked alternating offers (one strategy
    per party) or under a mediator's single text, and reports the agreement
    rate, when, on what, and how far from the Pareto frontier and the Nash
    point. With --horizon the no-deal utilities follow the scenario's
    disagreement model over that many months (the costs of conflict mount).

    \b
    Example: peacetable simulate laptop.yaml --strategy boulware --strategy buyer=micro --steps 100 --json
    """
    from peacetable.core import Session

    named, default = _strategy_map(strategy)
    session = Session(load_negotiation(scenario))
    found: Any = answer(
        session,
        "simulate",
        protocols=(protocol,),
        strategies=named,
        default_strategy=default or "boulware",
        mediator=mediator,
        n_steps=steps,
        repetitions=repetitions,
        seed=seed,
        discount=discount,
        time_limit=time_limit,
        horizon=horizon,
    )
    result = found.results[protocol]
    if as_json:
        emit_json({**result.to_dict(timing=False), "provenance": found.provenance.to_dict()})
        return
    _print_simulation(result, found.provenance.seconds)


def _fmt(stat: dict[str, Any], digits: int = 3) -> str:
    if stat["mean"] is None:
        return "–"
    return f"{stat['mean']:.{digits}f} [{stat['low']:.{digits}f}, {stat['high']:.{digits}f}]"


def _print_simulation(result: Any, seconds: float | None) -> None:
    from rich.table import Table

    console.print(f"[bold]{result.scenario}[/]: {result.headline()}.", highlight=False)
    s = result.summary
    a = s["agreement"]
    console.print(
        f"Agreement rate {100 * a['rate']:.1f}% (95% CI {100 * a['low']:.1f}–{100 * a['high']:.1f}%); "
        f"ends: {', '.join(f'{k} {v}' for k, v in result.ends.items() if v)}; "
        f"{result.n_outcomes:,} outcomes; seed {result.seed}; {seconds or 0.0:.2f} s.",
        highlight=False,
    )
    table = Table(title="Per party (mean [95% CI])", title_justify="left")
    for col in ("party", "strategy", "utility", "advantage over no deal"):
        table.add_column(col)
    names = [x.name for x in result.strategies] or ["(mediated)"] * len(result.party_ids)
    for pid, name in zip(result.party_ids, names, strict=True):
        table.add_row(pid, name, _fmt(s["utility"][pid]), _fmt(s["advantage"][pid]))
    console.print(table)
    console.print(
        f"Welfare {_fmt(s['welfare'])}; distance to the Pareto frontier {_fmt(s['pareto_distance'])}; "
        f"to the Nash point {_fmt(s['nash_distance'])}; worst-off gain {_fmt(s['min_gain'])}.",
        highlight=False,
    )
    for k, ag in enumerate(result.agreements, start=1):
        pkg = ", ".join(f"{i}={o}" for i, o in ag["package"].items())
        console.print(f"{k}. {ag['count']}× {pkg}", highlight=False)


def tournament_command(
    scenarios: Annotated[
        list[str] | None,
        typer.Argument(help="Scenario files, built-in ids or GENIUS/GeniusWeb folders."),
    ] = None,
    strategy: Annotated[
        list[str] | None,
        typer.Option("--strategy", help="Competing strategy (repeatable); default a standard set."),
    ] = None,
    steps: StepsOpt = 100,
    repetitions: Annotated[
        int, typer.Option("--repetitions", help="Negotiations per scenario and assignment.")
    ] = 10,
    seed: SeedOpt = 0,
    self_play: Annotated[
        bool, typer.Option("--self-play/--no-self-play", help="Strategies also meet themselves.")
    ] = True,
    random_scenarios: Annotated[
        int, typer.Option("--random-scenarios", help="Add this many random bilateral scenarios.")
    ] = 0,
    random_issues: Annotated[int, typer.Option("--random-issues", help="Issues of each.")] = 3,
    random_options: Annotated[
        int, typer.Option("--random-options", help="Options per issue.")
    ] = 10,
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes.")] = 1,
    use_dask: Annotated[
        bool, typer.Option("--dask", help="Run on a local 2-worker Dask cluster.")
    ] = False,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run on the Dask cluster at this ADDRESS.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Which strategy does best? Every strategy against every other, in every role.

    Runs stacked alternating offers for every scenario and every assignment of
    the strategies to the parties, ranks the strategies by their mean
    advantage over no deal (95% intervals). Same seed, same result, locally,
    in processes or on Dask.

    \b
    Example: peacetable tournament --random-scenarios 5 --strategy boulware --strategy micro --strategy genius-conceder --repetitions 20 --json
    """
    from rich.table import Table

    from peacetable.simulate.metrics import benchmarks_of
    from peacetable.simulate.space import outcome_space, random_space
    from peacetable.simulate.strategies import parse_strategy
    from peacetable.simulate.tournament import tournament

    if random_scenarios < 0:
        raise InputError("--random-scenarios must be at least 0")
    loaded = [load_negotiation(a) for a in scenarios or []]
    spaces = [outcome_space(sc) for sc in loaded]
    benches = [benchmarks_of(sp, sc) for sp, sc in zip(spaces, loaded, strict=True)]
    spaces += [
        random_space(2, random_issues, random_options, seed=seed * 100_003 + k)
        for k in range(random_scenarios)
    ]
    benches += [benchmarks_of(sp) for sp in spaces[len(loaded) :]]
    if not spaces:
        raise InputError("no scenario: name scenario files or use --random-scenarios N")
    names = strategy or [
        "boulware",
        "linear",
        "conceder",
        "genius-boulware",
        "micro",
        "tit-for-tat",
    ]
    chosen = [parse_strategy(n, field="--strategy") for n in names]
    with progress_reporter(not as_json) as report, dask_client(use_dask, scheduler) as client:
        if report is not None:
            report("negotiating", 0, 0)
        result = tournament(
            spaces,
            chosen,
            n_steps=steps,
            repetitions=repetitions,
            seed=seed,
            self_play=self_play,
            workers=workers,
            client=client,
            progress=None if report is None else partial(report, "negotiating"),
            benchmarks=benches,
        )
    if as_json:
        emit_json(result.to_dict())
        return
    console.print(
        f"[bold]Tournament[/]: {result.n_negotiations:,} negotiations, {len(result.scenarios)} "
        f"scenario(s), {len(result.strategies)} strategies, {steps} steps, seed {seed}, "
        f"{result.backend}, {result.timing['seconds']:.1f} s.",
        highlight=False,
    )
    table = Table(title="Ranking by mean advantage over no deal (95% CI)", title_justify="left")
    for col in ("#", "strategy", "advantage", "utility", "agreement", "distance to Nash"):
        table.add_column(col)
    for row in result.ranking:
        a = row["agreement"]
        table.add_row(
            str(row["rank"]),
            row["strategy"],
            _fmt(row["advantage"]),
            _fmt(row["utility"]),
            f"{100 * a['rate']:.1f}%",
            _fmt(row["nash_distance"]),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and ``tournament`` to the ``peacetable`` command."""
    app.command("simulate")(handle_errors(simulate_command))
    app.command("tournament")(handle_errors(tournament_command))
