"""The conflict section says what the lens says: who can break each deal, the move, how sure."""

from __future__ import annotations

import html
import re

from _walkaway_case import walkaway

from peacetable.core import Settings
from peacetable.report import Report, build_report
from peacetable.report.page import render_section

FAST = Settings(seed=7, samples=300, horizon=24)


def _text(report: Report) -> tuple[str, str]:
    section = next(s for s in report.sections if s.key == "conflict")
    body = html.unescape(re.sub(r"<[^>]+>", " ", render_section(section)))
    return section.answer, " ".join(body.split())


def test_verdicts_are_the_lens_verdicts_from_the_session(three_party_report: Report) -> None:
    """Every proposal's verdict is printed as the session's stability result states it, and
    the answer names the move most likely to break each deal and how sure."""
    answer, body = _text(three_party_report)
    session = three_party_report.session
    for proposal in three_party_report.scenario.proposals:
        data = session.result("stability", proposal=proposal.id).to_dict()
        v = data["verdict"]
        assert f"{proposal.name}: {v['text']}" in body
        if v["breaking"] is None:
            continue
        best = data["defections"][v["breaking"]["index"]]
        assert {best["mover"]} <= {"N", "S", "E"}
    # with this scenario's numbers: East takes full transit rights, and nothing deters it
    assert "East setting Transit rights for East to “Full” breaks P1, P2 and P3" in answer
    assert "under every concept" in answer
    assert "move most likely to break it" in body and "Who can break it, and how sure" in body


def test_how_sure_in_words() -> None:
    """A deal deterred under every sanction concept breaks only under Nash; a deal whose
    sanctions are not credible breaks under SEQ: the table and answer say so."""
    holds = build_report(walkaway(0.6), FAST, only=("conflict",), strict=True)
    answer, body = _text(holds)
    assert "Alpha setting Fire to “War” breaks P1 only if the others' replies are ignored" in answer
    assert "Holds once replies count: an equilibrium under GMR, SMR, SEQ and SIM" in body
    # the bare truce: Alpha goes back to war, back to no deal, and nothing deters it
    assert "Alpha setting Fire to “War” (back to no deal) breaks P2 under every concept" in answer
    shaky = build_report(walkaway(0.3), FAST, only=("conflict",), strict=True)
    answer, body = _text(shaky)
    assert "Beta setting Sanctions to “Some” breaks P1 under Nash (R) and SEQ" in answer
    assert "no credible (SEQ) sanction deters it" in body
