"""Reading and writing scenarios and other files, atomically and with located errors."""

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
