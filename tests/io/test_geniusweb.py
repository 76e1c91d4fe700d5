"""GeniusWeb JSON import/export: the published profile shape, utilities, errors, round trip.

The ANAC domains' GeniusWeb round trip is checked in ``test_genius.py``
(it starts from the GENIUS XML files).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from peacetable.core import prepare
from peacetable.errors import InputError
from peacetable.io.geniusweb import load_geniusweb, save_geniusweb

#: Utilities of the core's exact grid differ from plain float sums by at most its tie
#: tolerance, (terms + 1) * 2**-40 (about 1e-11; see peacetable.core.evaluator).
GRID = 2e-11


def _jobs_profile(name: str, weights: dict[str, float], reservation: Any) -> dict[str, Any]:
    """A GeniusWeb profile in the published JSON shape (the 'jobs' example domain)."""
    return {
        "LinearAdditiveUtilitySpace": {
            "name": name,
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
            "issueWeights": weights,
            "reservationBid": reservation,
        }
    }


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_geniusweb_import_matches_definition_and_round_trips(tmp_path: Path) -> None:
    a = _write(
        tmp_path / "a.json",
        _jobs_profile(
            "employer",
            {"lease car": 0.25, "fte": 0.25, "salary": 0.5},
            {"issuevalues": {"lease car": "no", "fte": "0.8", "salary": 3000}},
        ),
    )
    b = _write(
        tmp_path / "b.json",
        _jobs_profile("employee", {"lease car": 0.5, "fte": 0.3, "salary": 0.2}, None),
    )
    s = load_geniusweb([a, b])
    cs = prepare(s)
    assert s.id == "jobs" and cs.party_ids == ("employer", "employee")
    assert s.issue("salary").option_ids == ("v2000", "v2500", "v3000", "v3500", "v4000")
    # GeniusWeb: u = sum w_i u_i(v); salary linear from (2000, 0.2) to (4000, 1)
    pkg = cs.encode({"lease_car": "yes", "fte": "v0_8", "salary": "v3000"})
    assert cs.utilities(pkg)[0].tolist() == pytest.approx(
        [0.25 + 0.125 + 0.5 * 0.6, 0.5 + 0.15 + 0.2 * 0.6]
    )
    assert cs.no_deal.tolist() == pytest.approx([0.125 + 0.5 * 0.6, 0.0])
    assert [p.id for p in s.proposals] == ["reservation_employer"]
    paths, warnings = save_geniusweb(s, tmp_path / "out")
    assert warnings == []
    again = prepare(load_geniusweb(paths))
    x = cs.all_packages()
    np.testing.assert_allclose(again.utilities(x), cs.utilities(x), atol=GRID)
    np.testing.assert_allclose(again.no_deal, cs.no_deal, atol=GRID)
    exported = json.loads(paths[0].read_text("utf-8"))["LinearAdditiveUtilitySpace"]
    assert exported["reservationBid"] == {
        "issuevalues": {"lease car": "no", "fte": "0.8", "salary": "3000"}
    }


def test_geniusweb_errors_name_file_and_field(tmp_path: Path) -> None:
    bad_weights = _write(
        tmp_path / "w.json", _jobs_profile("x", {"lease car": 0.5, "fte": 0.5, "salary": 0.5}, None)
    )
    with pytest.raises(
        InputError, match=r"w\.json:\d+:\d+: issueWeights: issueWeights sum to 1\.5"
    ):
        load_geniusweb([bad_weights])
    other = _jobs_profile("y", {"lease car": 0.5, "fte": 0.3, "salary": 0.2}, None)
    other["LinearAdditiveUtilitySpace"]["domain"]["name"] = "other"
    ok = _write(
        tmp_path / "ok.json",
        _jobs_profile("x", {"lease car": 0.5, "fte": 0.3, "salary": 0.2}, None),
    )
    with pytest.raises(InputError, match=r"o\.json:\d+:\d+: domain: the profile's domain differs"):
        load_geniusweb([ok, _write(tmp_path / "o.json", other)])
    (tmp_path / "broken.json").write_text('{"LinearAdditiveUtilitySpace": ', "utf-8")
    with pytest.raises(InputError, match=r"broken\.json:1:\d+: invalid JSON"):
        load_geniusweb([tmp_path / "broken.json"])
    wrong_bid = _jobs_profile(
        "x", {"lease car": 0.5, "fte": 0.3, "salary": 0.2}, {"issuevalues": {"fte": "2.0"}}
    )
    with pytest.raises(
        InputError, match=r"reservationBid\.issuevalues\.fte: reservation bid value fte='2\.0'"
    ):
        load_geniusweb([_write(tmp_path / "r.json", wrong_bid)])
