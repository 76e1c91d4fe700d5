"""``peacetable serve`` (the mediation server) and ``peacetable record verify``.

Heavy imports (FastAPI, SQLAlchemy, uvicorn, cryptography) happen inside the
commands, so ``peacetable --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from peacetable.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    console,
    emit_json,
    handle_errors,
    print_error,
)
from peacetable.errors import InputError, Location

record_app = typer.Typer(
    help="The tamper-evident record of a negotiation.", no_args_is_help=True, add_completion=False
)


@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@localhost/peacetable "
            "(default: SQLite in the data directory).",
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder for the SQLite database and the key files (default: user data dir)."
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="Public address used in links, e.g. https://talks.example.org behind a proxy."
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str, typer.Option(help="Proxies whose X-Forwarded-For/-Proto are trusted.")
    ] = "127.0.0.1",
    hsts: Annotated[
        bool, typer.Option(help="Send Strict-Transport-Security (behind TLS).")
    ] = False,
    max_body_mb: Annotated[float, typer.Option(help="Largest request body accepted, MiB.")] = 2.0,
    new_setup_link: Annotated[
        bool, typer.Option(help="Print another one-time organiser set-up link.")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (rate limits count per process).")
    ] = 1,
) -> None:
    """Run the mediation server; on first start it prints a one-time set-up link.

    \b
    Example: peacetable serve --port 8000
    """
    from peacetable.web.config import WebSettings
    from peacetable.web.server import run

    settings = WebSettings(
        database_url=database_url,
        base_url=base_url or f"http://{host}:{port}",
        hsts=hsts,
        max_body_bytes=int(max_body_mb * 1024 * 1024),
    )
    if data_dir is not None:
        settings = settings.with_(data_dir=data_dir)
    run(
        settings,
        host,
        port,
        forwarded_allow_ips=forwarded_allow_ips,
        new_setup_link=new_setup_link,
        workers=workers,
        announce=lambda line: console.print(line, highlight=False, soft_wrap=True),
    )


def _read_json(path: Path, what: str) -> dict[str, object]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} is not JSON: {exc.msg}", Location(str(path), exc.lineno, exc.colno)
        ) from None
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text", Location(str(path))) from None
    if not isinstance(data, dict):
        raise InputError(f"{what} must be a JSON object", Location(str(path)))
    return data


@handle_errors
def verify(
    export: Annotated[Path, typer.Argument(help="An export or record download (JSON).")],
    checkpoint: Annotated[
        Path | None, typer.Option("--checkpoint", help="A checkpoint you kept from earlier.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Verify every entry, proof and signature of a record; name the first entry that fails.

    Exit code 0: it verifies; 1: it does not; 2: the files are not what they should be.

    \b
    Example: peacetable record verify talks-record.json --checkpoint my-checkpoint.json
    """
    from peacetable.web.verify import verify_export

    data = _read_json(export, "the export")
    cp = _read_json(checkpoint, "the checkpoint") if checkpoint is not None else None
    result = verify_export(data, cp)
    if as_json:
        emit_json(result.to_dict())
    else:
        console.print(
            f"record of negotiation {result.negotiation}: {result.size} entries, "
            f"root {result.root_hash}",
            highlight=False,
        )
        checks = ", ".join(f"{n} {k}" for k, n in result.checked.items())
        console.print(f"checked: {checks}", highlight=False)
        for finding in result.findings:
            print_error(finding.message)
        if result.ok:
            console.print("[green]the record verifies[/]")
        elif result.first_bad_entry is not None:
            console.print(f"[red]first entry that does not verify: {result.first_bad_entry}[/]")
        else:
            console.print("[red]the record does not verify[/]")
    if not result.ok:
        raise typer.Exit(EXIT_FAILURE)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``record verify`` to the ``peacetable`` command."""
    app.command("serve")(serve)
    record_app.command("verify")(verify)
    app.add_typer(record_app, name="record")


__all__ = ["EXIT_BAD_INPUT", "register"]
