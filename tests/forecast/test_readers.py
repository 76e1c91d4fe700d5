"""Importers: every stored format loads, and bad input gives a located error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from peacetable.errors import InputError
from peacetable.forecast.readers import (
    load_problem,
    read_bdm_csv,
    read_decide,
    read_deu,
    read_ktab_csv,
    read_ktab_xml,
)

pytestmark = pytest.mark.external


def test_bdm_csv_salience_scales_agree(cases: Path) -> None:
    a = read_bdm_csv(cases / "bdm1994_emission_standards" / "emission_actors.csv")
    b = load_problem(cases / "bdm1994_emission_standards" / "emission_actors_salience01.csv")
    assert a.actors[:3] == ("Netherlands", "Belgium", "Luxembourg")
    assert a.n_actors == 10 and a.n_issues == 1
    np.testing.assert_array_equal(a.salience, b.salience)
    assert (a.issues[0].lower, a.issues[0].upper) == (4.0, 10.0)


def test_iran_lowercase_header(cases: Path) -> None:
    p = load_problem(cases / "iran_2013_election" / "iranian_election_actors.csv")
    assert p.n_actors == 8 and "RUH" in p.actors


def test_ktab_csv_and_xml(cases: Path) -> None:
    soe = read_ktab_csv(cases / "ktab_smp" / "SOE-Pol-Comp-2d.csv")
    assert (soe.n_actors, soe.n_issues) == (13, 2)
    assert [i.id for i in soe.issues] == ["Policy", "Competitive"]
    assert soe.salience.max() <= 1.0  # 0..100 divided by 100
    spaced = load_problem(cases / "ktab_smp" / "dummyData-a040.csv")
    assert spaced.n_actors == 40
    xml = read_ktab_xml(cases / "ktab_smp" / "smpExample.xml")
    assert xml.n_actors == 5 and xml.n_issues == 3
    # Alice's first coordinate is empty in the stored XML: no position there
    alice = xml.actors.index("Alice")
    assert np.isnan(xml.position[alice, 0]) and not xml.present[alice, 0]


def test_decide_files_and_scales(cases: Path) -> None:
    sample = read_decide(cases / "decide_examples" / "sample_data.tsv")
    assert (sample.n_actors, sample.n_issues) == (10, 6)
    k = sample.issue_index("tol-hoogte")
    assert (sample.issues[k].lower, sample.issues[k].upper) == (0.5, 7.0)
    cop = load_problem(cases / "decide_examples" / "copenhagen.csv")
    assert (cop.n_actors, cop.n_issues) == (11, 7)
    synth = load_problem(cases / "synthetic" / "synth_50x20_seed42.tsv")
    assert (synth.n_actors, synth.n_issues) == (50, 20)


def test_decide_file_with_errors_is_located(cases: Path) -> None:
    path = cases / "decide_examples" / "copenhagen_with_errors.csv"
    with pytest.raises(InputError) as info:
        load_problem(path)
    err = info.value
    assert err.location is not None and err.location.line == 86
    assert err.location.field == "position"
    assert "160" in str(err) and "copenhagen_with_errors.csv:86" in str(err)


def test_deu(cases: Path) -> None:
    deu = read_deu(cases / "deu3" / "deu3_blksv.tsv")
    assert (deu.n_actors, deu.n_issues) == (30, 364)
    assert int((~np.isnan(deu.outcomes)).sum()) == 353
    procs = [i.procedure for i in deu.issues]
    assert procs.count("COD") == 216 and procs.count("CNS") == 148
    # the GDP row (blksv) is the capability; Commission and EP carry 4.1
    assert deu.capability[0, 0] == pytest.approx(4.1)
    assert len({i.group for i in deu.issues}) == 141  # proposals


def test_missing_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position\nA,1,2\nB,1,3\n")
    with pytest.raises(InputError, match="missing column 'salience'") as info:
        load_problem(bad)
    assert info.value.location is not None and info.value.location.line == 1


def test_non_numeric_cell_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,x,3,0.5\n")
    with pytest.raises(InputError, match="not a number") as info:
        load_problem(bad)
    assert info.value.location is not None and info.value.location.line == 3


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("hello,world\n1,2\n")
    with pytest.raises(InputError, match="unknown format"):
        load_problem(odd)
    with pytest.raises(InputError, match="no such file"):
        load_problem(tmp_path / "absent.csv")


def test_decide_unknown_actor(tmp_path: Path) -> None:
    f = tmp_path / "d.tsv"
    f.write_text("#A\tX\tX\n#P\tI\tI\tI\n#D\tY\tI\t50\t0.5\t0.5\n")
    with pytest.raises(InputError, match="unknown actor 'Y'") as info:
        read_decide(f)
    assert info.value.location is not None and info.value.location.line == 3
