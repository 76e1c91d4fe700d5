"""The ``peacetable`` command.

Surface commands (``scenarios``, ``analyze``, ``report``, and ``serve`` /
``record`` of the mediation server in ``web``) are listed in
``_COMMAND_MODULES``; each lens's commands come from the module the lens
registry names for it (:func:`peacetable.core.registry.cli_modules`). Every
module adds its commands through ``register(app)`` and imports its engine
only inside the commands, so ``peacetable --help`` starts fast.

The console script runs :func:`main`, which builds the click command of the
one command invoked (:class:`_LazyTopLevel`) instead of converting all of
them as ``app()`` would; ``--help`` lists the commands from their
registration. Help is click's plain text (``rich_markup_mode=None``): typer's
rich help panels alone take about 0.25 s to import and render on a 2-core VM
(see docs/performance.md, "Command start-up").
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator, Mapping
from typing import Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup
from typer.models import CommandInfo, TyperInfo

from peacetable.core.registry import cli_modules

app = typer.Typer(
    name="peacetable",
    help="A workbench for mediators and analysts of multi-party negotiations.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

#: Command modules that are surfaces, not lenses (listed before the lenses' own).
_COMMAND_MODULES: tuple[str, ...] = ("scenarios", "analyze", "report", "web")

for _name in (*_COMMAND_MODULES, *(m for m in cli_modules() if m not in _COMMAND_MODULES)):
    importlib.import_module(f"peacetable.cli.{_name}").register(app)


def _entry_name(entry: CommandInfo | TyperInfo) -> str:
    if not isinstance(entry.name, str):
        raise TypeError(f"command {entry!r} is registered without an explicit name")
    return entry.name


class _Commands(Mapping[str, Any]):
    """The registered commands by name; each is converted to click on first access."""

    def __init__(self, source: typer.Typer) -> None:
        entries: list[CommandInfo | TyperInfo] = [
            *source.registered_commands,
            *source.registered_groups,
        ]
        self._entries = {_entry_name(e): e for e in entries}
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            entry = self._entries[name]
            one = typer.Typer(add_completion=False, rich_markup_mode=None)
            one.callback()(_no_options)  # a group, even of one command
            if isinstance(entry, CommandInfo):
                one.registered_commands.append(entry)
            else:
                one.registered_groups.append(entry)
            group = typer.main.get_command(one)
            assert isinstance(group, TyperGroup)
            self._built[name] = group.commands[name]
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def stand_in(self, name: str) -> TyperCommand:
        """A command carrying only the help text, for the top-level listing."""
        entry = self._entries[name]
        if isinstance(entry, CommandInfo):
            text = entry.help if isinstance(entry.help, str) else inspect.getdoc(entry.callback)
        else:
            text = typer.main.solve_typer_info_help(entry)
        return TyperCommand(name=name, help=inspect.cleandoc(text or ""), hidden=bool(entry.hidden))


def _no_options() -> None:
    """No options of its own."""


class _LazyTopLevel(TyperGroup):
    """The ``peacetable`` group: converts only the command invoked.

    Lists the commands from their registration; the output equals that of the
    group typer would build from ``app`` (tested).
    """

    def __init__(self, source: typer.Typer) -> None:
        super().__init__(
            name=source.info.name if isinstance(source.info.name, str) else "peacetable",
            help=source.info.help if isinstance(source.info.help, str) else None,
            no_args_is_help=True,
            rich_markup_mode=None,
        )
        self.commands = self._lazy = _Commands(source)  # type: ignore[assignment]

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self._lazy)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        shown = [(n, self._lazy.stand_in(n)) for n in self._lazy]
        rows = [(n, c) for n, c in shown if not c.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(n) for n, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in rows])


def main() -> None:
    """Entry point of the console script (see the module docstring)."""
    _LazyTopLevel(app).main(prog_name="peacetable")
