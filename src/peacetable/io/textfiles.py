"""Reading input files within limits, one-line messages, and atomic writes.

Every reader of peacetable reads its file through :func:`read_bytes` or
:func:`read_text`: the size is checked (``stat``) before reading, a UTF-8
byte-order mark is accepted, and a file that is not UTF-8 is reported with
the line of the first bad byte. :func:`one_line` makes any message safe for a
terminal: one line, no control characters. Every file peacetable writes goes
through :func:`write_bytes_atomic` (temporary file in the same folder, fsync,
rename): a killed write never leaves a truncated target, a temporary file
left by a killed run is removed by the next write to the same target, and the
written file keeps the permissions of the file it replaces (``0644`` when new,
less whatever the umask removes).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from pathlib import Path

from peacetable.errors import InputError, Location, PeacetableError
from peacetable.io.limits import current_limits

__all__ = [
    "NEW_FILE_MODE",
    "STALE_TEMPORARY_SECONDS",
    "one_line",
    "read_bytes",
    "read_text",
    "write_bytes_atomic",
    "write_text_atomic",
]

ErrorType = type[PeacetableError]

#: Permissions of a newly created output file (before the umask).
NEW_FILE_MODE = 0o644
#: A temporary file of another (possibly remote) process is taken as stale after this long.
STALE_TEMPORARY_SECONDS = 3600.0

_BREAKS = re.compile(r"\s*[\r\n\u0085\u2028\u2029]+\s*")
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """*text* as one terminal-safe line: line breaks become spaces, control characters escapes.

    Tabs become spaces; other control characters (escape sequences, bidirectional
    overrides) are written as ``\\xNN`` / ``\\uNNNN`` so they cannot change the
    terminal or the order in which a message is shown.

    Examples
    --------
    >>> one_line("invalid YAML: bad tag\\n  in line 3\\x1b[2J")
    'invalid YAML: bad tag in line 3\\\\x1b[2J'
    """
    flat = _BREAKS.sub(" ", text).replace("\t", " ")
    return _UNSAFE.sub(lambda m: _escape(m.group()), flat).strip()


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def read_bytes(
    path: str | os.PathLike[str], *, label: str | None = None, error: ErrorType = InputError
) -> bytes:
    """The bytes of *path*, refused before reading when larger than the ``max_file_bytes`` limit.

    Raises
    ------
    PeacetableError
        (*error*, default :class:`InputError`) missing file, folder, unreadable, too large.
    """
    where = Location(file=label if label is not None else str(path))
    limit = current_limits().max_file_bytes
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise error("is a folder, not a file", where)
        if info.st_size > limit:
            raise error(_too_large(info.st_size, limit), where)
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise error("no such file", where) from None
    except IsADirectoryError:
        raise error("is a folder, not a file", where) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", where) from None
    if len(data) > limit:
        raise error(_too_large(len(data), limit), where)
    return data


def _too_large(size: int, limit: int) -> str:
    return (
        f"the file has {size:,} bytes: at most {limit:,} are read "
        "(raise the limit with PEACETABLE_MAX_FILE_BYTES)"
    )


def read_text(
    path: str | os.PathLike[str],
    *,
    label: str | None = None,
    error: ErrorType = InputError,
    latin1_fallback: bool = False,
) -> str:
    """The text of *path*: UTF-8 (a byte-order mark is dropped), within the file size limit.

    Parameters
    ----------
    latin1_fallback:
        Read a file that is not UTF-8 as Latin-1 instead of refusing it (old
        spreadsheet exports of the forecasting data sets).

    Raises
    ------
    PeacetableError
        As :func:`read_bytes`; and for text that is not UTF-8, with the line of the bad byte.
    """
    file = label if label is not None else str(path)
    return decode_text(
        read_bytes(path, label=file, error=error),
        file,
        error=error,
        latin1_fallback=latin1_fallback,
    )


def decode_text(
    data: bytes, file: str, *, error: ErrorType = InputError, latin1_fallback: bool = False
) -> str:
    """Decode file contents as UTF-8 (BOM dropped); see :func:`read_text`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error("UTF-16 text: save the file as UTF-8", Location(file=file, line=1, column=1))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if latin1_fallback:
            return data.decode("latin-1")
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            Location(file=file, line=line, column=column),
        ) from None


# --------------------------------------------------------------------------- writing

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?:(?P<pid>\d+)-)?[A-Za-z0-9_]+\.tmp$")


def write_text_atomic(path: str | os.PathLike[str], text: str, mode: int | None = None) -> None:
    """Write *text* (UTF-8) to *path* via a temporary file and rename: all or nothing.

    See :func:`write_bytes_atomic` for the permissions and the temporary file.
    """
    write_bytes_atomic(path, text.encode("utf-8"), mode)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, mode: int | None = None) -> None:
    """Write *data* to *path* via a temporary file, fsync and rename: all or nothing.

    Parameters
    ----------
    path:
        The target. Its folder must exist.
    data:
        The whole new contents.
    mode:
        Permissions to set. Default: those of the file replaced, or
        :data:`NEW_FILE_MODE` (``0644``, less the umask) for a new file.

    Notes
    -----
    The temporary file is ``.<name>.<pid>-<random>.tmp`` beside the target. A
    process killed while writing leaves it behind; the next write to the same
    target removes it when that process no longer runs (or, for a file without
    a process id, after :data:`STALE_TEMPORARY_SECONDS`). Readers never look at
    temporary files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = pathlib.Path(folder) / "out.txt"
    ...     write_bytes_atomic(target, b"hello")
    ...     target.read_bytes(), sorted(p.name for p in target.parent.iterdir())
    (b'hello', ['out.txt'])
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    remove_stale_temporaries(target)
    if mode is None:
        with contextlib.suppress(OSError):
            info = os.stat(target)
            if stat.S_ISREG(info.st_mode):
                mode = stat.S_IMODE(info.st_mode) & 0o777  # never carry set-id bits over
    fd, tmp = _create_temporary(directory, target.name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _create_temporary(directory: Path, name: str) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = str(directory / f".{name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, NEW_FILE_MODE), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary file in {directory}")  # pragma: no cover


def remove_stale_temporaries(target: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary files that killed writes to *target* left behind; return them.

    A temporary file is stale when the process that created it (its name holds
    the process id) no longer runs, or, without a process id, when it is older
    than :data:`STALE_TEMPORARY_SECONDS`. Errors (a read-only folder) are ignored:
    stale files are harmless, only untidy.
    """
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match is None or match.group("name") != target.name:
            continue
        pid = int(match.group("pid") or 0)
        try:
            alive = _process_alive(pid) if pid != os.getpid() else None
            if alive is None:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMPORARY_SECONDS
            else:
                stale = not alive
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _process_alive(pid: int) -> bool | None:
    """Whether process *pid* runs on this machine; ``None`` when that cannot be told."""
    if not 0 < pid < 2**22:
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it runs, as another user: keep its file
    except OSError:
        return None
    return True
