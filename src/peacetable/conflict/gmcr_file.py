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
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np

from peacetable.conflict.model import Condition, ConflictModel, build_model, enumerate_states
from peacetable.conflict.preferences import Any_, Prioritization, Ranking, Statement, from_condition
from peacetable.errors import InputError, Location
from peacetable.io import write_text_atomic

P = ParamSpec("P")
R = TypeVar("R")


def _load_json(source: str | Path | Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    if isinstance(source, Mapping):
        return dict(source), "<data>"
    path = Path(source)
    try:
        return json.loads(path.read_text(encoding="utf-8")), str(path)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg}", Location(str(path), exc.lineno, exc.colno)
        ) from None


def _condition(raw: Any, where: Location) -> Condition:
    try:
        return Condition.from_pairs((int(k), str(t).upper() == "Y") for k, t in raw)
    except (TypeError, ValueError):
        raise InputError(f"cannot read condition {raw!r}", where) from None


def _conditions(raw: Any, where: Location) -> list[Condition]:
    """A condition, or each member of a compound (OR) condition."""
    if isinstance(raw, Mapping):
        return [_condition(m, where) for m in raw.get("members", [])]
    return [_condition(raw, where)]


def _statement(raw: Any, where: Location) -> Statement:
    if isinstance(raw, Mapping):
        return Any_(tuple(from_condition(_condition(m, where)) for m in raw.get("members", [])))
    return from_condition(_condition(raw, where))


def _ranking_groups(raw: Sequence[Any], codes: np.ndarray, where: Location) -> Ranking:
    groups = []
    for entry in raw:
        members = entry if isinstance(entry, list) else [entry]
        try:
            groups.append(tuple(int(codes[int(k) - 1]) for k in members))
        except (IndexError, ValueError, TypeError):
            raise InputError(
                f"ranking entry {entry!r} is not a state number 1..{len(codes)}", where
            ) from None
    return Ranking(tuple(groups))


def _malformed_is_input_error(func: Callable[P, R]) -> Callable[P, R]:
    """Report a file of the wrong shape (missing key, wrong type) as an InputError."""

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
        If the file is not valid JSON or not a consistent conflict.
    """
    data, label = _load_json(source)
    name = name or (Path(label).stem if label != "<data>" else "conflict")
    try:
        raw_options = data["options"]
        raw_dms = data["decisionMakers"]
    except KeyError as exc:
        raise InputError(f"missing field {exc.args[0]!r}", Location(label)) from None
    owner: dict[int, str] = {}
    for d, dm in enumerate(raw_dms):
        for k in dm.get("options", []):
            if int(k) in owner:
                raise InputError(
                    f"option {k} is controlled by both {owner[int(k)]!r} and {dm['name']!r}",
                    Location(label, field=f"decisionMakers[{d}].options"),
                )
            owner[int(k)] = str(dm["name"])
    options = []
    for k, opt in enumerate(raw_options):
        if k not in owner:
            raise InputError(
                f"option {opt.get('name')!r} has no decision maker",
                Location(label, field=f"options[{k}]"),
            )
        options.append((str(opt["name"]), owner[k], str(opt.get("permittedDirection", "both"))))
    infeasible: list[Condition] = []
    for c, raw in enumerate(data.get("infeasibles", [])):
        where = Location(label, field=f"infeasibles[{c}]")
        infeasible.extend(_conditions(raw, where))
    manual = bool(
        data.get("useManualPreferenceRanking", data.get("useManualPreferenceVectors", False))
    )
    dm_names = [str(dm["name"]) for dm in raw_dms]
    codes = enumerate_states(len(options), infeasible)
    preferences: dict[str, Any] = {}
    misperceptions: dict[str, list[Condition]] = {}
    for d, dm in enumerate(raw_dms):
        where = Location(label, field=f"decisionMakers[{d}]")
        if manual:
            ranking = dm.get("preferenceRanking", dm.get("preferenceVector"))
            if ranking is None:
                raise InputError("manual preference ranking selected but none given", where)
            preferences[dm_names[d]] = _ranking_groups(ranking, codes, where)
        else:
            statements = tuple(_statement(p, where) for p in dm.get("preferences", []))
            preferences[dm_names[d]] = Prioritization(statements)
        misp = [c for raw in dm.get("misperceptions", []) for c in _conditions(raw, where)]
        if misp:
            misperceptions[dm_names[d]] = misp
    coalitions = _coalitions(data.get("coalitions"), dm_names)
    return build_model(
        name,
        options,
        decision_makers=dm_names,
        states=codes,
        preferences=preferences,
        misperceptions=misperceptions,
        meta={"source": label, "format": "gmcr", "coalitions": coalitions},
    )


def _coalitions(raw: Any, dm_names: list[str]) -> list[list[str]]:
    out: list[list[str]] = []
    for entry in raw or []:
        members = entry if isinstance(entry, list) else [entry]
        out.append([dm_names[int(k)] for k in members])
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
    data, label = _load_json(source)
    name = name or str(data.get("case") or data.get("name") or Path(label).stem.split(".")[0])
    try:
        opts = sorted(data["options"], key=lambda o: int(o.get("index", 0)))
        raw_states = data["states"]
    except KeyError as exc:
        raise InputError(f"missing field {exc.args[0]!r}", Location(label)) from None
    options = [
        (str(o["name"]), str(o["dm"]), str(o.get("permittedDirection", "both"))) for o in opts
    ]
    yns = [s["yn"] if isinstance(s, Mapping) else str(s) for s in raw_states]
    codes = np.array(
        [sum(1 << k for k, ch in enumerate(yn) if ch == "Y") for yn in yns], dtype=np.int64
    )
    order = np.argsort(codes)
    codes = codes[order]
    rankings = data.get("preferenceRanking_gmcrpy_ordered")
    payoffs: dict[str, Any] = {}
    preferences: dict[str, Any] = {}
    if rankings:
        dm_names = list(rankings)
        for dm, raw in rankings.items():
            preferences[dm] = _ranking_groups(
                raw, codes, Location(label, field=f"preferenceRanking.{dm}")
            )
    elif "payoffs" in data:
        dm_names = list(data["payoffs"])
        payoffs = {dm: np.asarray(v, dtype=np.int64)[order] for dm, v in data["payoffs"].items()}
    else:
        raise InputError("no preferenceRanking_gmcrpy_ordered or payoffs", Location(label))
    for o in options:
        if o[1] not in dm_names:
            dm_names.append(o[1])
    misp = {
        dm: [Condition.from_pattern(p) for p in pats] for dm, pats in (misperceptions or {}).items()
    }
    return build_model(
        name,
        options,
        payoffs or None,
        decision_makers=dm_names,
        states=codes,
        preferences=preferences or None,
        misperceptions=misp,
        meta={"source": label, "format": "transcribed"},
    )


def write_json(data: Any, path: str | Path) -> None:
    """Write *data* (anything with ``to_dict()`` or plain JSON data) atomically."""
    payload = data.to_dict() if hasattr(data, "to_dict") else data
    write_text_atomic(Path(path), json.dumps(payload, indent=2) + "\n")
