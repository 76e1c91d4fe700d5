"""Which importer reads the files given to ``peacetable convert``.

GENIUS XML (a domain and its profiles, as files or a folder) and GeniusWeb
JSON profiles (as files or a folder) are recognised by their names and a look
at their text, never by parsing them: a profile that is broken (a 5,000-digit
number, a byte-order mark, a syntax error) is still read by its importer, which
reports the real problem with its location, rather than being mistaken for a
scenario to export.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from peacetable.errors import InputError, Location, PeacetableError
from peacetable.io.genius import PathLike, find_genius_domain, load_genius
from peacetable.io.geniusweb import load_geniusweb
from peacetable.io.textfiles import read_bytes
from peacetable.model import Scenario

__all__ = ["import_negotiation"]

_MARK = b"LinearAdditiveUtilitySpace"


def _looks_like_geniusweb(path: Path) -> bool:
    try:
        return _MARK in read_bytes(path)
    except PeacetableError:
        return True  # unreadable: let the importer say why


def import_negotiation(
    paths: Sequence[PathLike], *, scenario_id: str | None = None
) -> tuple[Scenario, str] | None:
    """Import GENIUS or GeniusWeb files as a scenario; ``None`` when *paths* are neither.

    Parameters
    ----------
    paths:
        GENIUS XML files or their folder, or GeniusWeb profile JSON files or
        their folder.
    scenario_id:
        Id of the imported scenario.

    Returns
    -------
    (Scenario, str) or None
        The scenario and what was converted (``"GENIUS -> scenario"`` or
        ``"GeniusWeb -> scenario"``); ``None`` when the inputs are something
        else (e.g. one scenario to export).

    Raises
    ------
    InputError
        A folder holding neither kind of file, or any importer error.
    """
    files = [Path(p) for p in paths]
    folders = [p for p in files if p.is_dir()]
    if any(p.suffix.lower() == ".xml" for p in files) or any(any(f.glob("*.xml")) for f in folders):
        domain, profiles = find_genius_domain(files)
        return load_genius(domain, profiles, scenario_id=scenario_id), "GENIUS -> scenario"
    if folders:
        expanded: list[Path] = []
        for p in files:
            expanded.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
        if not expanded:
            raise InputError(
                "the folder holds no GENIUS XML (*.xml) or GeniusWeb profile (*.json) files",
                Location(file=str(folders[0])),
            )
        files = expanded
    if files and all(p.suffix.lower() == ".json" and _looks_like_geniusweb(p) for p in files):
        return load_geniusweb(files, scenario_id=scenario_id), "GeniusWeb -> scenario"
    if folders:
        raise InputError(
            "the folder's JSON files are not GeniusWeb profiles", Location(file=str(folders[0]))
        )
    return None
