"""Read GMCR+ (gmcr-py) ``.gmcr`` save files and transcribed models; write results.

The ``.gmcr`` format (JSON, as read by gmcr-py 0.4.1): ``options`` with
``name`` and ``permittedDirection`` (``both``, ``fwd`` = only N→Y, ``back``);
``decisionMakers`` with ``name``, ``options`` (option indices), ``preferences``
(prioritized statements), ``misperceptions`` and, when
``useManualPreferenceRanking`` is set, ``preferenceRanking`` (older files:
``useManualPreferenceVectors`` / ``preferenceVector``); ``infeasibles``; and
``coalitions``. A condition is ``[[option index, "Y"|"N"], ...]`` (AND), a
compound statement ``{"compound": true, "members": [condition, ...]}`` (OR).
States in a ranking are gmcr-py's *ordered* numbers: ``1..S`` by increasing
decimal code of the feasible states.

``misperceptions`` are implemented (see :mod:`peacetable.conflict.moves`):
each DM's misperceived states are removed from its own move graph. The
``coalitions`` field is read into ``model.meta["coalitions"]`` (DM name lists,
which can be passed to :func:`peacetable.conflict.coalition_analysis`); it does
not change the per-DM stability results.

Files are read by :func:`peacetable.io.json_parse.parse_json` (nesting, number
size and ``NaN``/``Infinity`` refused) and every problem is reported as an
:class:`~peacetable.errors.InputError` with the file, line, column and field:
an option index or ranking entry out of range (a ranking entry ``0`` is not
read as the last state), a state ranked twice or left out, too many states
(the ``max_states`` limit is checked while the states are enumerated).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np

from peacetable.conflict.model import (
    MAX_OPTIONS,
    Condition,
    ConflictModel,
    Direction,
    IntArray,
    build_model,
    enumerate_states,
)
from peacetable.conflict.preferences import Any_, Prioritization, Ranking, Statement, from_condition
from peacetable.errors import InputError, Location
from peacetable.io import write_text_atomic
from peacetable.io.json_parse import Key, parse_json, position_of
from peacetable.io.textfiles import read_text
from peacetable.model.validate import dotted

_DM_INDEX = "a decision maker index"

P = ParamSpec("P")
R = TypeVar("R")


class _Doc:
    """A parsed conflict file: its data, its name for messages, where each value is written."""

    def __init__(self, source: str | Path | Mapping[str, Any]) -> None:
        self.positions: Mapping[Key, tuple[int, int]] | None = None
        if isinstance(source, Mapping):
            self.data: Any = dict(source)
            self.label = "<data>"
        else:
            self.label = str(source)
            self.data, self.positions = parse_json(read_text(source), self.label)

    def error(self, message: str, *path: str | int) -> InputError:
        line, column = position_of(self.positions, path)
        return InputError(message, Location(self.label, line, column, dotted(path) or None))

    def items(self, container: Any, *path: str | int, required: bool = False) -> list[Any]:
        """The list at *path* (``container`` holds it); an empty list when absent."""
        key = path[-1]
        if isinstance(container, Mapping) and key in container:
            value = container[key]
        elif required:
            raise self.error(f"missing field {key!r}", *path[:-1])
        else:
            return []
        if not isinstance(value, list):
            raise self.error(f"expected a list, got {_kind(value)}", *path)
        return value

    def index(
        self, value: Any, size: int, *path: str | int, base: int = 0, what: str = "an index"
    ) -> int:
        """A whole number in ``base .. size - 1 + base`` (``bool`` and fractions refused)."""
        ok = isinstance(value, int) and not isinstance(value, bool)
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value, ok = int(value), True
        if not ok or not base <= value < size + base:
            shown = repr(value) if isinstance(value, int | float | str) else _kind(value)
            raise self.error(f"{shown[:40]} is not {what} {base}..{size - 1 + base}", *path)
        return int(value)


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else repr(value)[:20]


def _condition(doc: _Doc, raw: Any, n_options: int, *path: str | int) -> Condition:
    """``[[option index, "Y"|"N"], ...]``."""
    if not isinstance(raw, list):
        raise doc.error('a condition is a list of [option index, "Y" or "N"] pairs', *path)
    pairs = []
    for j, pair in enumerate(raw):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise doc.error('expected [option index, "Y" or "N"]', *path, j)
        k = doc.index(pair[0], n_options, *path, j, 0, what="an option index")
        taken = str(pair[1]).strip().upper()
        if taken not in ("Y", "N"):
            raise doc.error(f'{str(pair[1])[:20]!r} is not "Y" or "N"', *path, j, 1)
        pairs.append((k, taken == "Y"))
    return Condition.from_pairs(pairs)


def _members(doc: _Doc, raw: Any, n_options: int, *path: str | int) -> list[Condition]:
    """A condition, or each member of a compound (OR) condition."""
    if isinstance(raw, Mapping):
        members = doc.items(raw, *path, "members")
        return [_condition(doc, m, n_options, *path, "members", j) for j, m in enumerate(members)]
    return [_condition(doc, raw, n_options, *path)]


def _statement(doc: _Doc, raw: Any, n_options: int, *path: str | int) -> Statement:
    conditions = _members(doc, raw, n_options, *path)
    if isinstance(raw, Mapping):
        return Any_(tuple(from_condition(c) for c in conditions))
    return from_condition(conditions[0])


def _ranking_payoffs(doc: _Doc, raw: Any, codes: IntArray, *path: str | int) -> IntArray:
    """Payoffs from a ranking of gmcr-py ordered state numbers ``1..S`` (best first)."""
    if not isinstance(raw, list):
        raise doc.error(f"expected a list of state numbers 1..{len(codes)}", *path)
    groups = []
    where: dict[int, int] = {}
    for g, entry in enumerate(raw):
        members = entry if isinstance(entry, list) else [entry]
        group = []
        for j, k in enumerate(members):
            at = (*path, g, j) if isinstance(entry, list) else (*path, g)
            number = doc.index(k, len(codes), *at, base=1, what="a state number")
            if number in where:
                raise doc.error(
                    f"state {number} is ranked twice (entries {where[number] + 1} and {g + 1})",
                    *at,
                )
            where[number] = g
            group.append(int(codes[number - 1]))
        groups.append(tuple(group))
    if len(where) != len(codes):
        missing = [k for k in range(1, len(codes) + 1) if k not in where]
        shown = ", ".join(map(str, missing[:8])) + (", …" if len(missing) > 8 else "")
        raise doc.error(
            f"the ranking leaves out {len(missing)} of {len(codes)} states: {shown}", *path
        )
    return Ranking(tuple(groups)).payoffs(codes)


def _malformed_is_input_error(func: Callable[P, R]) -> Callable[P, R]:
    """Report a file of the wrong shape that no check caught as an InputError (a safety net)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            source = args[0] if args else kwargs.get("source")
            label = str(source) if isinstance(source, str | Path) else "<data>"
            raise InputError(
                f"malformed conflict file ({type(exc).__name__}: {exc})", Location(label)
            ) from None

    return wrapper


def _relocated(doc: _Doc, exc: InputError, *path: str | int) -> InputError:
    """A builder error (which names a field, not a file) at *path* of the file."""
    field = exc.location.field if exc.location is not None else None
    line, column = position_of(doc.positions, path)
    return InputError(exc.message, Location(doc.label, line, column, field or dotted(path)))


def _options(doc: _Doc, raw_options: list[Any], raw_dms: list[Any]) -> tuple[list[Any], list[str]]:
    """``(name, dm, direction)`` per option and the DM names, every index checked."""
    n = len(raw_options)
    if n > MAX_OPTIONS:
        raise doc.error(f"{n} options: at most {MAX_OPTIONS}", "options")
    if len(raw_dms) > MAX_OPTIONS:
        raise doc.error(
            f"{len(raw_dms)} decision makers: at most {MAX_OPTIONS} (one per option at most)",
            "decisionMakers",
        )
    owner: dict[int, str] = {}
    dm_names: list[str] = []
    seen: set[str] = set()
    for d, dm in enumerate(raw_dms):
        if not isinstance(dm, Mapping) or not isinstance(dm.get("name"), str | int):
            raise doc.error(
                "malformed conflict file: a decision maker is an object with a 'name'",
                "decisionMakers",
                d,
            )
        name = str(dm["name"])
        if name in seen:
            raise doc.error(f"two decision makers are named {name!r}", "decisionMakers", d, "name")
        seen.add(name)
        dm_names.append(name)
        for j, raw in enumerate(doc.items(dm, "decisionMakers", d, "options")):
            k = doc.index(raw, n, "decisionMakers", d, "options", j, what="an option index")
            if k in owner:
                raise doc.error(
                    f"option {k} is controlled by both {owner[k]!r} and {name!r}",
                    "decisionMakers",
                    d,
                    "options",
                    j,
                )
            owner[k] = name
    options = []
    for k, opt in enumerate(raw_options):
        if not isinstance(opt, Mapping):
            raise doc.error("an option is an object with a 'name'", "options", k)
        if k not in owner:
            raise doc.error(f"option {str(opt.get('name'))!r} has no decision maker", "options", k)
        try:
            direction = Direction.parse(str(opt.get("permittedDirection", "both")))
        except InputError as exc:
            raise doc.error(exc.message, "options", k, "permittedDirection") from None
        options.append((str(opt.get("name", f"option {k + 1}")), owner[k], direction))
    return options, dm_names


@_malformed_is_input_error
def read_gmcr(source: str | Path | Mapping[str, Any], name: str | None = None) -> ConflictModel:
    """Read a GMCR+ ``.gmcr`` save file into a :class:`ConflictModel`.

    Parameters
    ----------
    source:
        Path of the file, or its parsed JSON.
    name:
        Conflict name (default: the file's stem).

    Raises
    ------
    InputError
        If the file is not valid JSON or not a consistent conflict, or has
        more feasible states than the ``max_states`` limit; with the file,
        line, column and field.
    """
    doc = _Doc(source)
    data = doc.data
    if not isinstance(data, Mapping):
        raise doc.error("a .gmcr file is a JSON object with options and decisionMakers")
    name = name or (Path(doc.label).stem if doc.label != "<data>" else "conflict")
    raw_options = doc.items(data, "options", required=True)
    raw_dms = doc.items(data, "decisionMakers", required=True)
    options, dm_names = _options(doc, raw_options, raw_dms)
    n = len(options)
    infeasible: list[Condition] = []
    for c, raw in enumerate(doc.items(data, "infeasibles")):
        infeasible.extend(_members(doc, raw, n, "infeasibles", c))
    manual = bool(
        data.get("useManualPreferenceRanking", data.get("useManualPreferenceVectors", False))
    )
    try:
        codes = enumerate_states(n, infeasible)
    except InputError as exc:
        raise _relocated(doc, exc, "options") from None
    if len(codes) == 0:
        raise doc.error("the infeasible conditions exclude every state", "infeasibles")
    payoffs: dict[str, IntArray] = {}
    misperceptions: dict[str, list[Condition]] = {}
    for d, dm in enumerate(raw_dms):
        if manual:
            key = "preferenceRanking" if "preferenceRanking" in dm else "preferenceVector"
            if dm.get(key) is None:
                raise doc.error(
                    "manual preference ranking selected but none given", "decisionMakers", d
                )
            payoffs[dm_names[d]] = _ranking_payoffs(doc, dm[key], codes, "decisionMakers", d, key)
        else:
            statements = tuple(
                _statement(doc, p, n, "decisionMakers", d, "preferences", j)
                for j, p in enumerate(doc.items(dm, "decisionMakers", d, "preferences"))
            )
            payoffs[dm_names[d]] = Prioritization(statements).payoffs(codes)
        misp = [
            c
            for j, raw in enumerate(doc.items(dm, "decisionMakers", d, "misperceptions"))
            for c in _members(doc, raw, n, "decisionMakers", d, "misperceptions", j)
        ]
        if misp:
            misperceptions[dm_names[d]] = misp
    coalitions = _coalitions(doc, data.get("coalitions"), dm_names)
    try:
        return build_model(
            name,
            options,
            payoffs,
            decision_makers=dm_names,
            states=codes,
            misperceptions=misperceptions,
            meta={"source": doc.label, "format": "gmcr", "coalitions": coalitions},
        )
    except InputError as exc:
        raise _relocated(doc, exc) from None


def _coalitions(doc: _Doc, raw: Any, dm_names: list[str]) -> list[list[str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise doc.error(f"expected a list, got {_kind(raw)}", "coalitions")
    out: list[list[str]] = []
    for c, entry in enumerate(raw):
        if isinstance(entry, list):
            out.append(
                [
                    dm_names[doc.index(k, len(dm_names), "coalitions", c, j, what=_DM_INDEX)]
                    for j, k in enumerate(entry)
                ]
            )
        else:
            out.append([dm_names[doc.index(entry, len(dm_names), "coalitions", c, what=_DM_INDEX)]])
    return out


@_malformed_is_input_error
def read_transcribed(
    source: str | Path | Mapping[str, Any],
    misperceptions: Mapping[str, Sequence[str]] | None = None,
    name: str | None = None,
) -> ConflictModel:
    """Read the model transcribed in a ``<case>.expected.json`` of the GMCR verification cases.

    Such a file lists ``options`` (with ``dm`` and ``permittedDirection``), the
    feasible ``states`` as Y/N patterns and ``preferenceRanking_gmcrpy_ordered``
    (per DM, best first, ties as nested lists, gmcr-py ordered numbers).
    A model exported by :meth:`ConflictModel.to_dict` (``states`` + ``payoffs``)
    is read too.

    Parameters
    ----------
    misperceptions:
        DM name -> Y/N/- patterns of states that DM does not perceive (the
        transcriptions leave these out).
    """
    doc = _Doc(source)
    data = doc.data
    if not isinstance(data, Mapping):
        raise doc.error("a transcribed model is a JSON object with options and states")
    name = name or str(data.get("case") or data.get("name") or Path(doc.label).stem.split(".")[0])
    raw_opts = doc.items(data, "options", required=True)
    raw_states = doc.items(data, "states", required=True)
    if len(raw_opts) > MAX_OPTIONS:
        raise doc.error(f"{len(raw_opts)} options: at most {MAX_OPTIONS}", "options")
    opts = sorted(raw_opts, key=lambda o: int(o.get("index", 0)))
    options = [
        (str(o["name"]), str(o["dm"]), str(o.get("permittedDirection", "both"))) for o in opts
    ]
    codes = np.zeros(len(raw_states), dtype=np.int64)
    for s, state in enumerate(raw_states):
        yn = str(state["yn"] if isinstance(state, Mapping) else state).upper()
        if len(yn) != len(options) or set(yn) - {"Y", "N"}:
            raise doc.error(f"a state is {len(options)} letters Y or N", "states", s)
        codes[s] = sum(1 << k for k, ch in enumerate(yn) if ch == "Y")
    order = np.argsort(codes)
    codes = codes[order]
    rankings = data.get("preferenceRanking_gmcrpy_ordered")
    payoffs: dict[str, Any] = {}
    if rankings:
        dm_names = list(rankings)
        for dm, raw in rankings.items():
            payoffs[dm] = _ranking_payoffs(doc, raw, codes, "preferenceRanking_gmcrpy_ordered", dm)
    elif "payoffs" in data:
        dm_names = list(data["payoffs"])
        for dm, v in data["payoffs"].items():
            row = np.asarray(v, dtype=np.int64)
            if row.shape != (len(codes),):
                raise doc.error(
                    f"malformed conflict file: {row.size} payoffs for {len(codes)} states",
                    "payoffs",
                    dm,
                )
            payoffs[dm] = row[order]
    else:
        raise doc.error("no preferenceRanking_gmcrpy_ordered or payoffs")
    for o in options:
        if o[1] not in dm_names:
            dm_names.append(o[1])
    misp = {
        dm: [Condition.from_pattern(p) for p in pats] for dm, pats in (misperceptions or {}).items()
    }
    try:
        return build_model(
            name,
            options,
            payoffs,
            decision_makers=dm_names,
            states=codes,
            misperceptions=misp,
            meta={"source": doc.label, "format": "transcribed"},
        )
    except InputError as exc:
        raise _relocated(doc, exc) from None


def write_json(data: Any, path: str | Path) -> None:
    """Write *data* (anything with ``to_dict()`` or plain JSON data) atomically."""
    payload = data.to_dict() if hasattr(data, "to_dict") else data
    write_text_atomic(Path(path), json.dumps(payload, indent=2) + "\n")
