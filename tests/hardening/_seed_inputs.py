"""Small valid inputs of every kind peacetable reads, the reader of each, and mutations.

Used by the fuzz tests (mutated valid files must only ever raise peacetable's own
errors) and the CLI tests (no bad input exits 1). Everything here is built in
memory: no external data is needed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from peacetable.conflict import read_gmcr, read_transcribed
from peacetable.forecast.readers import DEU_ACTORS, load_problem
from peacetable.io import load_scenario
from peacetable.io.genius import load_genius
from peacetable.io.geniusweb import load_geniusweb


def _yaml12(text: str) -> Any:
    """YAML data with YAML 1.2 booleans (``no`` stays a string), as peacetable reads it."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:bool"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return yaml.load(text, Loader=Loader)


MINI_YAML = (Path(__file__).resolve().parents[1] / "model" / "mini.yaml").read_text("utf-8")

GMCR_RANKING: dict[str, Any] = {
    "program": "gmcr-py",
    "version": "0.4.1",
    "useManualPreferenceRanking": True,
    "options": [
        {"name": "Drive straight (DM1)", "permittedDirection": "both"},
        {"name": "Drive straight (DM2)", "permittedDirection": "fwd"},
    ],
    "infeasibles": [],
    "coalitions": [0, 1],
    "decisionMakers": [
        {"name": "DM1", "options": [0], "preferences": [], "misperceptions": [],
         "preferenceRanking": [2, 1, 3, 4]},
        {"name": "DM2", "options": [1], "preferences": [], "misperceptions": [],
         "preferenceRanking": [3, 1, [2, 4]]},
    ],
}  # fmt: skip

GMCR_PRIORITIES: dict[str, Any] = {
    "options": [{"name": "a"}, {"name": "b"}, {"name": "c", "permittedDirection": "back"}],
    "infeasibles": [[[0, "Y"], [2, "Y"]]],
    "decisionMakers": [
        {"name": "A", "options": [0, 2], "preferences": [[[1, "N"]], [[0, "Y"]]]},
        {"name": "B", "options": [1],
         "preferences": [{"compound": True, "members": [[[0, "Y"]], [[1, "Y"]]]}],
         "misperceptions": [[[0, "Y"], [1, "Y"]]]},
    ],
    "coalitions": [[0, 1]],
}  # fmt: skip

TRANSCRIBED: dict[str, Any] = {
    "case": "chicken",
    "options": [
        {"index": 0, "name": "straight", "dm": "A", "permittedDirection": "both"},
        {"index": 1, "name": "straight", "dm": "B", "permittedDirection": "both"},
    ],
    "states": [{"yn": "NN"}, {"yn": "YN"}, {"yn": "NY"}, {"yn": "YY"}],
    "preferenceRanking_gmcrpy_ordered": {"A": [2, 1, 3, 4], "B": [3, 1, 2, 4]},
}

BDM_CSV = "Actor,Capability,Position,Salience\nNL,0.08,4,80\nBE,0.08,7,40\nDE,0.16,4,80\n"

KTAB_CSV = (
    "Dummy ,desc,3,2,\n"
    "Actor,Description,Power,Pstn1,Sal1,Pstn2,Sal2,\n"
    "A0, spatial, 102.5, 75.7, 49.5, 6.3, 5.9,\n"
    "A1, spatial, 53.3, 82.7, 30.3, 73.5, 21.2,\n"
    "A2, spatial, 129.6, 82.4, 48.4, 90.8, 13.5,\n"
)

KTAB_XML = """\ufeff<?xml version="1.0" encoding="UTF-8"?>
<Scenario>
  <name>Tiny</name>
  <Dimensions><dName>First</dName><dName>Second</dName></Dimensions>
  <Actors>
    <Actor><name>Alice</name><capability>117.7</capability>
      <Position><dCoord></dCoord><dCoord>39.8</dCoord></Position>
      <Salience><dSal>32.3</dSal><dSal>22.4</dSal></Salience></Actor>
    <Actor><name>Bob</name><capability>93.2</capability>
      <Position><dCoord>15.9</dCoord><dCoord>61.4</dCoord></Position>
      <Salience><dSal>40</dSal><dSal>50</dSal></Salience></Actor>
  </Actors>
</Scenario>
"""

DECIDE = (
    "'#A'\t'W'\t'Willems'\t''\n"
    "'#A'\t'P'\t'PvdA'\t''\n"
    "'#P'\t'toll'\t'toll'\t'Toll'\n"
    "'#M'\t'toll'\t0\n"
    "'#M'\t'toll'\t100\n"
    "'#D'\t'W'\t'toll'\t20\t0.5\t0.3\n"
    "'#D'\t'P'\t'toll'\t80\t0.9\t0.7\n"
)


def deu_table() -> str:
    """A two-issue DEU wide table with every required column."""
    header = ["isnr", "prname", "prnr", "proc", "out", "rp"]
    header += [f"p{a}" for a in DEU_ACTORS] + [f"s{a}" for a in DEU_ACTORS]
    rows = []
    for k in range(2):
        row = [f"i{k}", f"issue {k}", "g1", "COD", "40", "10"]
        row += [str((7 * j + 13 * k) % 101) for j in range(len(DEU_ACTORS))]
        row += [str((11 * j + 5 * k) % 101) if j % 3 else "" for j in range(len(DEU_ACTORS))]
        rows.append(row)
    return "\n".join("\t".join(f'"{c}"' for c in r) for r in [header, *rows]) + "\n"


GENIUS_DOMAIN = """<negotiation_template>
<utility_space number_of_issues="2">
<objective index="0" etype="objective" type="objective" name="root">
  <issue index="1" name="Price" type="integer" etype="integer" vtype="integer" lowerbound="10" upperbound="14"/>
  <issue index="2" name="Colour" etype="discrete" type="discrete" vtype="discrete">
    <item index="1" value="red"/>
    <item index="2" value="blue"/>
  </issue>
</objective>
</utility_space>
</negotiation_template>
"""

GENIUS_PROFILE = """<utility_space>
  <reservation value="0.3"/>
  <discount_factor value="0.9"/>
  <objective index="0" etype="objective" type="objective" name="root">
    <issue index="1" name="Price" type="integer" etype="integer" vtype="integer" lowerbound="10" upperbound="14">
      <evaluator ftype="linear" slope="-0.3" offset="1.0"/>
    </issue>
    <issue index="2" name="Colour" etype="discrete" type="discrete" vtype="discrete">
      <item index="1" value="red" evaluation="2"/>
      <item index="2" value="blue" evaluation="8"/>
    </issue>
    <weight index="1" value="0.6"/>
    <weight index="2" value="0.4"/>
  </objective>
</utility_space>
"""

GENIUSWEB: dict[str, Any] = {
    "LinearAdditiveUtilitySpace": {
        "name": "employer",
        "domain": {
            "name": "jobs",
            "issuesValues": {
                "lease car": {"values": ["yes", "no"]},
                "fte": {"values": ["0.6", "0.8", "1.0"]},
                "salary": {"range": {"low": 2000, "high": 4000, "step": 500}},
            },
        },
        "issueUtilities": {
            "lease car": {"DiscreteValueSetUtilities": {"valueUtilities": {"no": 0, "yes": 1}}},
            "fte": {
                "DiscreteValueSetUtilities": {
                    "valueUtilities": {"1.0": 0.75, "0.6": 0.25, "0.8": 0.5}
                }
            },
            "salary": {
                "NumberValueSetUtilities": {
                    "lowValue": 2000,
                    "lowUtility": 0.2,
                    "highValue": 4000,
                    "highUtility": 1,
                }
            },
        },
        "issueWeights": {"lease car": 0.5, "fte": 0.3, "salary": 0.2},
        "reservationBid": {"issuevalues": {"lease car": "no", "fte": "0.8", "salary": 3000}},
    }
}


@dataclass(frozen=True)
class Seed:
    """A valid input: its file name, text, how to read it and the CLI command that reads it."""

    kind: str
    name: str
    text: str
    read: Callable[[Path], object]
    command: tuple[str, ...]


def _genius(which: str) -> Callable[[Path], object]:
    def read(path: Path) -> object:
        other = path.with_name("other.xml")
        if which == "domain":
            other.write_text(GENIUS_PROFILE, "utf-8")
            return load_genius(path, [other])
        other.write_text(GENIUS_DOMAIN, "utf-8")
        return load_genius(other, [path])

    return read


SEEDS: tuple[Seed, ...] = (
    Seed("scenario_yaml", "s.yaml", MINI_YAML, load_scenario, ("scenarios", "validate")),
    Seed(
        "scenario_json",
        "s.json",
        json.dumps(_yaml12(MINI_YAML), indent=1),
        load_scenario,
        ("scenarios", "validate"),
    ),
    Seed("gmcr_ranking", "c.gmcr", json.dumps(GMCR_RANKING, indent=1), read_gmcr, ("conflict",)),
    Seed(
        "gmcr_priorities", "p.gmcr", json.dumps(GMCR_PRIORITIES, indent=1), read_gmcr, ("conflict",)
    ),
    Seed(
        "transcribed",
        "t.json",
        json.dumps(TRANSCRIBED, indent=1),
        read_transcribed,
        ("conflict",),
    ),
    Seed("bdm_csv", "b.csv", BDM_CSV, load_problem, ("forecast", "--model", "compromise")),
    Seed("ktab_csv", "k.csv", KTAB_CSV, load_problem, ("forecast", "--model", "compromise")),
    Seed("ktab_xml", "k.xml", KTAB_XML, load_problem, ("forecast", "--model", "compromise")),
    Seed("decide", "d.tsv", DECIDE, load_problem, ("forecast", "--model", "compromise")),
    Seed("deu", "deu.tsv", deu_table(), load_problem, ("forecast", "--model", "compromise")),
    Seed("genius_domain", "dom.xml", GENIUS_DOMAIN, _genius("domain"), ("convert",)),
    Seed("genius_profile", "prof.xml", GENIUS_PROFILE, _genius("profile"), ("convert",)),
    Seed(
        "geniusweb",
        "w.json",
        json.dumps(GENIUSWEB, indent=1),
        lambda p: load_geniusweb([p]),
        ("convert",),
    ),
)

#: Fragments that broke readers before they were hardened (see ../shared/data/bad-inputs).
NASTY: tuple[str, ...] = (
    "[" * 300,
    "{" * 300,
    "&a [1, 2]\nb: *a",
    "x: &x [*x]",
    "1e400",
    "-1e400",
    "9" * 5000,
    "1" + "0" * 400,
    "NaN",
    "Infinity",
    ".nan",
    ".inf",
    "-1",
    "0",
    "-999999999",
    "1000000000",
    "2.5",
    "",
    "\x00",
    "\ufeff",
    "\t",
    "\n",
    '"',
    ",",
    ":",
    "]",
    "}",
    "<",
    "&x;",
    '<!DOCTYPE a [<!ENTITY x "y">]>',
    "!!python/object/apply:os.system ['true']",
    "é",
    "\udcff",
    "true",
    "null",
    "[[1, 2]]",
    '{"a": 1}',
)
