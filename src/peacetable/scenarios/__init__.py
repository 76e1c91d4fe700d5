"""Scenarios shipped with peacetable (the default: ``ukraine-2022``).

Each is a YAML file in this package's ``data`` folder, named ``<id>.yaml``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from peacetable.errors import ScenarioError
from peacetable.io import loads_scenario
from peacetable.model import Scenario
from peacetable.model.validate import suggest

DEFAULT_SCENARIO = "ukraine-2022"
"""Id of the scenario used when none is named."""


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
    return loads_scenario(builtin_text(scenario_id), file=f"<builtin>/{scenario_id}.yaml")


__all__ = ["DEFAULT_SCENARIO", "builtin_text", "list_builtin", "load_builtin"]
