"""JSON within limits, with the line and column of every value.

:func:`parse_json` is the one way peacetable reads JSON (scenarios, GMCR
``.gmcr`` files, GeniusWeb profiles, transcribed conflict models). Before the
standard library parses the text, one linear scan over its tokens refuses, with
their line and column:

* nesting deeper than the ``max_depth`` limit (the standard parser would
  exhaust Python's recursion on 1,000 nested brackets);
* more values than the ``max_nodes`` limit;
* numbers with more digits than ``max_number_digits``, numbers beyond the
  range of a float (``1e400``, ``10**400``), and ``NaN``/``Infinity``, which
  are not JSON.

Syntax errors are the standard parser's, with their position. The position of
every value (``path → (line, column)``, 1-based) is computed only when asked
for, by :class:`JsonPositions`, so valid files pay nothing for it.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from peacetable.errors import InputError, Location, PeacetableError
from peacetable.io.limits import Limits, current_limits
from peacetable.io.textfiles import ErrorType, one_line

__all__ = ["JsonPositions", "Key", "parse_json", "position_of"]

Key = tuple[str | int, ...]

_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
      |(?P<string>"[^"\\]*(?:\\.[^"\\]*)*"?)
      |(?P<number>-?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]*)?|-?\.[0-9]+(?:[eE][+-]?[0-9]*)?)
      |(?P<punct>[{}\[\]:,])
      |(?P<word>-?[A-Za-z_][A-Za-z0-9_]*)""",
    re.VERBOSE | re.DOTALL,
)
_NOT_NUMBERS = {"NaN", "Infinity", "-Infinity", "-NaN"}


class _LineIndex:
    """Offsets → 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


@dataclass
class _Frame:
    array: bool
    path: Key
    index: int = 0
    key: str = ""
    expect_key: bool = True


@dataclass
class _Scan:
    """One pass over the tokens: checks, and optionally the position of every value."""

    text: str
    file: str
    error: ErrorType
    limits: Limits
    record: bool = False
    positions: dict[Key, tuple[int, int]] = field(default_factory=dict)

    def run(self) -> None:
        lines = _LineIndex(self.text)
        stack: list[_Frame] = []
        values = 0
        for m in _TOKEN.finditer(self.text):
            kind = m.lastgroup
            if kind == "space":
                continue
            tok = m.group()
            if kind == "punct" and tok in ",:]}":
                _punct(stack, tok)
                continue
            top = stack[-1] if stack else None
            if top is not None and not top.array and top.expect_key:
                if kind == "string":
                    top.key, top.expect_key = _decode_key(tok), False
                    if self.record:
                        self.positions[(*top.path, top.key)] = lines.at(m.start())
                continue
            path: Key = () if top is None else (*top.path, top.index if top.array else top.key)
            values += 1
            if values > self.limits.max_nodes:
                self._fail(
                    f"more than {self.limits.max_nodes:,} values "
                    "(raise the limit with PEACETABLE_MAX_NODES)",
                    lines.at(m.start()),
                )
            if self.record:
                self.positions.setdefault(path, lines.at(m.start()))
            if tok in "{[" and kind == "punct":
                if len(stack) >= self.limits.max_depth:
                    self._fail(
                        f"nested deeper than {self.limits.max_depth} levels "
                        "(raise the limit with PEACETABLE_MAX_DEPTH)",
                        lines.at(m.start()),
                    )
                stack.append(_Frame(array=tok == "[", path=path))
            elif kind == "number":
                problem = number_problem(tok, self.limits)
                if problem:
                    self._fail(problem, lines.at(m.start()))
            elif kind == "word" and tok in _NOT_NUMBERS:
                self._fail(f"{tok} is not a JSON number", lines.at(m.start()))

    def _fail(self, message: str, where: tuple[int, int]) -> None:
        raise self.error(message, Location(self.file, where[0], where[1]))


def _punct(stack: list[_Frame], tok: str) -> None:
    if tok in "]}":
        if stack:
            stack.pop()
    elif tok == "," and stack:
        top = stack[-1]
        if top.array:
            top.index += 1
        else:
            top.expect_key = True


def _decode_key(tok: str) -> str:
    if "\\" not in tok:
        return tok[1:-1] if len(tok) > 1 and tok.endswith('"') else tok[1:]
    try:
        return str(json.loads(tok))
    except ValueError:
        return tok[1:-1]


def number_problem(token: str, limits: Limits | None = None) -> str | None:
    """Why the number written as *token* is refused, or ``None``.

    Examples
    --------
    >>> number_problem("12.5") is None, number_problem("1e400")
    (True, 'number 1e400 is beyond the range of a floating-point number')
    >>> number_problem("9" * 150)
    'number with 150 digits: at most 100 (raise the limit with PEACETABLE_MAX_NUMBER_DIGITS)'
    """
    limit = (limits or current_limits()).max_number_digits
    mantissa = re.split("[eE]", token, maxsplit=1)[0]
    digits = sum(ch.isdigit() for ch in mantissa)
    if digits > limit:
        return (
            f"number with {digits:,} digits: at most {limit} "
            "(raise the limit with PEACETABLE_MAX_NUMBER_DIGITS)"
        )
    try:
        value = float(token)
    except (ValueError, OverflowError):
        return None  # not a number after all: the parser reports it
    if not math.isfinite(value):
        shown = token if len(token) <= 24 else f"{token[:20]}…"
        return f"number {shown} is beyond the range of a floating-point number"
    return None


class JsonPositions(Mapping[Key, tuple[int, int]]):
    """``path → (line, column)`` of every value (a key's position for an object member).

    Computed on first use, by one more scan of the text.
    """

    def __init__(self, text: str, file: str, error: ErrorType = InputError) -> None:
        self._text, self._file, self._error = text, file, error
        self._table: dict[Key, tuple[int, int]] | None = None

    def _get(self) -> dict[Key, tuple[int, int]]:
        if self._table is None:
            scan = _Scan(self._text, self._file, self._error, current_limits(), record=True)
            scan.run()
            self._table = scan.positions
            self._text = ""
        return self._table

    def __getitem__(self, key: Key) -> tuple[int, int]:
        return self._get()[key]

    def __iter__(self) -> Iterator[Key]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __bool__(self) -> bool:
        return True


def position_of(
    positions: Mapping[Key, tuple[int, int]] | None, path: Key
) -> tuple[int | None, int | None]:
    """Line and column of *path*, or of its nearest ancestor that has one."""
    if not positions:
        return None, None
    probe = path
    while probe and probe not in positions:
        probe = probe[:-1]
    return positions.get(probe, (None, None))


def parse_json(text: str, file: str, *, error: ErrorType = InputError) -> tuple[Any, JsonPositions]:
    """Parse JSON *text* within the limits; return the data and its (lazy) positions.

    Parameters
    ----------
    text:
        The document.
    file:
        The file name used in error locations.
    error:
        The error class raised (:class:`InputError` by default; scenario files
        use :class:`~peacetable.errors.ScenarioError`).

    Raises
    ------
    PeacetableError
        Invalid JSON, nesting too deep, too many values, a number too long or
        out of range, ``NaN``/``Infinity``: each with its line and column.

    Examples
    --------
    >>> data, pos = parse_json('{"a": [1, 2,\\n 3]}', "x.json")
    >>> data, pos[("a", 2)]
    ({'a': [1, 2, 3]}, (2, 2))
    >>> parse_json("[" * 500, "deep.json")
    Traceback (most recent call last):
    ...
    peacetable.errors.InputError: deep.json:1:101: nested deeper than 100 levels (raise the limit with PEACETABLE_MAX_DEPTH)
    """
    _Scan(text, file, error, current_limits()).run()
    try:
        data = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_int
        )
    except json.JSONDecodeError as exc:
        raise error(
            f"invalid JSON: {one_line(exc.msg)}", Location(file, exc.lineno, exc.colno)
        ) from None
    except _NumberRefused as exc:  # the scan catches these first; kept as a safety net
        raise error(str(exc), Location(file)) from None
    except RecursionError:  # the scan bounds the depth; kept as a safety net
        raise error("nested too deeply", Location(file)) from None
    return data, JsonPositions(text, file, error)


class _NumberRefused(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NumberRefused(f"{name} is not a JSON number")


def _finite_float(token: str) -> float:
    problem = number_problem(token)
    if problem:
        raise _NumberRefused(problem)
    return float(token)


def _int(token: str) -> int:
    problem = number_problem(token)
    if problem:
        raise _NumberRefused(problem)
    return int(token)


def located(
    error: type[PeacetableError],
    message: str,
    file: str,
    positions: Mapping[Key, tuple[int, int]] | None,
    path: Key,
    field: str | None = None,
) -> PeacetableError:
    """An error at the line and column of *path* (or its nearest located ancestor)."""
    line, column = position_of(positions, path)
    return error(message, Location(file, line, column, field))
