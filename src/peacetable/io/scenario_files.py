"""Load and save scenario files (YAML or JSON) with located, readable errors.

Loading keeps the line and column of every key, so that any problem, whether
found by the schema (pydantic) or by the cross-reference checks, is reported
as ``file:line:col: field.path: message``. Saving is atomic: the file is
written to a temporary file in the same folder and renamed over the target,
so a failed write never leaves a half-written scenario.
"""

from __future__ import annotations

import json
import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from peacetable.errors import Location, ScenarioError, suggest
from peacetable.io.json_parse import parse_json
from peacetable.io.textfiles import read_text, write_bytes_atomic, write_text_atomic
from peacetable.io.yaml_parse import parse_yaml
from peacetable.model.problems import Path, Problem, dotted
from peacetable.model.scenario import Estimate, Scenario
from peacetable.model.validate import find_problems, problems_to_error

Positions = Mapping[Path, tuple[int, int]]


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Load and validate a scenario file (``.yaml``, ``.yml`` or ``.json``).

    Raises
    ------
    ScenarioError
        For anything wrong with the file, with its location.
    """
    p = FsPath(path)
    text = read_text(p, label=str(path), error=ScenarioError)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    return loads_scenario(text, file=str(path), fmt=fmt)


def loads_scenario(text: str, file: str = "<string>", fmt: str = "yaml") -> Scenario:
    """Parse and validate scenario *text* (``fmt`` is ``"yaml"`` or ``"json"``)."""
    data, positions = _parse(text, file, fmt)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"a scenario is a mapping of keys (format, id, parties, ...), got {type(data).__name__}",
            Location(file=file, line=1, column=1),
        )
    return scenario_from_data(data, file=file, positions=positions)


def scenario_from_data(
    data: Mapping[str, Any], file: str | None = None, positions: Positions | None = None
) -> Scenario:
    """Validate plain data (as parsed from YAML/JSON) into a :class:`Scenario`."""
    if "format" in data and data["format"] != "peacetable/1":
        line, column = (positions or {}).get(("format",), (None, None))
        raise ScenarioError(
            f"unsupported format {data['format']!r}; this version reads 'peacetable/1'",
            Location(file, line, column, "format"),
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise problems_to_error(_pydantic_problems(exc, data), file, positions) from None
    problems = find_problems(scenario)
    if problems:
        raise problems_to_error(problems, file, positions)
    return scenario


def _parse(text: str, file: str, fmt: str) -> tuple[Any, Positions]:
    if fmt == "json":
        return parse_json(text, file, error=ScenarioError)
    data, positions = parse_yaml(text, file, error=ScenarioError)
    if data is None:
        raise ScenarioError("the file is empty", Location(file, 1, 1))
    return data, positions


# --- pydantic errors → problems -------------------------------------------------------------


def _pydantic_problems(exc: ValidationError, data: Any) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[Path] = set()
    for err in exc.errors(include_url=False):
        path = _data_path(err["loc"], data)
        if err["type"] == "extra_forbidden":
            key = str(path[-1]) if path else "?"
            allowed = _allowed_keys(path[:-1])
            hint = suggest(key, allowed) if allowed else ""
            message = f"unknown key {key!r}{hint}"
            if allowed and not hint:
                message += f"; expected one of: {', '.join(sorted(allowed))}"
            problem = Problem(path, message, field=dotted(path[:-1]) or "(top level)")
        elif err["type"] == "missing":
            problem = Problem(
                path[:-1], f"missing required key {path[-1]!r}", field=dotted(path[:-1])
            )
        else:
            value = err.get("input")
            shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "too_short":
                need = (err.get("ctx") or {}).get("min_length", 1)
                msg = f"must have at least {need} item{'s' * (need != 1)}, got none"
                shown = "x" * 60  # nothing useful to show
            if err["type"] == "finite_number":
                msg = "must be a finite number, not NaN or infinity"
            if "instance of Estimate" in msg:
                msg = "expected a number or a mapping {value, range, source, assumption}"
            problem = Problem(path, f"{msg} (got {shown})" if len(shown) < 60 else msg)
        if path in seen:  # union branches report the same place more than once
            continue
        seen.add(path)
        problems.append(problem)
    return problems


def _data_path(loc: tuple[int | str, ...], data: Any) -> Path:
    """Keep only the parts of a pydantic ``loc`` that name keys/indices of *data*."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:  # noqa: SIM114 - separate for the type checker
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif (
            isinstance(part, str)
            and isinstance(node, dict)
            and not any(c in part for c in "[]()-")
            and part[:1].islower()
            and part not in ("function", "tagged")
        ):
            # a key the data lacks (missing field) or an extra key: keep it, stop walking
            path.append(part)
            node = None
    return tuple(path)


def _allowed_keys(path: Path) -> set[str]:
    """Field names (aliases) the model accepts at *path*, when it is a model."""
    annotation: Any = Scenario
    for part in path:
        annotation = _step(annotation, part)
        if annotation is None:
            return set()
    model = _as_model(annotation)
    if model is None:
        return set()
    return {f.alias or name for name, f in model.model_fields.items()}


def _as_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _unwrap(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def _step(annotation: Any, part: str | int) -> Any:
    for candidate in _unwrap(annotation):
        model = (
            candidate if isinstance(candidate, type) and issubclass(candidate, BaseModel) else None
        )
        if model is not None and isinstance(part, str):
            for name, f in model.model_fields.items():
                if part in (name, f.alias):
                    return (
                        f.annotation
                        if not f.metadata
                        else typing.Annotated[(f.annotation, *f.metadata)]
                    )
            continue
        origin = typing.get_origin(candidate)
        args = typing.get_args(candidate)
        if origin is tuple and isinstance(part, int) and args:
            return args[0]
        if origin is dict and isinstance(part, str) and len(args) == 2:
            return args[1]
    return None


# --- saving -----------------------------------------------------------------------------------


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """Plain, compact data for a scenario (estimates without range or source become numbers)."""
    data = scenario.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude_defaults=False
    )
    return typing.cast(dict[str, Any], _compact(data))


def _compact(obj: Any) -> Any:
    if isinstance(obj, dict):
        if set(obj) == {"value"} and isinstance(obj["value"], int | float):
            return obj["value"]
        return {k: _compact(v) for k, v in obj.items() if (v != [] and v != {}) or k in _KEEP_EMPTY}
    if isinstance(obj, list):
        return [_compact(v) for v in obj]
    return obj


_KEEP_EMPTY = {"preferences", "weights", "values", "package"}


def dumps_scenario(scenario: Scenario, fmt: str = "yaml") -> str:
    """Serialise a scenario to YAML (default) or JSON text."""
    data = scenario_to_data(scenario)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write *scenario* to *path* atomically (format from the suffix: .json or YAML)."""
    p = FsPath(path)
    text = dumps_scenario(scenario, "json" if p.suffix.lower() == ".json" else "yaml")
    write_text_atomic(p, text)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format (``peacetable/1``)."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "peacetable scenario (format peacetable/1)"
    return schema


__all__ = [
    "Estimate",
    "dumps_scenario",
    "load_scenario",
    "loads_scenario",
    "save_scenario",
    "scenario_from_data",
    "scenario_json_schema",
    "scenario_to_data",
    "write_bytes_atomic",
    "write_text_atomic",
]
