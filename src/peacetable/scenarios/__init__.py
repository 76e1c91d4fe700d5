"""Scenarios shipped with peacetable (the default: ``ukraine-2022``).

Each is a YAML file in this package's ``data`` folder, named ``<id>.yaml``.
``data/index.json`` holds each one's summary and the SHA-256 of its text, so
``peacetable scenarios list`` need not parse the YAML; a summary whose hash
does not match is computed from the file (:func:`write_index` refreshes the
index; a test keeps it current).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peacetable.defaults import DEFAULT_SCENARIO
from peacetable.errors import ScenarioError, suggest

if TYPE_CHECKING:
    from peacetable.model import Scenario


def list_builtin() -> list[str]:
    """Ids of the embedded scenarios, sorted."""
    folder = resources.files(__package__).joinpath("data")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def builtin_text(scenario_id: str) -> str:
    """The YAML text of an embedded scenario."""
    ids = list_builtin()
    if scenario_id not in ids:
        raise ScenarioError(
            f"no embedded scenario {scenario_id!r}{suggest(scenario_id, ids)}; "
            f"embedded: {', '.join(ids)} (or give a path to a scenario file)"
        )
    return resources.files(__package__).joinpath("data", f"{scenario_id}.yaml").read_text("utf-8")


@lru_cache(maxsize=8)
def load_builtin(scenario_id: str = DEFAULT_SCENARIO) -> Scenario:
    """Load and validate an embedded scenario by id."""
    from peacetable.io import loads_scenario

    return loads_scenario(builtin_text(scenario_id), file=f"<builtin>/{scenario_id}.yaml")


def builtin_summary(scenario_id: str) -> dict[str, Any]:
    """Id, title and counts of an embedded scenario, read without validating it (fast).

    The embedded scenarios are validated by the test suite, so their counts
    here equal those of :func:`load_builtin`. The summary comes from
    ``data/index.json`` when the file's SHA-256 matches the one recorded
    there, otherwise from parsing the YAML.

    Examples
    --------
    >>> builtin_summary("ukraine-2022")["issues"]
    11
    """
    text = builtin_text(scenario_id)
    entry = _index().get(scenario_id)
    if entry is not None and entry.get("sha256") == _digest(text):
        return {key: entry[key] for key in _SUMMARY_KEYS}
    return _summarise(scenario_id, text)


_SUMMARY_KEYS = ("id", "title", "parties", "issues", "proposals")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _summarise(scenario_id: str, text: str) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)
    return {
        "id": scenario_id,
        "title": data.get("title", scenario_id),
        "parties": len(data.get("parties") or ()),
        "issues": len(data.get("issues") or ()),
        "proposals": len(data.get("proposals") or ()),
    }


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, Any]]:
    path = resources.files(__package__).joinpath("data", "index.json")
    if not path.is_file():
        return {}
    data: dict[str, dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return data


def index_entries() -> dict[str, dict[str, Any]]:
    """What ``data/index.json`` should hold: each embedded scenario's summary and hash.

    Returns
    -------
    dict
        ``{scenario id: {"id", "title", "parties", "issues", "proposals", "sha256"}}``,
        parsed from the YAML files (the slow path the index saves).

    Examples
    --------
    >>> entry = index_entries()["ukraine-2022"]
    >>> entry["parties"], len(entry["sha256"])
    (8, 64)
    """
    entries = {}
    for sid in list_builtin():
        text = builtin_text(sid)
        entries[sid] = {**_summarise(sid, text), "sha256": _digest(text)}
    return entries


def write_index() -> Path:
    """Rewrite ``data/index.json`` from the YAML files (for developers; returns its path).

    Run it after editing an embedded scenario; ``tests/scenarios`` fails while the
    index is stale (``scenarios list`` then parses the YAML, so it stays right).

    Examples
    --------
    From the repository: ``python -c "from peacetable.scenarios import write_index;
    write_index()"`` (it writes into the package, so it is not run as a doctest).
    """
    path = Path(str(resources.files(__package__).joinpath("data", "index.json")))
    path.write_text(json.dumps(index_entries(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    _index.cache_clear()
    return path


__all__ = [
    "DEFAULT_SCENARIO",
    "builtin_summary",
    "builtin_text",
    "index_entries",
    "list_builtin",
    "load_builtin",
    "write_index",
]
