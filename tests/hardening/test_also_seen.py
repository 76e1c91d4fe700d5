"""The "also seen" defects of ``../shared/data/bad-inputs/README.md``, with inputs made here.

GENIUS issues evaluated 0 throughout, profile problems naming the profile, GeniusWeb files
with a byte-order mark, 1-based XML columns, XML entity declarations refused by
peacetable itself.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from _seed_inputs import GENIUS_DOMAIN, GENIUS_PROFILE, GENIUSWEB, KTAB_XML
from typer.testing import CliRunner

from peacetable.cli import app
from peacetable.core import prepare
from peacetable.errors import InputError, ScenarioError
from peacetable.forecast.readers import load_problem
from peacetable.io.genius import ZERO_EVALUATION, load_genius
from peacetable.io.geniusweb import load_geniusweb
from peacetable.io.xml_parse import parse_xml_bytes

runner = CliRunner()


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("top", ["0", "0.0", f"{ZERO_EVALUATION / 2!r}"])
def test_genius_issue_evaluated_zero_throughout_reads_as_zero(tmp_path: Path, top: str) -> None:
    """GENIUS's EvaluatorDiscrete gives 0 to every value when the largest evaluation < 1e-5."""
    zeros = GENIUS_PROFILE.replace('evaluation="2"', f'evaluation="{top}"').replace(
        'evaluation="8"', f'evaluation="{top}"'
    )
    s = load_genius(_write(tmp_path, "dom.xml", GENIUS_DOMAIN), [_write(tmp_path, "p.xml", zeros)])
    cs = prepare(s)
    x = np.array([[k, c] for k in range(5) for c in range(2)])
    price = np.array([10, 11, 12, 13, 14])[x[:, 0]]
    expected = 0.6 * np.clip(1.0 - 0.3 * (price - 10), 0, 1)  # the colour issue adds 0
    np.testing.assert_allclose(cs.utilities(x)[:, 0], expected, atol=1e-12)


def test_genius_profile_problems_name_the_profile(tmp_path: Path) -> None:
    domain = _write(tmp_path, "dom.xml", GENIUS_DOMAIN)
    bad = _write(
        tmp_path,
        "buyer.xml",
        GENIUS_PROFILE.replace('<reservation value="0.3"/>', '<reservation value="5"/>'),
    )
    good = _write(tmp_path, "seller.xml", GENIUS_PROFILE)
    with pytest.raises(ScenarioError) as info:
        load_genius(domain, [good, bad])
    assert [str(p.location) for p in info.value.problems] == [f"{bad}: parties[1].no_deal.utility"]
    missing = _write(
        tmp_path, "m.xml", GENIUS_PROFILE.replace('<weight index="2" value="0.4"/>', "")
    )
    with pytest.raises(InputError, match=rf"^{tmp_path}/m\.xml:\d+:\d+: issue 'Colour'"):
        load_genius(domain, [missing])


def test_geniusweb_profile_with_byte_order_mark_converts(tmp_path: Path) -> None:
    path = tmp_path / "employer.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GENIUSWEB).encode())
    assert load_geniusweb([path]).negotiating_party_ids == ("employer",)
    result = runner.invoke(app, ["convert", str(path), "-o", str(tmp_path / "jobs.yaml")])
    assert result.exit_code == 0, result.stderr
    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes(json.dumps(GENIUSWEB).encode("utf-16"))
    result = runner.invoke(app, ["convert", str(utf16), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert result.stderr == f"error: {utf16}:1:1: UTF-16 text: save the file as UTF-8\n"


@pytest.mark.parametrize(
    "text", [b"<a>", b"<Scenario>\n&\n</Scenario>", b"<a>\n  <b>\n</a>", b"<a x='1' x='2'/>"]
)
def test_xml_columns_are_one_based(text: bytes) -> None:
    with pytest.raises(ET.ParseError) as stdlib:
        ET.fromstring(text)
    line, column = stdlib.value.position
    with pytest.raises(InputError) as ours:
        parse_xml_bytes(text, "x.xml")
    assert ours.value.location is not None
    assert (ours.value.location.line, ours.value.location.column) == (line, column + 1)


def test_ktab_xml_errors_give_one_based_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "k.xml", KTAB_XML.replace("<name>Tiny</name>", "<name>Tiny</nam>"))
    with pytest.raises(InputError, match=rf"^{path}:3:\d+: invalid XML: mismatched tag$"):
        load_problem(path)
    text = KTAB_XML.replace("<capability>93.2</capability>", "<capability>lots</capability>")
    path = _write(tmp_path, "c.xml", text)
    with pytest.raises(InputError, match=rf"^{path}:9: Actors\.Bob\.capability: not a number"):
        load_problem(path)


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<negotiation_template><objective>&lol2;</objective></negotiation_template>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>
<Scenario><name>&ext;</name></Scenario>
"""


@pytest.mark.parametrize(("text", "line"), [(BOMB, 3), (EXTERNAL, 2)], ids=["entity", "external"])
def test_xml_entities_are_refused_by_peacetable(tmp_path: Path, text: bytes, line: int) -> None:
    """Located at the first entity declaration."""
    for name, reader in (
        ("dom.xml", lambda p: load_genius(p, [p])),
        ("k.xml", load_problem),
    ):
        path = tmp_path / name
        path.write_bytes(text)
        with pytest.raises(InputError, match="XML entity declarations and external references"):
            reader(path)
        with pytest.raises(InputError) as info:
            reader(path)
        assert info.value.location is not None and info.value.location.line == line
