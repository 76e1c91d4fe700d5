"""Shared helpers for the ``peacetable`` command line: output, errors, scenario arguments."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from peacetable.errors import PeacetableError, ScenarioError
from peacetable.io.textfiles import one_line
from peacetable.model import Scenario

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def emit_json(data: Any) -> None:
    """Print *data* as indented JSON on standard output (stable key order)."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=_json_default) + "\n")


def _json_default(obj: Any) -> Any:
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    try:
        import numpy as np

        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return obj.tolist()
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def print_error(message: str) -> None:
    """One ``error: …`` line on stderr, exactly as written (so tools can parse it).

    The message is never interpreted: no markup, no emoji codes (``file.yaml:100:1:``
    stays as written), no wrapping; line breaks become spaces and control characters
    escapes (:func:`peacetable.io.textfiles.one_line`). Only the ``error:`` prefix is
    coloured, and only on a terminal.
    """
    line = one_line(message)
    if err_console.is_terminal and not err_console.no_color:
        err_console.print(
            Text.assemble(("error:", "bold red"), " ", line), soft_wrap=True, highlight=False
        )
    else:
        sys.stderr.write(f"error: {line}\n")
        sys.stderr.flush()


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into one clear line on stderr and exit code 2 (bad input)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ScenarioError as exc:
            for problem in exc.problems:
                print_error(str(problem))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except PeacetableError as exc:
            print_error(str(exc))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            print_error(str(exc))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            err_console.print("interrupted")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("PEACETABLE_DEBUG"):
                raise
            print_error(
                f"internal error ({type(exc).__name__}: {exc}); this is a bug in peacetable — "
                "please report it; set PEACETABLE_DEBUG=1 to see the traceback"
            )
            raise typer.Exit(EXIT_FAILURE) from None

    return wrapper


def load_scenario_arg(arg: str | None) -> Scenario:
    """A scenario named on the command line: a file path, or an embedded id (default one)."""
    from pathlib import Path

    from peacetable.io import load_scenario
    from peacetable.scenarios import DEFAULT_SCENARIO, load_builtin

    if arg is None:
        return load_builtin(DEFAULT_SCENARIO)
    path = Path(arg)
    if path.exists() or path.suffix.lower() in {".yaml", ".yml", ".json"} or "/" in arg:
        return load_scenario(path)
    return load_builtin(arg)  # an unknown id raises a ScenarioError listing the embedded ones
