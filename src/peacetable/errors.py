"""The one exception family of peacetable.

Every error the library raises on purpose derives from :class:`PeacetableError`.
Errors about user input carry a *location*: the file, line, column and the
dotted field path, so that the CLI can print ``file:line:col: field: message``
without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or the empty string.

    Examples
    --------
    >>> suggest("sevn-points", ["seven-points", "no-agreement"])
    " (did you mean 'seven-points'?)"
    """
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Location:
    """Where in user input a problem sits.

    Attributes
    ----------
    file:
        Path of the file (or a label such as ``<string>``), if known.
    line, column:
        1-based position in that file, if known.
    field:
        Dotted field path, e.g. ``preferences.RU.values.nato_offer``.
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            pos = self.file
            if self.line is not None:
                pos += f":{self.line}"
                if self.column is not None:
                    pos += f":{self.column}"
            parts.append(pos)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)


class PeacetableError(Exception):
    """Base class of every error peacetable raises on purpose."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is not None and str(self.location):
            return f"{self.location}: {self.message}"
        return self.message


class ScenarioError(PeacetableError):
    """A scenario file or object is malformed or inconsistent.

    ``problems`` lists every problem found (this error describes the first);
    the CLI prints them all, one ``file:line:col: field: message`` line each.
    """

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        problems: list[ScenarioError] | None = None,
    ) -> None:
        super().__init__(message, location)
        self.problems: list[ScenarioError] = list(problems) if problems else [self]

    def __str__(self) -> str:
        first = super().__str__()
        extra = len(self.problems) - 1
        return first if extra <= 0 else f"{first} (and {extra} more problem{'s' * (extra > 1)})"


class InputError(PeacetableError):
    """Bad input other than a scenario: a CSV, a GMCR file, a command-line value."""


class AnalysisError(PeacetableError):
    """An engine cannot answer the question asked (e.g. problem too large for exact mode)."""
