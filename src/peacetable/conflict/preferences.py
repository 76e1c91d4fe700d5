"""Preferences of a decision maker: option prioritization or an explicit ranking.

*Option prioritization* (Fang, Hipel, Kilgour & Peng 2003) orders preference
statements from most to least important. Statement ``k`` (0-based, of ``P``)
carries weight ``2**(P-1-k)``; a state's score is the sum of the weights of the
statements it satisfies, so a more important statement outweighs all less
important ones together. States with equal scores are tied.

A statement is a logical expression over option literals, written with
1-based option numbers (as in GMCR II and GMCR+) or option names:

==============  ================================================
``3``           option 3 is taken
``-3``          option 3 is not taken (also ``NOT 3``, ``~3``)
``1 & -2``      both hold (also ``AND``)
``1 | 4``       at least one holds (also ``OR``)
``1 IF 2``      1 holds if 2 holds, i.e. ``-2 | 1``
``1 IFF 2``     1 holds exactly when 2 holds
``(…)``         grouping
==============  ================================================

Precedence from loosest to tightest: ``IFF``, ``IF``, ``OR``, ``AND``, ``NOT``.

References
----------
Fang, L., Hipel, K. W., Kilgour, D. M., & Peng, X. (2003). A decision support
system for interactive decision making — Part I: model formulation. *IEEE
Transactions on Systems, Man, and Cybernetics, Part C*, 33(1), 42–55.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from peacetable.conflict.model import BoolArray, Condition, IntArray
from peacetable.errors import InputError


class Statement(ABC):
    """A logical expression over options; ``holds(codes)`` evaluates it per state."""

    @abstractmethod
    def holds(self, codes: IntArray) -> BoolArray:
        """Which of the state *codes* satisfy the statement."""


@dataclass(frozen=True)
class Literal(Statement):
    option: int
    taken: bool = True

    def holds(self, codes: IntArray) -> BoolArray:
        bit = (codes >> np.int64(self.option)) & 1
        out: BoolArray = bit == 1 if self.taken else bit == 0
        return out


@dataclass(frozen=True)
class Not(Statement):
    item: Statement

    def holds(self, codes: IntArray) -> BoolArray:
        return ~self.item.holds(codes)


@dataclass(frozen=True)
class All(Statement):
    items: tuple[Statement, ...]

    def holds(self, codes: IntArray) -> BoolArray:
        out = np.ones(codes.shape, dtype=bool)
        for item in self.items:
            out &= item.holds(codes)
        return out


@dataclass(frozen=True)
class Any_(Statement):
    items: tuple[Statement, ...]

    def holds(self, codes: IntArray) -> BoolArray:
        out = np.zeros(codes.shape, dtype=bool)
        for item in self.items:
            out |= item.holds(codes)
        return out


@dataclass(frozen=True)
class If(Statement):
    """``consequent IF antecedent``."""

    consequent: Statement
    antecedent: Statement

    def holds(self, codes: IntArray) -> BoolArray:
        return ~self.antecedent.holds(codes) | self.consequent.holds(codes)


@dataclass(frozen=True)
class Iff(Statement):
    left: Statement
    right: Statement

    def holds(self, codes: IntArray) -> BoolArray:
        out: BoolArray = self.left.holds(codes) == self.right.holds(codes)
        return out


def from_condition(cond: Condition) -> Statement:
    """The statement of a conjunction of literals."""
    lits = [Literal(k, True) for k in sorted(cond.taken)]
    lits += [Literal(k, False) for k in sorted(cond.not_taken)]
    return All(tuple(lits))


_TOKEN = re.compile(
    r"\s*(\(|\)|&|\||~|-|\bIFF\b|\bIF\b|\bAND\b|\bOR\b|\bNOT\b|\"[^\"]*\"|[\w.]+)", re.I
)


def parse_statement(text: str, option_names: Sequence[str] = ()) -> Statement:
    """Parse a preference statement (see the module docstring for the syntax).

    Options are 1-based numbers, or names (quoted when they contain spaces).

    Examples
    --------
    >>> import numpy as np
    >>> s = parse_statement("1 IF -2")
    >>> s.holds(np.array([0, 1, 2, 3])).tolist()
    [False, True, True, True]
    """
    tokens: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise InputError(f"cannot read preference statement {text!r} at {text[pos:]!r}")
        tokens.append(m.group(1))
        pos = m.end()
    parser = _Parser(tokens, list(option_names), text)
    result = parser.iff()
    if parser.pos != len(tokens):
        raise InputError(f"unexpected {tokens[parser.pos]!r} in preference statement {text!r}")
    return result


class _Parser:
    def __init__(self, tokens: list[str], names: list[str], text: str) -> None:
        self.tokens, self.names, self.text, self.pos = tokens, names, text, 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos].upper() if self.pos < len(self.tokens) else None

    def _take(self) -> str:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def iff(self) -> Statement:
        left = self.if_()
        while self._peek() == "IFF":
            self._take()
            left = Iff(left, self.if_())
        return left

    def if_(self) -> Statement:
        left = self.or_()
        while self._peek() == "IF":
            self._take()
            left = If(left, self.or_())
        return left

    def or_(self) -> Statement:
        items = [self.and_()]
        while self._peek() in ("|", "OR"):
            self._take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def and_(self) -> Statement:
        items = [self.not_()]
        while self._peek() in ("&", "AND"):
            self._take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else All(tuple(items))

    def not_(self) -> Statement:
        if self._peek() in ("-", "~", "NOT"):
            self._take()
            return Not(self.not_())
        if self._peek() == "(":
            self._take()
            inner = self.iff()
            if self._peek() != ")":
                raise InputError(f"missing ')' in preference statement {self.text!r}")
            self._take()
            return inner
        if self._peek() is None:
            raise InputError(f"preference statement {self.text!r} ends too early")
        return Literal(self._option(self._take()))

    def _option(self, tok: str) -> int:
        name = tok.strip('"')
        if name.isdigit():
            k = int(name) - 1
            if k < 0 or (self.names and k >= len(self.names)):
                raise InputError(f"no option {name} in preference statement {self.text!r}")
            return k
        for k, known in enumerate(self.names):
            if known == name or known.lower() == name.lower():
                return k
        raise InputError(f"unknown option {name!r} in preference statement {self.text!r}")


def dense_rank_desc(keys: np.ndarray) -> IntArray:
    """Dense ranks, best = highest: rows of *keys* (P, S) compared lexicographically.

    Returns payoffs ``1..m`` where ``m`` is the number of distinct columns.
    """
    if keys.ndim == 1:
        keys = keys[None, :]
    n = keys.shape[1]
    order = np.lexsort(keys[::-1])  # ascending, first row most significant
    sorted_keys = keys[:, order]
    new_level = np.ones(n, dtype=bool)
    if n > 1:
        new_level[1:] = np.any(sorted_keys[:, 1:] != sorted_keys[:, :-1], axis=0)
    levels = np.cumsum(new_level)
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = levels
    return ranks


@dataclass(frozen=True)
class Prioritization:
    """Option prioritization: statements from most to least important."""

    statements: tuple[Statement, ...]

    def payoffs(self, codes: IntArray) -> IntArray:
        """Ordinal payoff per state code (dense rank of the weighted score)."""
        if not self.statements:
            return np.ones(len(codes), dtype=np.int64)
        # Lexicographic comparison of the satisfaction vector equals comparison of
        # the 2**(P-1-k) weighted sums, without overflow for many statements.
        sat = np.array([s.holds(codes) for s in self.statements], dtype=np.int8)
        return dense_rank_desc(sat)

    def scores(self, codes: IntArray) -> IntArray:
        """The weighted scores ``sum 2**(P-1-k)`` (for at most 62 statements)."""
        p = len(self.statements)
        if p > 62:
            raise InputError("weighted scores need at most 62 statements; use payoffs()")
        total = np.zeros(len(codes), dtype=np.int64)
        for k, s in enumerate(self.statements):
            total += np.where(s.holds(codes), np.int64(1) << np.int64(p - 1 - k), 0)
        return total


@dataclass(frozen=True)
class Ranking:
    """An explicit ranking, best first; each entry a state code or a tuple of tied codes."""

    groups: tuple[tuple[int, ...], ...]

    def payoffs(self, codes: IntArray) -> IntArray:
        index = {int(c): i for i, c in enumerate(codes)}
        out = np.zeros(len(codes), dtype=np.int64)
        seen = np.zeros(len(codes), dtype=bool)
        m = len(self.groups)
        for g, group in enumerate(self.groups):
            for code in group:
                i = index.get(int(code))
                if i is None:
                    raise InputError(f"ranking names state {code}, which is not feasible")
                if seen[i]:
                    raise InputError(f"ranking names state {code} twice")
                seen[i] = True
                out[i] = m - g
        if not seen.all():
            missing = [int(c) for c in np.asarray(codes)[~seen][:5]]
            raise InputError(
                f"ranking leaves out {int((~seen).sum())} states, e.g. codes {missing}"
            )
        return out
