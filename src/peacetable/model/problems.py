"""Problems found by validation: where (a field path) and what, and the shared checks.

A :class:`Problem` names the field path it concerns; the loaders turn paths
into file, line and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from peacetable.errors import suggest
from peacetable.model.scenario import Issue

Path = tuple[str | int, ...]

__all__ = [
    "SHARES_TOLERANCE",
    "Path",
    "Problem",
    "check_choices",
    "check_duplicates",
    "dotted",
    "unknown",
]

#: How far shares that must make up a whole (a contingent term's beliefs given in
#: full, a step's tranche sizes) may miss 1, so that typed decimals such as
#: 0.333, 0.333, 0.334 or 0.3333333 three times still pass. The one slack for that
#: question; stated probabilities of a lottery use
#: :data:`peacetable.model.validate.PROBABILITY_EXCESS`.
SHARES_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Problem:
    """One problem: ``path`` locates it in the file, ``field`` is what is printed."""

    path: Path
    message: str
    field: str | None = None

    @property
    def display_field(self) -> str:
        """Dotted field path as shown to the user."""
        return self.field if self.field is not None else dotted(self.path)


def dotted(path: Iterable[str | int]) -> str:
    """``("preferences", "RU", "weights")`` → ``preferences.RU.weights``; ints as ``[i]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def unknown(kind: str, word: str, choices: Iterable[str]) -> str:
    return f"unknown {kind} {word!r}{suggest(word, choices)}"


def check_duplicates(
    items: Iterable[tuple[str, Path]], kind: str, add: Callable[[Problem], None]
) -> None:
    seen: set[str] = set()
    for item_id, path in items:
        if item_id in seen:
            add(Problem(path, f"duplicate {kind} id {item_id!r}"))
        seen.add(item_id)


def check_choices(
    mapping: Mapping[str, str | tuple[str, ...]],
    path: Path,
    issues: Mapping[str, Issue],
    add: Callable[[Problem], None],
) -> None:
    for iid, choice in mapping.items():
        issue = issues.get(iid)
        if issue is None:
            add(Problem((*path, iid), unknown("issue", iid, issues), field=dotted(path)))
            continue
        for oid in (choice,) if isinstance(choice, str) else choice:
            if oid not in issue.option_ids:
                add(
                    Problem(
                        (*path, iid), unknown(f"option of issue {iid!r}", oid, issue.option_ids)
                    )
                )
