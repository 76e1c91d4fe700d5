"""Scenarios shipped with peacetable (the default: ``ukraine-2022``).

Each is a YAML file in this package's ``data`` folder, named ``<id>.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
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
    here equal those of :func:`load_builtin`.

    Examples
    --------
    >>> builtin_summary("ukraine-2022")["issues"]
    11
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(builtin_text(scenario_id), Loader=loader)
    return {
        "id": scenario_id,
        "title": data.get("title", scenario_id),
        "parties": len(data.get("parties") or ()),
        "issues": len(data.get("issues") or ()),
        "proposals": len(data.get("proposals") or ()),
    }


__all__ = ["DEFAULT_SCENARIO", "builtin_summary", "builtin_text", "list_builtin", "load_builtin"]
