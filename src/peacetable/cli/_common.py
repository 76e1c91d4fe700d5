"""Shared helpers for the ``peacetable`` command line: output, errors, scenarios, sessions.

Command modules import only this module, typer and rich at import time; the
engines are imported inside the commands, so that ``peacetable --help``
starts fast. Every command that answers a question about a scenario reads the
answer from a :class:`~peacetable.core.Session` (:func:`open_session`), the
same way ``analyze``, the report and the web app do.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from peacetable.errors import AnalysisError, InputError, Location, PeacetableError, ScenarioError

if TYPE_CHECKING:
    from peacetable.core import Result, Session, Settings
    from peacetable.model import Scenario

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

#: Progress bars appear only for work that has run longer than this (seconds).
PROGRESS_AFTER = 1.0

TimeLimitOpt = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=0.0,
        help="Seconds the analysis may work before it answers approximately (labelled) or "
        "refuses; 0: no limit.",
    ),
]
"""The ``--time-limit`` option of the commands that can run long (their default is
:data:`peacetable.defaults.DEFAULT_TIME_LIMIT`; ``analyze`` and ``report`` share
:data:`peacetable.defaults.DEFAULT_ANALYZE_TIME_LIMIT` between their lenses)."""

#: Where each session's scenario was read from (to locate a lens's refusal).
_SOURCES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def time_limit_setting(seconds: float) -> float | None:
    """The ``time_limit`` setting of a ``--time-limit`` value (0: none)."""
    return seconds if seconds > 0 else None


TradeProcessOpt = Annotated[
    bool,
    typer.Option(
        "--trade-process",
        help="Let fair packages, improvements and trades vary the talks-about-talks issues "
        "(by default they stay at the agreed process when the scenario says it comes first).",
    ),
]


def emit_json(data: Any) -> None:
    """Print *data* as indented JSON on standard output (the core's one serializer)."""
    from peacetable.core.serialize import dumps

    sys.stdout.write(dumps(data) + "\n")


def print_error(message: str) -> None:
    """One ``error: …`` line on stderr, exactly as written (so tools can parse it).

    The message is never interpreted: no markup, no emoji codes (``file.yaml:100:1:``
    stays as written), no wrapping; line breaks become spaces and control characters
    escapes (:func:`peacetable.io.textfiles.one_line`). Only the ``error:`` prefix is
    coloured, and only on a terminal.
    """
    from peacetable.io.textfiles import one_line

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


def open_session(
    arg: str | None,
    settings: Settings | None = None,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    client: Any = None,
) -> Session:
    """A session on the scenario named on the command line (see :func:`load_scenario_arg`)."""
    from peacetable.core import Session

    session = Session(load_scenario_arg(arg), settings, progress=progress, client=client)
    if arg is not None and not _is_builtin_id(arg):
        _SOURCES[session] = arg
    return session


def _is_builtin_id(arg: str) -> bool:
    from pathlib import Path

    path = Path(arg)
    return not (path.exists() or path.suffix.lower() in {".yaml", ".yml", ".json"} or "/" in arg)


def answer(session: Session, key: str, **options: Any) -> Result:
    """Lens *key*'s result from *session*; a lens that cannot answer raises its reason.

    Raises
    ------
    AnalysisError
        The lens is not applicable to this scenario (printed as one error line,
        located at the scenario file when it came from one).
    """
    from peacetable.core import NotApplicable

    found = session.result(key, **options)
    if isinstance(found, NotApplicable):
        source = _SOURCES.get(session)
        raise AnalysisError(found.reason, Location(file=source) if source else None)
    return found


def approximation_note(result: Result) -> str | None:
    """``"approximate: <how far off>"`` for an answer that is not exact, else ``None``."""
    if result.provenance.exact:
        return None
    return f"approximate: {result.provenance.bound or 'see its provenance'}"


@contextmanager
def progress_reporter(enabled: bool = True) -> Iterator[Callable[[str, int, int], None] | None]:
    """A session progress callback drawing a bar on stderr for lens work over a second.

    Yields ``None`` when disabled (e.g. with ``--json``) or when stderr is not a
    terminal, so machine output stays clean.
    """
    if not enabled or not err_console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    tasks: dict[str, Any] = {}
    started: dict[str, float] = {}

    def report(key: str, done: int, total: int) -> None:
        if total <= 0:
            started[key] = time.perf_counter()
            return
        if key not in tasks:
            if done >= total or time.perf_counter() - started.get(key, 0.0) < PROGRESS_AFTER:
                return  # finished, or not yet running for a second: no bar
            if not bar.live.is_started:
                bar.start()
            tasks[key] = bar.add_task(key, total=total)
        bar.update(tasks[key], completed=done, total=total)

    try:
        yield report
    finally:
        if bar.live.is_started:
            bar.stop()


WORKER_ENVIRONMENT = {
    "distributed.nanny.pre-spawn-environ": {
        "MALLOC_TRIM_THRESHOLD_": str(2**28),
        "MALLOC_MMAP_THRESHOLD_": str(2**26),
    }
}
"""Dask's default ``MALLOC_TRIM_THRESHOLD_=65536`` makes glibc map and unmap every
large array of a chunk; letting workers keep their heap is faster for the sweep."""


@contextmanager
def dask_client(use_dask: bool, scheduler: str | None) -> Iterator[Any]:
    """A Dask client for ``--dask`` (a local 2-worker cluster) or ``--scheduler ADDRESS``;
    ``None`` when neither is given. Results never depend on it."""
    if not use_dask and scheduler is None:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--dask needs dask.distributed: pip install 'peacetable[dask]'") from None
    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    import dask

    with (
        dask.config.set(WORKER_ENVIRONMENT),
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client
