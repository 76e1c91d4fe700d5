"""The conflict model of the Graph Model for Conflict Resolution (GMCR).

A conflict consists of decision makers (DMs), binary options each controlled by
exactly one DM, the feasible states (every combination of options that is not
ruled out), each DM's ordinal preferences over the feasible states and, per
option, the direction in which it may be changed (Fang, Hipel & Kilgour 1993,
ch. 2).

States are integer *codes*: bit ``k`` is set when option ``k`` is taken (``Y``).
The feasible states are held in ascending code order, so a state's *index* is
its position in :attr:`ConflictModel.states` (gmcr-py's "ordered" number minus
one). Preferences are integer payoffs per DM and state, higher is better, ties
allowed; only their order matters.

References
----------
Fang, L., Hipel, K. W., & Kilgour, D. M. (1993). *Interactive Decision Making:
The Graph Model for Conflict Resolution*. Wiley.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from peacetable.errors import InputError, Location
from peacetable.io.limits import current_limits

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Largest number of options a model may have (codes are int64 bit sets).
MAX_OPTIONS = 62


class Direction(StrEnum):
    """In which direction an option may be changed by its DM."""

    BOTH = "both"
    FORWARD = "fwd"  # only from not taken (N) to taken (Y): irreversible once taken
    BACKWARD = "back"  # only from taken (Y) to not taken (N)

    @classmethod
    def parse(cls, value: str | Direction) -> Direction:
        """Accept ``both``/``reversible``, ``fwd``/``only_on``, ``back``/``only_off``."""
        if isinstance(value, Direction):
            return value
        aliases = {
            "both": cls.BOTH,
            "reversible": cls.BOTH,
            "fwd": cls.FORWARD,
            "forward": cls.FORWARD,
            "only_on": cls.FORWARD,
            "back": cls.BACKWARD,
            "backward": cls.BACKWARD,
            "only_off": cls.BACKWARD,
        }
        try:
            return aliases[str(value).strip().lower()]
        except KeyError:
            raise InputError(
                f"unknown permitted direction {value!r}; use both, fwd (only on) or back (only off)"
            ) from None


@dataclass(frozen=True)
class Option:
    """A binary option (``Y`` taken / ``N`` not taken) controlled by one DM."""

    name: str
    dm: int
    direction: Direction = Direction.BOTH


@dataclass(frozen=True)
class DecisionMaker:
    """A decision maker and the indices of the options it controls."""

    name: str
    options: tuple[int, ...]


@dataclass(frozen=True)
class Condition:
    """A conjunction of option literals: options in ``taken`` are Y, in ``not_taken`` N."""

    taken: frozenset[int] = frozenset()
    not_taken: frozenset[int] = frozenset()

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int, bool]]) -> Condition:
        """Build from ``(option index, taken)`` pairs."""
        items = [(int(k), bool(t)) for k, t in pairs]
        yes = {k for k, t in items if t}
        no = {k for k, t in items if not t}
        return cls(frozenset(yes), frozenset(no))

    @classmethod
    def from_pattern(cls, pattern: str) -> Condition:
        """Build from a ``Y``/``N``/``-`` pattern, one character per option (option 0 first)."""
        yes, no = set(), set()
        for k, ch in enumerate(pattern.strip().upper()):
            if ch == "Y":
                yes.add(k)
            elif ch == "N":
                no.add(k)
            elif ch not in "-*?":
                raise InputError(f"bad character {ch!r} in state pattern {pattern!r}")
        return cls(frozenset(yes), frozenset(no))

    @property
    def options(self) -> frozenset[int]:
        return self.taken | self.not_taken

    def holds(self, codes: IntArray) -> BoolArray:
        """Which of *codes* satisfy the condition."""
        yes = _mask(self.taken)
        no = _mask(self.not_taken)
        out: BoolArray = ((codes & yes) == yes) & ((codes & no) == 0)
        return out


def _mask(options: Iterable[int]) -> np.int64:
    m = 0
    for k in options:
        m |= 1 << int(k)
    return np.int64(m)


@dataclass(frozen=True, eq=False)
class ConflictModel:
    """A graph-model conflict: DMs, options, feasible states and preferences.

    Build one with :func:`build_model`, :func:`peacetable.conflict.read_gmcr` or
    :func:`peacetable.conflict.from_scenario`.

    Attributes
    ----------
    name:
        A label for reports.
    options, decision_makers:
        The options (in state-code bit order) and the DMs.
    states:
        Feasible state codes, ascending.
    payoffs:
        ``(n_dms, n_states)`` ordinal payoffs, higher is better, ties allowed.
    misperceived:
        ``(n_dms, n_states)`` states each DM does not perceive (GMCR+'s
        misperceptions, see :mod:`peacetable.conflict.moves`), or ``None``.
    """

    name: str
    options: tuple[Option, ...]
    decision_makers: tuple[DecisionMaker, ...]
    states: IntArray
    payoffs: IntArray
    misperceived: BoolArray | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n, s = len(self.decision_makers), len(self.states)
        if self.payoffs.shape != (n, s):
            raise InputError(f"payoffs must have shape ({n}, {s}), got {self.payoffs.shape}")
        if s and np.any(np.diff(self.states) <= 0):
            raise InputError("feasible state codes must be strictly ascending")
        if self.misperceived is not None and self.misperceived.shape != (n, s):
            raise InputError("misperceived must have the shape of payoffs")

    # -- sizes -------------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return len(self.states)

    @property
    def n_options(self) -> int:
        return len(self.options)

    @property
    def n_dms(self) -> int:
        return len(self.decision_makers)

    @property
    def dm_names(self) -> list[str]:
        return [dm.name for dm in self.decision_makers]

    def dm_mask(self, dm: int) -> np.int64:
        """Bit mask of the options DM *dm* controls."""
        return _mask(self.decision_makers[dm].options)

    def direction_masks(self) -> tuple[np.int64, np.int64]:
        """Bit masks of the forward-only and the backward-only options."""
        fwd = _mask(k for k, o in enumerate(self.options) if o.direction is Direction.FORWARD)
        back = _mask(k for k, o in enumerate(self.options) if o.direction is Direction.BACKWARD)
        return fwd, back

    # -- naming states -----------------------------------------------------------------------
    def dm_index(self, dm: int | str) -> int:
        """Index of a DM given by index or (case-insensitive) name."""
        if isinstance(dm, int | np.integer):
            if not 0 <= int(dm) < self.n_dms:
                raise InputError(f"no decision maker {dm}")
            return int(dm)
        for i, d in enumerate(self.decision_makers):
            if d.name == dm or d.name.lower() == str(dm).lower():
                return i
        raise InputError(f"no decision maker {dm!r}; known: {', '.join(self.dm_names)}")

    def indices_of(self, codes: IntArray) -> IntArray:
        """State indices of *codes*; ``-1`` where a code is not feasible."""
        codes = np.asarray(codes, dtype=np.int64)
        pos = np.searchsorted(self.states, codes)
        pos = np.minimum(pos, max(self.n_states - 1, 0))
        ok = self.states[pos] == codes if self.n_states else np.zeros(codes.shape, bool)
        return np.where(ok, pos, -1).astype(np.int64)

    def yn(self, index: int) -> str:
        """The ``Y``/``N`` pattern of state *index* (option 0 first)."""
        code = int(self.states[index])
        return "".join("Y" if code >> k & 1 else "N" for k in range(self.n_options))

    def yn_all(self) -> list[str]:
        """Patterns of all feasible states, in index order."""
        bits = (self.states[:, None] >> np.arange(self.n_options, dtype=np.int64)) & 1
        chars = np.where(bits == 1, "Y", "N")
        return ["".join(row) for row in chars]

    def parse_state(self, text: str | int) -> int:
        """Index of a state written as a ``Y``/``N`` pattern, ``#index`` or a decimal code.

        Raises
        ------
        InputError
            If the text names no feasible state.
        """
        raw = str(text).strip()
        if raw and set(raw.upper()) <= {"Y", "N"}:
            if len(raw) != self.n_options:
                raise InputError(
                    f"state {raw!r} has {len(raw)} letters; the model has {self.n_options} options"
                )
            code = sum(1 << k for k, ch in enumerate(raw.upper()) if ch == "Y")
        elif raw.startswith("#") and raw[1:].isdigit():
            index = int(raw[1:])
            if not 0 <= index < self.n_states:
                raise InputError(f"state index {index} out of range 0..{self.n_states - 1}")
            return index
        elif raw.isdigit():
            code = int(raw)
        else:
            raise InputError(
                f"cannot read state {raw!r}: give a Y/N pattern, a decimal code or #index"
            )
        index = int(self.indices_of(np.array([code]))[0])
        if index < 0:
            raise InputError(f"state {raw!r} is not feasible")
        return index

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the model (feasible states as Y/N patterns)."""
        return {
            "name": self.name,
            "options": [
                {
                    "index": k,
                    "name": o.name,
                    "dm": self.decision_makers[o.dm].name,
                    "permittedDirection": o.direction.value,
                }
                for k, o in enumerate(self.options)
            ],
            "decision_makers": [
                {"name": d.name, "options": list(d.options)} for d in self.decision_makers
            ],
            "states": self.yn_all(),
            "payoffs": {
                d.name: self.payoffs[i].tolist() for i, d in enumerate(self.decision_makers)
            },
        }


def enumerate_states(
    n_options: int,
    infeasible: Sequence[Condition] = (),
    exclusive: Sequence[Sequence[int]] = (),
    exactly_one: Sequence[Sequence[int]] = (),
) -> IntArray:
    """Feasible state codes, ascending, without enumerating all ``2**n`` combinations.

    Options are added one at a time and every rule is applied as soon as all
    its options are decided (at-most-one rules prune at every step), so the work
    is proportional to the number of feasible states times the number of options.

    Parameters
    ----------
    n_options:
        Number of options (at most 62).
    infeasible:
        Conditions that make a state infeasible.
    exclusive:
        Sets of options of which at most one may be taken.
    exactly_one:
        Sets of options of which exactly one must be taken.

    Raises
    ------
    InputError
        Too many options, a rule naming an option the model does not have, or
        more feasible states than the ``max_states`` limit
        (:mod:`peacetable.io.limits`): the enumeration stops as soon as the
        options decided so far have more feasible combinations than that,
        before allocating more.

    Examples
    --------
    >>> enumerate_states(2, [Condition.from_pairs([(0, True), (1, True)])]).tolist()
    [0, 1, 2]
    >>> from peacetable.io.limits import use_limits
    >>> with use_limits(max_states=2**10):
    ...     enumerate_states(30)
    Traceback (most recent call last):
    ...
    peacetable.errors.InputError: options: 30 options give up to 2^30 = 1,073,741,824 states and the first 11 alone have 2,048 feasible combinations: at most 1,024 (2^10) states are analysed; remove options or add infeasible states (or raise the limit with PEACETABLE_MAX_STATES)
    """
    if n_options > MAX_OPTIONS:
        raise InputError(
            f"at most {MAX_OPTIONS} options are supported, got {n_options}",
            Location(field="options"),
        )
    limit = current_limits().max_states
    rules_at: dict[int, list[Condition]] = {}
    for k, cond in enumerate(infeasible):
        if cond.options and not 0 <= min(cond.options) <= max(cond.options) < n_options:
            raise InputError(
                f"condition uses option {max(cond.options)} of {n_options}",
                Location(field=f"infeasible[{k}]"),
            )
        rules_at.setdefault(_last_of(cond.options), []).append(cond)
    for kind, groups in (("exclusive", exclusive), ("exactly_one", exactly_one)):
        for k, group in enumerate(groups):
            if any(not 0 <= int(o) < n_options for o in group):
                raise InputError(
                    f"a set names an option outside 0..{n_options - 1}",
                    Location(field=f"{kind}[{k}]"),
                )
    sets = [(_mask(s), _last_of(s), False) for s in exclusive]
    sets += [(_mask(s), _last_of(s), True) for s in exactly_one]
    codes = np.zeros(1, dtype=np.int64)
    if -1 in rules_at:  # a condition with no literal excludes everything
        return codes[:0]
    for k in range(n_options):
        codes = np.concatenate([codes, codes | np.int64(1 << k)])
        keep = np.ones(len(codes), dtype=bool)
        for cond in rules_at.get(k, ()):
            keep &= ~cond.holds(codes)
        for mask, last, exact in sets:
            count = _popcount(codes & mask)
            keep &= count <= 1
            if exact and last == k:
                keep &= count == 1
        codes = codes[keep]
        if len(codes) > limit:
            raise InputError(
                _too_many_states(n_options, k + 1, len(codes), limit), Location(field="options")
            )
    return codes


def _too_many_states(n_options: int, decided: int, count: int, limit: int) -> str:
    power = f" (2^{limit.bit_length() - 1})" if limit & (limit - 1) == 0 else ""
    return (
        f"{n_options} options give up to 2^{n_options} = {2**n_options:,} states and the first "
        f"{decided} alone have {count:,} feasible combinations: at most {limit:,}{power} states "
        "are analysed; remove options or add infeasible states "
        "(or raise the limit with PEACETABLE_MAX_STATES)"
    )


def _last_of(options: Iterable[int]) -> int:
    """The highest option index of a rule, -1 for an empty rule."""
    return max(options, default=-1)


def _popcount(x: IntArray) -> IntArray:
    """Number of set bits per element (numpy >= 2 has it built in)."""
    if hasattr(np, "bitwise_count"):
        counted: IntArray = np.bitwise_count(x.astype(np.uint64)).astype(np.int64)
        return counted
    count = np.zeros(x.shape, dtype=np.int64)
    x = x.copy()
    while np.any(x):
        count += x & 1
        x >>= 1
    return count


def _options_and_dms(
    options: Sequence[tuple[str, str] | tuple[str, str, str | Direction]],
    decision_makers: Sequence[str] | None,
) -> tuple[tuple[Option, ...], tuple[DecisionMaker, ...]]:
    """Options and DMs of :func:`build_model`; errors name the option (``options[k]``)."""
    dm_names: list[str] = list(decision_makers or [])
    if len(dm_names) > MAX_OPTIONS:
        raise InputError(
            f"{len(dm_names)} decision makers: at most {MAX_OPTIONS} (a conflict has at most "
            f"{MAX_OPTIONS} options and a decision maker without one cannot move)",
            Location(field="decision_makers"),
        )
    if len(set(dm_names)) != len(dm_names):
        raise InputError("a decision maker is named twice", Location(field="decision_makers"))
    opts: list[Option] = []
    for k, spec in enumerate(options):
        if spec[1] not in dm_names:
            if decision_makers is not None:
                raise InputError(
                    f"option {spec[0]!r} names unknown decision maker {spec[1]!r}",
                    Location(field=f"options[{k}]"),
                )
            dm_names.append(spec[1])
        try:
            direction = Direction.parse(spec[2]) if len(spec) > 2 else Direction.BOTH
        except InputError as exc:
            raise InputError(exc.message, Location(field=f"options[{k}].direction")) from None
        opts.append(Option(str(spec[0]), dm_names.index(spec[1]), direction))
    dms = tuple(
        DecisionMaker(n, tuple(k for k, o in enumerate(opts) if o.dm == i))
        for i, n in enumerate(dm_names)
    )
    return tuple(opts), dms


def _payoff_table(
    dm_names: list[str],
    codes: IntArray,
    payoffs: Mapping[str, IntArray | Sequence[int]] | None,
    preferences: Mapping[str, Any] | None,
) -> IntArray:
    """``(n_dms, n_states)`` payoffs; errors name the DM (``payoffs.<dm>``, ``preferences.<dm>``)."""
    table = np.zeros((len(dm_names), len(codes)), dtype=np.int64)
    for i, dm_name in enumerate(dm_names):
        if payoffs is not None and dm_name in payoffs:
            field = f"payoffs.{dm_name}"
            try:
                row = np.asarray(payoffs[dm_name], dtype=np.int64)
            except (TypeError, ValueError, OverflowError):
                raise InputError("payoffs must be whole numbers", Location(field=field)) from None
        elif preferences is not None and dm_name in preferences:
            field = f"preferences.{dm_name}"
            try:
                row = np.asarray(preferences[dm_name].payoffs(codes), dtype=np.int64)
            except InputError as exc:
                raise InputError(exc.message, Location(field=field)) from None
        else:
            raise InputError(
                f"no preferences for decision maker {dm_name!r}",
                Location(field=f"preferences.{dm_name}"),
            )
        if row.shape != (len(codes),):
            raise InputError(
                f"decision maker {dm_name!r}: {row.size} payoffs for {len(codes)} states",
                Location(field=field),
            )
        table[i] = row
    return table


def build_model(
    name: str,
    options: Sequence[tuple[str, str] | tuple[str, str, str | Direction]],
    payoffs: Mapping[str, IntArray | Sequence[int]] | None = None,
    *,
    decision_makers: Sequence[str] | None = None,
    states: IntArray | Sequence[int] | None = None,
    infeasible: Sequence[Condition] = (),
    exclusive: Sequence[Sequence[int]] = (),
    exactly_one: Sequence[Sequence[int]] = (),
    preferences: Mapping[str, Any] | None = None,
    misperceptions: Mapping[str, Sequence[Condition]] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> ConflictModel:
    """Assemble a :class:`ConflictModel`.

    Parameters
    ----------
    name:
        Label of the conflict.
    options:
        ``(option name, DM name[, direction])`` per option, in bit order.
    payoffs:
        DM name -> payoff per feasible state (index order). Either this or
        *preferences* must cover every DM.
    decision_makers:
        DM order (default: order of first appearance in *options*).
    states:
        Explicit feasible state codes; otherwise enumerated from *infeasible*,
        *exclusive* and *exactly_one*.
    preferences:
        DM name -> a :class:`~peacetable.conflict.preferences.Ranking` or
        :class:`~peacetable.conflict.preferences.Prioritization` (anything with
        ``payoffs(model_states) -> array``).
    misperceptions:
        DM name -> conditions describing the states that DM does not perceive.

    Examples
    --------
    >>> m = build_model("chicken", [("straight", "A"), ("straight", "B")],
    ...                 {"A": [3, 4, 2, 1], "B": [3, 2, 4, 1]})
    >>> m.n_states, m.dm_names
    (4, ['A', 'B'])
    """
    opts, dms = _options_and_dms(options, decision_makers)
    dm_names = [d.name for d in dms]
    if states is None:
        codes = enumerate_states(len(opts), infeasible, exclusive, exactly_one)
    else:
        codes = np.unique(np.asarray(states, dtype=np.int64))
        if len(codes) > current_limits().max_states:
            raise InputError(
                _too_many_states(len(opts), len(opts), len(codes), current_limits().max_states),
                Location(field="states"),
            )
        if len(codes) and (codes.min() < 0 or codes.max() >= 1 << len(opts)):
            raise InputError(
                "a state code uses an option the model does not have", Location(field="states")
            )
    if len(codes) == 0:
        raise InputError(f"conflict {name!r} has no feasible state", Location(field="infeasible"))
    table = _payoff_table(dm_names, codes, payoffs, preferences)
    misp = None
    if misperceptions:
        misp = np.zeros_like(table, dtype=bool)
        for dm_name, conds in misperceptions.items():
            if dm_name not in dm_names:
                raise InputError(
                    f"unknown decision maker {dm_name!r}",
                    Location(field=f"misperceptions.{dm_name}"),
                )
            i = dm_names.index(dm_name)
            for cond in conds:
                misp[i] |= cond.holds(codes)
        if not misp.any():
            misp = None
    return ConflictModel(name, opts, dms, codes, table, misp, dict(meta or {}))
