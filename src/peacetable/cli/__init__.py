"""The ``peacetable`` command.

Surface commands (``scenarios``, ``analyze``, ``report``, and ``serve`` /
``record`` of the mediation server in ``web``) are listed in
``_COMMAND_MODULES``; each lens's commands come from the module the lens
registry names for it (:func:`peacetable.core.registry.cli_modules`). Every
module adds its commands through ``register(app)`` and imports its engine
only inside the commands, so ``peacetable --help`` starts fast.
"""

from __future__ import annotations

import importlib

import typer

from peacetable.core.registry import cli_modules

app = typer.Typer(
    name="peacetable",
    help="A workbench for mediators and analysts of multi-party negotiations.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

#: Command modules that are surfaces, not lenses (listed before the lenses' own).
_COMMAND_MODULES: tuple[str, ...] = ("scenarios", "analyze", "report", "web")

for _name in (*_COMMAND_MODULES, *(m for m in cli_modules() if m not in _COMMAND_MODULES)):
    importlib.import_module(f"peacetable.cli.{_name}").register(app)


def main() -> None:
    """Entry point of the console script."""
    app()
