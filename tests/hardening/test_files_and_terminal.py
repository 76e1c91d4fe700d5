"""Output files (modes, stale temporary files of killed writes) and error lines on a terminal."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _seed_inputs import GENIUS_DOMAIN, GENIUS_PROFILE, MINI_YAML
from rich.console import Console
from typer.testing import CliRunner

from peacetable.cli import _common, app
from peacetable.io import write_bytes_atomic, write_text_atomic
from peacetable.io.textfiles import STALE_TEMPORARY_SECONDS, one_line, remove_stale_temporaries

SRC = Path(__file__).resolve().parents[2] / "src"
runner = CliRunner()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_new_files_are_0644_and_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    new = tmp_path / "new.txt"
    write_text_atomic(new, "a")
    assert _mode(new) == 0o644 & ~_umask()
    private = tmp_path / "private.txt"
    private.write_text("old")
    private.chmod(0o600)
    write_text_atomic(private, "new")
    assert private.read_text() == "new" and _mode(private) == 0o600
    shared = tmp_path / "shared.bin"
    shared.write_bytes(b"old")
    shared.chmod(0o664)
    write_bytes_atomic(shared, b"new")
    assert _mode(shared) == 0o664
    write_bytes_atomic(shared, b"newer", mode=0o640)  # an explicit mode wins
    assert _mode(shared) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.txt", "private.txt", "shared.bin"]


def test_commands_write_files_with_the_same_modes(tmp_path: Path) -> None:
    """convert (import and both exports), scenarios new and schema: 0644 new, kept when replaced."""
    folder = tmp_path / "genius"
    folder.mkdir()
    (folder / "dom.xml").write_text(GENIUS_DOMAIN)
    (folder / "buyer.xml").write_text(GENIUS_PROFILE)
    out = tmp_path / "imported.yaml"
    commands = [
        (["convert", str(folder), "-o", str(out)], [out]),
        (["scenarios", "new", str(tmp_path / "t.yaml")], [tmp_path / "t.yaml"]),
        (["schema", "-o", str(tmp_path / "s.json")], [tmp_path / "s.json"]),
        (["convert", str(out), "-o", str(tmp_path / "g"), "--to", "genius"], []),
        (["convert", str(out), "-o", str(tmp_path / "w"), "--to", "geniusweb"], []),
    ]
    for argv, files in commands:
        result = runner.invoke(app, argv)
        assert result.exit_code == 0, (argv, result.stderr)
        for f in files:
            assert _mode(f) == 0o644 & ~_umask(), f
    exported = [*(tmp_path / "g").iterdir(), *(tmp_path / "w").iterdir()]
    assert exported and all(_mode(f) == 0o644 & ~_umask() for f in exported)
    out.chmod(0o600)
    assert runner.invoke(app, ["convert", str(folder), "-o", str(out)]).exit_code == 0
    assert _mode(out) == 0o600


def _killed_writer(target: Path) -> int:
    """A process that starts an atomic write of *target* and is killed (SIGKILL) midway."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from peacetable.io.textfiles import _create_temporary\n"
        "t = Path(sys.argv[1])\n"
        "fd, tmp = _create_temporary(t.parent, t.name)\n"
        "os.write(fd, b'half of the new cont')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code, str(target)], env={**os.environ, "PYTHONPATH": str(SRC)}
    ) as proc:
        assert proc.wait(timeout=60) == -signal.SIGKILL
    return proc.pid


def test_a_killed_write_leaves_the_target_whole_and_its_temporary_file_is_removed_later(
    tmp_path: Path,
) -> None:
    target = tmp_path / "scenario.yaml"
    target.write_text(MINI_YAML)
    pid = _killed_writer(target)
    left = [p for p in tmp_path.iterdir() if p != target]
    assert len(left) == 1 and re.fullmatch(rf"\.scenario\.yaml\.{pid}-[0-9a-f]+\.tmp", left[0].name)
    assert target.read_text() == MINI_YAML  # the target is never half-written
    result = runner.invoke(app, ["scenarios", "validate", str(target)])
    assert result.exit_code == 0  # readers never look at temporary files
    write_text_atomic(target, MINI_YAML.replace("mini", "mini2"))
    assert list(tmp_path.iterdir()) == [target]


def test_only_temporary_files_of_dead_processes_or_old_ones_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    live = tmp_path / f".out.json.{os.getppid()}-abcd1234.tmp"  # a running process
    old = tmp_path / ".out.json.abcdefgh.tmp"  # mkstemp-style name, no process id
    fresh = tmp_path / ".out.json.ijklmnop.tmp"
    other = tmp_path / ".other.json.1-abcd1234.tmp"  # another target's
    for p in (live, old, fresh, other):
        p.write_text("partial")
    past = time.time() - STALE_TEMPORARY_SECONDS - 60
    os.utime(old, (past, past))
    removed = remove_stale_temporaries(target)
    assert removed == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (live, fresh, other)
    )


def test_error_lines_are_printed_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    """No markup, no emoji codes, no line breaks, no terminal control sequences."""
    _common.print_error("f.yaml:100:1: [bold]x[/bold] :smile: a\n  b\x1b[2J\u202e")
    assert (
        capsys.readouterr().err
        == "error: f.yaml:100:1: [bold]x[/bold] :smile: a b\\x1b[2J\\u202e\n"
    )


def test_error_lines_on_a_terminal_colour_only_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="standard", width=20)
    monkeypatch.setattr(_common, "err_console", console)
    message = "file.yaml:100:1: :100: [red]not markup[/red]" + " long" * 20
    _common.print_error(message)
    text = out.getvalue()
    assert text.count("\n") == 1 and "\N{HUNDRED POINTS SYMBOL}" not in text
    assert text.endswith(f"{message}\n") and "\x1b[" in text.split(message)[0]


def test_one_line() -> None:
    assert one_line("a\r\n  b\tc\u2028d\x00") == "a b c d\\x00"


def test_a_scenario_error_with_user_text_is_one_unformatted_line(tmp_path: Path) -> None:
    text = MINI_YAML.replace("id: mini", "id: mini\ntitel: '[bold]:100: x\\n y'")
    path = tmp_path / "m.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["scenarios", "validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}:3:1: (top level): unknown key 'titel' (did you mean 'title'?)\n"
    )
    many = tmp_path / "many.yaml"
    many.write_text(
        MINI_YAML.replace("power: 0.6", "power: 7").replace("utility: 0.4", "utility: 9")
    )
    result = runner.invoke(app, ["scenarios", "validate", str(many)])
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and len(lines) == 2
    assert all(line.startswith(f"error: {many}:") for line in lines)


def _terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="standard", width=80)
    monkeypatch.setattr(_common, "err_console", console)
    return out


def test_progress_bar_only_for_work_over_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lens that finishes within a second draws nothing; one still working after it does."""
    out = _terminal(monkeypatch)
    clock = [100.0]
    monkeypatch.setattr(_common.time, "perf_counter", lambda: clock[0])
    with _common.progress_reporter() as report:
        assert report is not None
        report("zopa", 0, 0)  # the session: the lens starts
        clock[0] += 0.5
        report("zopa", 3, 10)
        assert out.getvalue() == ""
        report("zopa", 10, 10)  # done within a second: no bar
        assert out.getvalue() == ""
        report("ripeness", 0, 0)
        clock[0] += 1.5
        report("ripeness", 4, 10)
        report("ripeness", 9, 10)
    assert "ripeness" in out.getvalue() and "zopa" not in out.getvalue()


def test_no_progress_bar_for_json_or_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    _terminal(monkeypatch)
    with _common.progress_reporter(enabled=False) as report:
        assert report is None
    monkeypatch.setattr(_common, "err_console", Console(file=io.StringIO()))
    with _common.progress_reporter() as report:
        assert report is None
