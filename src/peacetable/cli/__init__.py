"""The ``peacetable`` command.

Each lens adds its commands from its own module in this package through a
``register(app)`` function; the modules are listed in ``_COMMAND_MODULES``.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="peacetable",
    help="A workbench for mediators and analysts of multi-party negotiations.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

_COMMAND_MODULES: tuple[str, ...] = (
    "scenarios",
    "analyze",
    "conflict",
    "agreement",
    "forecast",
    "report",
    "improve",
    "uncertainty",
    "web",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(f"peacetable.cli.{_name}").register(app)


def main() -> None:
    """Entry point of the console script."""
    app()
