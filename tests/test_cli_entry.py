"""The console script's lazy top level (``peacetable.cli.main``) behaves like typer's full build."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

LAZY = "import sys; sys.argv[0] = 'peacetable'; from peacetable.cli import main; main()"
FULL = "import sys; sys.argv[0] = 'peacetable'; from peacetable.cli import app; app()"


def _run(entry: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", entry, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--help",),
        ("scenarios",),
        ("scenarios", "--help"),
        ("scenarios", "list", "--json"),
        ("analyze", "--help"),
        ("record", "verify", "--help"),
        ("scenarioz",),
        ("scenarios", "lst"),
        ("frontier", "--no-such-option"),
    ],
    ids=lambda a: " ".join(a) or "no-args",
)
def test_lazy_entry_matches_typer(args: tuple[str, ...]) -> None:
    lazy, full = _run(LAZY, *args), _run(FULL, *args)
    assert (lazy.returncode, lazy.stdout, lazy.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    )


def test_lazy_entry_converts_only_the_command_invoked() -> None:
    from peacetable.cli import _LazyTopLevel, app

    group = _LazyTopLevel(app)
    assert "analyze" in group.list_commands(None)
    group.commands["scenarios"]
    assert set(group._lazy._built) == {"scenarios"}
    assert group.commands.get("nosuch") is None


def test_every_command_is_registered_with_its_name() -> None:
    """The lazy top level looks commands up by the name given at registration."""
    from peacetable.cli import app

    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    assert all(isinstance(n, str) for n in names)
    assert len(names) == len(set(names))


def test_help_examples_are_not_rewrapped() -> None:
    """Example lines stay whole (click's \\b marker), so they can be copied."""
    out = _run(LAZY, "ripeness", "--help").stdout
    assert "Example: peacetable ripeness ukraine-2022 --horizon 36 --proposal seven-points" in out
    assert "[bold]" not in out
