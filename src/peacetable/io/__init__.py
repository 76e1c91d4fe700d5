"""Reading and writing scenarios and other files, atomically and with located errors."""

from peacetable.io.limits import DEFAULT_LIMITS, Limits, current_limits, use_limits
from peacetable.io.scenario_files import (
    dumps_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
    scenario_from_data,
    scenario_json_schema,
    scenario_to_data,
    write_bytes_atomic,
    write_text_atomic,
)

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "current_limits",
    "dumps_scenario",
    "load_scenario",
    "loads_scenario",
    "save_scenario",
    "scenario_from_data",
    "scenario_json_schema",
    "scenario_to_data",
    "use_limits",
    "write_bytes_atomic",
    "write_text_atomic",
]
