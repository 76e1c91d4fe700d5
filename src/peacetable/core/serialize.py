"""The one serializer: every result becomes plain JSON data the same way.

:func:`to_plain` turns results (frozen dataclasses), mappings, sequences,
NumPy scalars and arrays into ``dict``/``list``/``str``/``int``/``float``/
``bool``/``None``. Floats are rounded once, here, to :data:`SIGNIFICANT`
significant digits (so that sums that differ only in their last bits, or
within the exact grid's tie of about 1e-11, print alike), and non-finite floats become ``None`` (JSON has no NaN or infinity).

A dataclass serialises its fields in declaration order, skipping those whose
name starts with ``_`` or whose field metadata says ``{"plain": False}``,
then the properties it lists in a class attribute ``plain_properties``. A
field may be renamed with metadata ``{"plain": "new_name"}``. Objects that
are not dataclasses but have ``to_dict()`` are serialised through it.

:func:`dumps` writes JSON with a stable key order.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

#: Significant digits kept for every float of a serialised result.
SIGNIFICANT = 10


def plain_float(x: float) -> float | None:
    """A float rounded to :data:`SIGNIFICANT` digits; ``None`` when not finite.

    Examples
    --------
    >>> plain_float(0.1 + 0.2), plain_float(float("nan"))
    (0.3, None)
    """
    if not math.isfinite(x):
        return None
    if x == 0.0:
        return 0.0
    return float(f"{x:.{SIGNIFICANT}g}")


def to_plain(obj: Any) -> Any:
    """Plain JSON data of a result, a container of results, or a NumPy value.

    Examples
    --------
    >>> import numpy as np
    >>> to_plain({"u": np.array([0.1 + 0.2, np.inf]), "n": np.int64(3)})
    {'u': [0.3, None], 'n': 3}
    """
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return plain_float(float(obj))
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return to_plain(obj.tolist())
    if isinstance(obj, enum.Enum):
        return to_plain(obj.value)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _dataclass_plain(obj)
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_plain(to_dict())
    if isinstance(obj, Mapping):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        items = sorted(obj, key=repr) if isinstance(obj, set | frozenset) else obj
        return [to_plain(v) for v in items]
    model_dump = getattr(obj, "model_dump", None)
    if callable(model_dump):
        return to_plain(model_dump(mode="json", exclude_none=True))
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def _dataclass_plain(obj: Any) -> dict[str, Any]:
    """Fields (and listed properties) of a dataclass instance as plain data."""
    custom = getattr(type(obj), "to_dict", None)
    if custom is not None and getattr(custom, "__plain_generic__", False) is False:
        return dict(to_plain(custom(obj)))
    return dataclass_fields(obj)


def dataclass_fields(obj: Any) -> dict[str, Any]:
    """The generic form of a dataclass: its public fields, then its ``plain_properties``."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        rename = f.metadata.get("plain", True)
        if f.name.startswith("_") or rename is False:
            continue
        key = rename if isinstance(rename, str) else f.name
        out[key] = to_plain(getattr(obj, f.name))
    for name in getattr(type(obj), "plain_properties", ()):
        out[name] = to_plain(getattr(obj, name))
    return out


def generic_to_dict(self: Any) -> dict[str, Any]:
    """``to_dict`` of a result class: :func:`dataclass_fields` of the instance."""
    return dataclass_fields(self)


generic_to_dict.__plain_generic__ = True  # type: ignore[attr-defined]


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """JSON text of *data* (through :func:`to_plain`), keys in insertion order.

    Examples
    --------
    >>> dumps({"a": 1.0 / 3.0}, indent=None)
    '{"a": 0.3333333333}'
    """
    return json.dumps(to_plain(data), indent=indent, ensure_ascii=False, allow_nan=False)


def without_timings(data: Any) -> Any:
    """A copy of plain result data with every ``provenance.seconds`` removed.

    Two runs with the same seed give equal data after this (timings are the
    only thing that differs).

    Examples
    --------
    >>> without_timings({"x": 1, "provenance": {"method": "m", "seconds": 0.2}})
    {'x': 1, 'provenance': {'method': 'm'}}
    """
    if isinstance(data, dict):
        out = {}
        for k, v in data.items():
            if k == "provenance" and isinstance(v, dict):
                out[k] = {pk: pv for pk, pv in v.items() if pk != "seconds"}
            else:
                out[k] = without_timings(v)
        return out
    if isinstance(data, list):
        return [without_timings(v) for v in data]
    return data
