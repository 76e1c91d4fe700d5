"""``peacetable scenarios …`` and ``peacetable schema``: list, show, validate, create scenarios."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from peacetable.cli._common import console, emit_json, handle_errors, load_scenario_arg, print_error
from peacetable.errors import InputError, ScenarioError
from peacetable.scenarios import builtin_summary, list_builtin

scenarios_app = typer.Typer(
    help="List, show, validate and create scenario files.",
    no_args_is_help=True,
    add_completion=False,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@scenarios_app.command("list")
@handle_errors
def list_command(as_json: JsonOpt = False) -> None:
    """List the embedded scenarios.

    \b
    Example: peacetable scenarios list
    """
    rows = [builtin_summary(sid) for sid in list_builtin()]
    if as_json:
        emit_json(rows)
        return
    table = Table(title="Embedded scenarios")
    for key in ("id", "title", "parties", "issues", "proposals"):
        table.add_column(key)
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table)


@scenarios_app.command("show")
@handle_errors
def show_command(
    scenario: Annotated[
        str, typer.Argument(help="Embedded scenario id or scenario file.")
    ] = "ukraine-2022",
    as_json: JsonOpt = False,
) -> None:
    """Show a scenario's parties, issues and proposals.

    \b
    Example: peacetable scenarios show ukraine-2022
    """
    s = load_scenario_arg(scenario)
    if as_json:
        from peacetable.io import scenario_to_data

        emit_json(scenario_to_data(s))
        return
    console.print(f"[bold]{s.title}[/] ({s.id})")
    if s.description:
        console.print(s.description.strip())
    from peacetable.core import prepare

    prepared = prepare(s)
    now = dict(zip(prepared.party_ids, prepared.no_deal.tolist(), strict=True))
    later = dict(zip(prepared.party_ids, prepared.no_deal_at(12).tolist(), strict=True))
    parties = Table(title="Parties")
    for col in ("id", "name", "role", "power", "no-deal utility", "after 12 months"):
        parties.add_column(col)
    for p in s.parties:
        negotiating = p.id in now
        parties.add_row(
            p.id,
            p.name,
            p.role,
            f"{p.power.value:.2f}",
            f"{now[p.id]:.2f}" if negotiating else "–",
            f"{later[p.id]:.2f}" if negotiating else "–",
        )
    console.print(parties)
    issues = Table(title="Issues")
    for col in ("#", "id", "name", "options (status quo first marked *)", "controlled by"):
        issues.add_column(col)
    for i in s.issues:
        opts = ", ".join(("*" if o.id == i.status_quo_option else "") + o.id for o in i.options)
        issues.add_row(
            "" if i.provision is None else str(i.provision),
            i.id,
            i.name,
            opts,
            ", ".join(i.controlled_by),
        )
    console.print(issues)
    proposals = Table(title="Proposals")
    for col in ("id", "name", "package (issues not listed stay at status quo)"):
        proposals.add_column(col)
    for pr in s.proposals:
        proposals.add_row(
            pr.id, pr.name, ", ".join(f"{k}={v}" for k, v in pr.package.items()) or "(none)"
        )
    console.print(proposals)


@scenarios_app.command("validate")
@handle_errors
def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Scenario files (YAML or JSON).")],
    as_json: JsonOpt = False,
) -> None:
    """Check scenario files; print every problem as file:line:col: field: message.

    \b
    Example: peacetable scenarios validate my-scenario.yaml
    """
    from peacetable.io import load_scenario

    report: list[dict[str, Any]] = []
    failed = False
    for path in files:
        try:
            s = load_scenario(path)
            report.append({"file": str(path), "valid": True, "id": s.id, "problems": []})
        except ScenarioError as exc:
            failed = True
            report.append(
                {"file": str(path), "valid": False, "problems": [str(p) for p in exc.problems]}
            )
    if as_json:
        emit_json(report)
    else:
        for entry in report:
            if entry["valid"]:
                console.print(f"[green]ok[/] {entry['file']} ({entry['id']})")
            for problem in entry["problems"]:
                print_error(problem)
    if failed:
        raise typer.Exit(2)


@scenarios_app.command("new")
@handle_errors
def new_command(
    file: Annotated[Path, typer.Argument(help="Where to write the template (YAML).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented scenario template to start from.

    \b
    Example: peacetable scenarios new my-talks.yaml
    """
    from peacetable.io import write_text_atomic

    if file.exists() and not force:
        raise InputError(f"{file} exists; use --force to overwrite it")
    text = resources.files("peacetable.scenarios").joinpath("template.yaml").read_text("utf-8")
    write_text_atomic(file, text)
    console.print(f"wrote {file}; edit it, then: peacetable scenarios validate {file}")


def schema_command(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file.")
    ] = None,
) -> None:
    """Print the JSON Schema of the scenario format (peacetable/1).

    \b
    Example: peacetable schema -o scenario.schema.json
    """
    from peacetable.io import scenario_json_schema, write_text_atomic

    text = json.dumps(scenario_json_schema(), indent=2) + "\n"
    if output is None:
        console.out(text, end="", highlight=False)
    else:
        write_text_atomic(output, text)


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the main app."""
    app.add_typer(scenarios_app, name="scenarios")
    app.command("schema")(handle_errors(schema_command))
