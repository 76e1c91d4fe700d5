"""The mediation workbench end to end in Debian's chromium (Playwright), one run for the module.

The run (``flow``) is one mediation from set-up to agreement through the pages only, with a
screenshot of every step; the tests below check what it saw: the agreement and its settlement
code, the record verifying with ``peacetable record verify``, no leak from party B (UA) to party A
(RU) or the observer, no console error, no serious or critical axe-core violation, and the main
pages at 390 px width.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback_support import SRC, Server
from ui_flow import PARTIES, Flow
from ui_support import (
    B_COMMENT,
    B_MARKERS,
    B_NOTE,
    B_WEIGHTS,
    PHONE,
    Shots,
    dump,
    no_horizontal_scroll,
    too_wide,
)

pytestmark = pytest.mark.browser
CLI = "import sys; from peacetable.cli import main; sys.argv[0] = 'peacetable'; main()"


def _verify(*args: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", CLI, "record", "verify", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def flow(
    browser: Any, server: Server, shots: Shots, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flow]:
    assert server.setup_link, "the server printed no set-up link"
    folder = Path(tmp_path_factory.mktemp("web-ui-files"))
    f = Flow(browser, server.base, shots, server.setup_link)
    f.timed("start")
    m = f.mediator_sets_up()
    f.upload_error = f.upload_with_errors(m)
    f.mediator_creates(m)
    f.mediator_invites(m)
    f.timed("invited")
    observer = f.party_joins("observer", keep_bodies=True)
    actors = {p: f.party_joins(p, keep_bodies=p == "RU") for p in PARTIES}
    f.timed("joined")
    f.desk(m)
    f.elicit_ru(actors["RU"])
    f.timed("ru elicited")
    f.wait_for_live_update(m, "RU")
    m.shot("desk-live-update-after-RU-submitted")
    f.elicit_ua(actors["UA"])
    f.elicit_us_with_contradiction(actors["US"])
    f.elicit_nato(actors["NATO"])
    f.timed("all elicited")
    f.mediator_publishes_plan(m)
    f.timed("published 1")
    f.download_checkpoint(actors["RU"], folder)
    f.party_answers(
        actors["RU"], 1, "reject", "Donbas must be settled first.", ("donbas",), shot=True
    )
    f.party_answers(actors["UA"], 1, "comment", B_COMMENT, ("crimea",))
    f.party_answers(actors["US"], 1, "reject", cannot=("nato_offer",))
    f.party_answers(actors["NATO"], 1, "accept")
    f.timed("answered 1")
    f.mediator_reads_answers_and_revises(m)
    f.timed("published 2")
    for party in PARTIES:
        f.party_answers(actors[party], 2, "accept", shot=party == "UA")
    for party in PARTIES:
        f.codes[party] = f.settlement_code(actors[party])
        actors[party].check_page("party-agreed")
        f.timed("agreed")
    actors["UA"].shot("party-agreement-settlement-code")
    f.codes["observer"] = f.settlement_code(observer, "texts")
    observer.check_page("observer-texts")
    observer.shot("observer-published-texts-and-agreement")
    for who in ("RU", "observer"):
        a = f.actors[who]
        a.goto(f"/n/{f.nid}/record")
        a.check_page("record")
    f.actors["RU"].shot("record-page")
    f.desk(m)
    m.check_page("desk-agreed")
    m.shot("desk-agreed")
    status, f.agreement = m.api("GET", f"/api/negotiations/{f.nid}/agreement")
    assert status == 200, f.agreement
    status, export = m.api("GET", f"/api/negotiations/{f.nid}/export")
    assert status == 200, export
    f.export_path = dump(export, folder / "export.json")
    f.timed("exported")
    print(
        "step times (s):",
        [(b[0], round(b[1] - a[1], 1)) for a, b in zip(f.times, f.times[1:], strict=False)],
    )
    print("axe times (s):", {n: a.axe_times for n, a in f.actors.items()})
    yield f
    for a in f.actors.values():
        a.close()


def test_mediation_reaches_an_agreement_everyone_can_check(flow: Flow) -> None:
    assert "broken.yaml, line 6" in flow.upload_error and "parties[0]" in flow.upload_error
    assert flow.live_update_seen
    assert flow.contradiction_label and flow.contradiction_label in flow.contradiction_seen
    assert "rated it lower" in flow.contradiction_seen
    assert flow.suggestion_used
    assert set(flow.predicted) == {1} and set(flow.predicted[1]) == set(PARTIES)
    codes = set(flow.codes.values())
    assert len(codes) == 1 and len(next(iter(codes))) == 64, flow.codes
    assert set(flow.codes) == {*PARTIES, "observer"}
    agreed = flow.agreement
    assert agreed["agreed"] and agreed["version"] == 2 and agreed["kind"] == "draft", agreed
    assert agreed["settlement_code"] in codes
    assert flow.export_path is not None and flow.checkpoint_path is not None
    done = _verify(flow.export_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the record verifies" in done.stdout
    against = _verify(flow.export_path, "--checkpoint", flow.checkpoint_path)
    assert against.returncode == 0, against.stdout + against.stderr


def test_screenshots_of_every_step(flow: Flow) -> None:
    names = [p.name for p in flow.shots.taken]
    for needed in (
        "mediator-upload-errors-located",
        "mediator-desk-invitation-links",
        "RU-elicitation-step-1-order",
        "US-elicitation-contradiction-flagged",
        "mediator-draft-1-answers-and-predicted-verdicts",
        "mediator-draft-editor-from-suggestion",
        "UA-party-agreement-settlement-code",
        "RU-record-page",
    ):
        assert any(needed in n for n in names), needed
    assert all(p.stat().st_size > 5_000 for p in flow.shots.taken)


def test_party_a_and_the_observer_receive_nothing_of_party_b(flow: Flow) -> None:
    ua = flow.actors["UA"]
    ua.goto(f"/n/{flow.nid}/preferences")  # the markers did go in: B sees its own values
    own = ua.page.content()
    assert B_WEIGHTS["crimea"] in own and B_NOTE in own
    m = flow.actors["mediator"]
    m.goto(f"/n/{flow.nid}/desk/drafts/1")
    assert B_COMMENT in m.page.content()  # and the mediator sees B's comment
    for who in ("RU", "observer"):
        a = flow.actors[who]
        seen = a.bodies + a.doms
        assert len(a.bodies) > 20 and len(a.doms) > 3, (who, len(a.bodies), len(a.doms))
        hits = [(url, mk) for url, body in seen for mk in B_MARKERS if mk in body]
        assert not hits, f"{who} received party B's values: {hits[:5]}"


def test_no_console_errors_and_no_serious_accessibility_violations(flow: Flow) -> None:
    errors = {name: a.errors for name, a in flow.actors.items() if a.errors}
    assert not errors, errors
    violations = {name: a.violations for name, a in flow.actors.items() if a.violations}
    assert not violations, violations
    checked = set().union(*(a.axe_seen for a in flow.actors.values()))
    assert {
        "desk-invited",
        "elicitation",
        "draft-published-answers",
        "party-agreed",
        "record",
    } <= checked


def test_main_pages_work_at_phone_width(flow: Flow) -> None:
    pages = {
        "mediator": ["desk", "desk/drafts/2", "desk/new?base=2", "record"],
        "RU": ["party", "preferences", "record"],
        "observer": ["texts"],
    }
    wide = []
    for who, paths in pages.items():
        a = flow.actors[who]
        a.page.set_viewport_size(PHONE)
        for path in paths:
            a.goto(f"/n/{flow.nid}/{path}")
            label = "phone-" + path.split("?")[0].replace("/", "-")
            a.check_page(label)
            a.shot(label, full_page=False)
            if not no_horizontal_scroll(a.page):
                wide.append(f"{who} {path}: {too_wide(a.page)}")
    assert not wide, f"wider than 390 px: {wide}"
    assert not [a.violations for a in flow.actors.values() if a.violations]
    assert not [a.errors for a in flow.actors.values() if a.errors]
