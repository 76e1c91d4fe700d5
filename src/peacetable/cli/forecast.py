"""``peacetable forecast`` and ``peacetable forecast-eval``: where bargaining probably ends."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from peacetable.cli._common import answer, console, emit_json, handle_errors, open_session
from peacetable.defaults import DEFAULT_SEED

if TYPE_CHECKING:
    from peacetable.forecast.scenario import ScenarioForecast

_SCENARIO_SUFFIXES = {".yaml", ".yml", ".json"}


_DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".xml"}


def _is_data_file(arg: str) -> bool:
    path = Path(arg)
    suffix = path.suffix.lower()
    return suffix in _DATA_SUFFIXES or (path.is_file() and suffix not in _SCENARIO_SUFFIXES)


def _fmt(value: Any) -> str:
    return "—" if value is None else f"{value:.2f}"


def _print_problem_table(rows: list[dict[str, Any]], models: list[str], limit: int) -> None:
    table = Table(title="Forecast per issue", title_justify="left")
    table.add_column("issue")
    for m in models:
        table.add_column(m, justify="right")
    table.add_column("spread", justify="right")
    table.add_column("round 0 → last")
    table.add_column("outcome", justify="right")
    for row in rows[:limit]:
        traj = "; ".join(
            f"{m} {t['start']:.1f}→{t['end']:.1f}"
            for m, t in row["trajectory"].items()
            if t["start"] is not None and t["end"] is not None
        )
        table.add_row(
            str(row["issue"]),
            *(_fmt(row["forecast"].get(m)) for m in models),
            _fmt(row["spread"]),
            traj,
            _fmt(row.get("outcome")),
        )
    console.print(table)
    if len(rows) > limit:
        console.print(f"[dim]{len(rows) - limit} more issues not shown (use --limit or --json)[/]")


def _print_scenario_table(fc: ScenarioForecast) -> None:
    models = [m.model for m in fc.result.models]
    table = Table(
        title=f"Forecast per issue — {fc.scenario_id} (parties: "
        f"{', '.join(fc.result.problem.actors)})",
        title_justify="left",
    )
    table.add_column("issue")
    for m in models:
        table.add_column(m)
    table.add_column("spread", justify="right")
    rows = fc.issue_rows()
    problem_rows = {r["issue"]: r for r in fc.result.issue_rows()}
    for row in rows:
        table.add_row(
            row["issue"],
            *(
                f"{row['forecast'][m]['option']} ({_fmt(row['forecast'][m]['value'])})"
                for m in models
            ),
            _fmt(problem_rows[row["issue"]]["spread"]),
        )
    console.print(table)
    if fc.skipped_issues:
        console.print(
            "[dim]not forecast: "
            + "; ".join(f"{k} ({v})" for k, v in fc.skipped_issues.items())
            + "[/]"
        )
    console.print("[dim]values on 0–100 (option k of n at 100·k/(n−1)); nearest option shown[/]")


def forecast_command(
    source: Annotated[
        str | None,
        typer.Argument(
            help="Data file (BDM CSV, KTAB CSV/XML, Decide, DEU TSV) or scenario "
            "(file or embedded id; default: ukraine-2022)."
        ),
    ] = None,
    model: Annotated[
        list[str] | None,
        typer.Option(
            "--model",
            "-m",
            help="Model (repeatable): compromise, compromise_salience, median, nash, bdm, "
            "exchange, bdm_jmckib, bdm_dmasad.",
        ),
    ] = None,
    rounds: Annotated[int, typer.Option("--rounds", "-r", min=0, help="Rounds.")] = 10,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Tie-breaking seed (exchange).")
    ] = DEFAULT_SEED,
    include: Annotated[
        str, typer.Option("--include", help="Scenario parties: 'stakeholders' or 'all'.")
    ] = "stakeholders",
    limit: Annotated[int, typer.Option("--limit", min=1, help="Issues shown.")] = 40,
    trajectories: Annotated[
        bool, typer.Option("--trajectories", help="Include positions per round in --json.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Forecast where bargaining ends on each issue, per model, with round-by-round dynamics.

    \b
    Example: peacetable forecast emission_actors.csv --model bdm --rounds 10
    """
    from peacetable.forecast.engine import DEFAULT_MODELS, forecast
    from peacetable.forecast.readers import load_problem

    models = list(model) if model else list(DEFAULT_MODELS)
    if include not in ("stakeholders", "all"):
        raise typer.BadParameter("--include must be 'stakeholders' or 'all'")
    if source is not None and _is_data_file(source):
        problem = load_problem(source)
        result = forecast(problem, models, rounds=rounds, seed=seed)
        if as_json:
            emit_json(result.to_dict(include_trajectories=trajectories))
            return
        console.print(
            f"[bold]{problem.name}[/]: {problem.n_actors} actors × {problem.n_issues} issues; "
            f"{rounds} rounds, seed {seed}"
        )
        _print_problem_table(result.issue_rows(), [m.model for m in result.models], limit)
        return
    from peacetable.core import Settings

    session = open_session(source, Settings(seed=seed))
    fc: Any = answer(session, "forecast", models=tuple(models), rounds=rounds, include=include)
    if as_json:
        data = fc.to_dict()
        if trajectories:
            data["result"] = fc.result.to_dict()
        emit_json(data)
        return
    _print_scenario_table(fc)


def forecast_eval_command(
    source: Annotated[str, typer.Argument(help="Data set with known outcomes (e.g. DEU TSV).")],
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="Model (repeatable).")
    ] = None,
    rounds: Annotated[int, typer.Option("--rounds", "-r", min=0, help="Rounds.")] = 10,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=100, help="Resamples.")] = 2000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Seed (bootstrap, split, ties).")
    ] = DEFAULT_SEED,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score the models against known outcomes: MAE with bootstrap intervals.

    \b
    Example: peacetable forecast-eval ../shared/data/forecast-cases/deu3/deu3_blksv.tsv
    """
    from peacetable.forecast.evaluate import EVAL_MODELS, evaluate
    from peacetable.forecast.readers import load_problem

    problem = load_problem(source)
    res = evaluate(
        problem, list(model) if model else list(EVAL_MODELS), rounds=rounds,
        bootstrap=bootstrap, seed=seed,
    )  # fmt: skip
    if as_json:
        emit_json(res.to_dict())
        return
    console.print(
        f"[bold]{res.dataset}[/]: {res.n_scored} of {res.n_issues} issues have a known outcome; "
        f"baseline {res.baseline!r}; {res.bootstrap} bootstrap resamples, seed {res.seed}"
    )
    procs = sorted({p for s in res.scores for p in s.by_procedure})
    table = Table(title="Mean absolute error (95% bootstrap interval)", title_justify="left")
    for col in ("model", "n", "MAE", "95% CI", "Δ vs baseline (95% CI)", *procs):
        table.add_column(col, justify="left" if col == "model" else "right")
    for s in res.scores:
        table.add_row(
            s.model,
            str(s.n),
            f"{s.mae:.2f}",
            f"{s.ci[0]:.2f}–{s.ci[1]:.2f}",
            f"{s.diff_vs_baseline:+.2f} ({s.diff_ci[0]:+.2f}, {s.diff_ci[1]:+.2f})",
            *(
                f"{s.by_procedure[p]['mae']:.2f} (n={s.by_procedure[p]['n']})"
                if p in s.by_procedure
                else "—"
                for p in procs
            ),
        )
    console.print(table)
    for note in res.notes:
        console.print(f"• {note}")


def register(app: typer.Typer) -> None:
    """Add the forecasting commands to *app*."""
    app.command("forecast")(handle_errors(forecast_command))
    app.command("forecast-eval")(handle_errors(forecast_eval_command))
