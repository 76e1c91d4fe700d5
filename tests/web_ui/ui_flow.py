"""The mediation, end to end in the browser: each step as a person does it, with a screenshot.

A mediator creates a negotiation from ``ukraine-2022`` and invites RU, UA, US and NATO and an
observer; each party joins through its link and answers the elicitation steps (US makes and
fixes a rank–rating contradiction; UA enters the marker values); the mediator publishes the
seven-point plan, reads the answers beside the predicted verdicts, revises from a suggestion and
publishes again; every party accepts and sees the settlement code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ui_support import (
    B_NO_DEAL,
    B_NOTE,
    B_WEIGHTS,
    Actor,
    Shots,
)
from webtest_support import PASSWORD

from peacetable.web.presenting import suggestions

PARTIES = ("RU", "UA", "US", "NATO")


@dataclass
class Flow:
    """Everything the run did and saw."""

    browser: Any
    base: str
    shots: Shots
    setup_link: str
    nid: str = ""
    links: dict[str, str] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    contradiction_seen: str = ""
    contradiction_label: str = ""
    upload_error: str = ""
    times: list[tuple[str, float]] = field(default_factory=list)
    live_update_seen: bool = False
    suggestion_used: str = ""
    export_path: Path | None = None
    checkpoint_path: Path | None = None
    predicted: dict[int, dict[str, bool]] = field(default_factory=dict)
    agreement: dict[str, Any] = field(default_factory=dict)

    def actor(self, name: str, keep_bodies: bool = False) -> Actor:
        a = Actor(self.browser, name, self.base, self.shots, keep_bodies=keep_bodies)
        self.actors[name] = a
        return a

    # ------------------------------------------------------------------ mediator

    def mediator_sets_up(self) -> Actor:
        m = self.actor("mediator")
        p = m.page
        m.goto(self.setup_link)
        m.check_page("setup")
        m.shot("set-up-account")
        p.fill("#username", "mediator")
        p.fill("#password", PASSWORD)
        p.fill("#confirm", PASSWORD)
        p.click("button:has-text('Create account')")
        p.wait_for_url(self.base + "/")
        m.check_page("home")
        return m

    def upload_with_errors(self, m: Actor) -> str:
        """An uploaded scenario with a mistake: the error names the file, line and field."""
        p = m.page
        broken = (
            "format: peacetable/1\nid: broken\ntitle: Broken\nparties:\n  - id: A\n    nam: Alpha\n"
        )
        p.set_input_files(
            "#file",
            files=[{"name": "broken.yaml", "mimeType": "text/yaml", "buffer": broken.encode()}],
        )
        m.expected_errors.append(re.compile(r"status of 422"))
        p.click("button:has-text('Upload and start')")
        box = p.locator("#create-upload .form-errors")
        box.locator("li").first.wait_for()
        m.shot("upload-errors-located")
        m.expected_errors.clear()
        return str(box.inner_text())

    def mediator_creates(self, m: Actor) -> None:
        p = m.page
        p.select_option("#scenario_id", "ukraine-2022")
        p.click("button:has-text('Start the negotiation')")
        p.wait_for_url(re.compile(r"/n/[0-9a-f-]+/desk$"))
        self.nid = p.url.rsplit("/", 2)[-2]
        m.check_page("desk-empty")
        m.shot("desk-new-negotiation")

    def mediator_invites(self, m: Actor) -> None:
        p = m.page
        m.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=self.base)
        for party in PARTIES:
            p.check("input[name=role][value=party]")
            p.select_option("#invite-party", party)
            p.click("button:has-text('Make an invitation link')")
            link = p.locator(f"input[data-invite-link='{party}']")
            link.wait_for()
            self.links[party] = str(link.input_value())
        p.check("input[name=role][value=observer]")
        p.click("button:has-text('Make an invitation link')")
        p.locator("input[data-invite-link='observer']").wait_for()
        self.links["observer"] = str(p.locator("input[data-invite-link='observer']").input_value())
        copy = p.locator("button[data-copy]").first
        copy.click()
        p.locator("button[data-copy]", has_text=re.compile("Copied|Selected")).first.wait_for()
        p.locator("tr[data-party='NATO'] .badge").wait_for()
        m.check_page("desk-invited")
        m.shot("desk-invitation-links")

    # ------------------------------------------------------------------ parties

    def party_joins(self, party: str, keep_bodies: bool = False) -> Actor:
        a = self.actor(party, keep_bodies=keep_bodies)
        p = a.page
        a.goto(self.links[party])
        a.check_page("invite")
        a.shot("invitation")
        p.fill("#username", f"delegate_{party.lower()}")
        p.fill("#password", PASSWORD)
        p.fill("#confirm", PASSWORD)
        p.click("button:has-text('Join')")
        p.wait_for_url(re.compile(r"/(party|texts)$"))
        a.check_page("party-empty" if party in PARTIES else "observer-empty")
        a.shot("first-visit")
        return a

    def open_elicitation(self, a: Actor) -> None:
        a.page.click("a:has-text('Tell the mediator what you value')")
        a.page.wait_for_url(re.compile(r"/preferences$"))
        a.check_page("elicitation")

    def step(self, a: Actor, name: str) -> None:
        """Next step. A click whose mouse-down and mouse-up land on different elements (the
        page scrolled in between: seen once in a few runs) reaches only the form; then again."""
        target = a.page.locator(f"section[data-step='{name}']")
        for _ in range(3):
            a.page.click("button[data-step-go='1']")
            try:
                target.wait_for(state="visible", timeout=3_000)
                return
            except Exception:  # playwright's TimeoutError
                continue
        target.wait_for(state="visible")

    def rank(self, a: Actor, issue: str, option: str, moves: int) -> None:
        """Move *option* of *issue* up *moves* places with its arrow button."""
        for _ in range(moves):
            a.page.click(
                f"ol[data-rank='{issue}'] li[data-option='{option}'] button[data-move='up']"
            )

    def rate(self, a: Actor, issue: str, option: str, value: int) -> None:
        a.page.fill(f"input[data-rate='{issue}'][data-option='{option}']", str(value))

    def save(self, a: Actor, label: str) -> None:
        p = a.page
        p.click("a[data-step-link='review']")
        p.locator("[data-preview] p").first.wait_for()
        p.locator("[data-preview] p:not(.meta)").first.wait_for()
        a.check_page("elicitation-review")
        a.shot(f"{label}-check-and-save")
        p.click("button[data-save]")
        p.wait_for_url(re.compile(r"/party\?saved=\d+$"))

    def walking_away(self, a: Actor, value: str) -> None:
        """Step 4: the party's value of no deal today (under a lottery no deal, the page
        explains it first, as the server says in ``disagreement_is_lottery``)."""
        issues = a.api("GET", f"/api/negotiations/{self.nid}/issues")[1]
        if issues["disagreement_is_lottery"]:
            a.page.locator("[data-nodeal-by-outcomes]").wait_for()
        a.page.fill("#no-deal", value)

    def elicit_ru(self, a: Actor) -> None:
        self.open_elicitation(a)
        a.shot("elicitation-step-1-order")
        self.rank(a, "donbas", "recognised", 2)
        self.rank(a, "nato_offer", "withdrawn", 3)
        self.step(a, "rate")
        self.rate(a, "donbas", "contested", 30)
        a.shot("elicitation-step-2-rate")
        self.step(a, "weights")
        for issue, points in {"nato_offer": 40, "donbas": 30, "deployments": 30}.items():
            a.page.fill(f"input[data-weight='{issue}']", str(points))
        a.shot("elicitation-step-3-importance")
        self.step(a, "nodeal")
        self.walking_away(a, "55")
        a.shot("elicitation-step-4-walking-away")
        self.step(a, "beliefs")
        a.page.fill("#b-crimea_vote-joins_russia", "80")
        a.page.fill("#b-crimea_vote-stays_ukraine", "20")
        a.shot("elicitation-step-5-beliefs")
        self.save(a, "elicitation-step-6")

    def elicit_ua(self, a: Actor) -> None:
        """Party B: the marker values go in through the same pages."""
        self.open_elicitation(a)
        self.rank(a, "crimea", "recognised", 0)
        a.page.check("input[data-answer='crimea']")
        self.step(a, "rate")
        self.step(a, "weights")
        for issue, points in B_WEIGHTS.items():
            a.page.fill(f"input[data-weight='{issue}']", points)
        self.step(a, "nodeal")
        self.walking_away(a, B_NO_DEAL)
        self.step(a, "beliefs")
        self.step(a, "review")
        a.page.fill("#note", B_NOTE)
        self.save(a, "elicitation-ua")

    def elicit_us_with_contradiction(self, a: Actor) -> None:
        """US ranks 'Offer stands' first but rates it below another option, sees the flag, fixes it."""
        p = a.page
        self.open_elicitation(a)
        self.rank(a, "nato_offer", "stands", 0)  # already first
        p.check("input[data-answer='nato_offer']")
        self.step(a, "rate")
        self.rate(a, "nato_offer", "stands", 40)
        flag = p.locator("[data-contradiction='nato_offer']")
        flag.wait_for(state="visible")
        self.contradiction_seen = str(flag.inner_text())
        issues = a.api("GET", f"/api/negotiations/{self.nid}/issues")[1]["issues"]
        nato_offer = next(i for i in issues if i["id"] == "nato_offer")
        self.contradiction_label = next(
            o["label"] for o in nato_offer["options"] if o["id"] == "stands"
        )
        flag.evaluate("el => el.closest('.issue-block').scrollIntoView()")
        a.shot("elicitation-contradiction-in-view", full_page=False)
        a.check_page("elicitation-contradiction")
        a.shot("elicitation-contradiction-flagged")
        self.rate(a, "nato_offer", "stands", 100)
        flag.wait_for(state="hidden")
        a.shot("elicitation-contradiction-fixed")
        self.step(a, "weights")
        p.fill("input[data-weight='nato_offer']", "60")
        p.fill("input[data-weight='guarantees']", "40")
        self.step(a, "nodeal")
        self.walking_away(a, "50")
        self.save(a, "elicitation-us")

    def elicit_nato(self, a: Actor) -> None:
        self.open_elicitation(a)
        self.step(a, "rate")
        self.rate(a, "guarantees", "binding", 20)
        self.step(a, "weights")
        self.step(a, "nodeal")
        self.walking_away(a, "45")
        self.save(a, "elicitation-nato")

    # ------------------------------------------------------------------ the text

    def desk(self, m: Actor) -> None:
        m.goto(f"/n/{self.nid}/desk")

    def wait_for_live_update(self, m: Actor, party: str) -> None:
        """The desk, open all along, shows the party's submission without a reload."""
        m.page.locator(f"tr[data-party='{party}'] .badge.ok").wait_for(timeout=15_000)
        self.live_update_seen = True

    def mediator_publishes_plan(self, m: Actor) -> None:
        p = m.page
        self.desk(m)
        p.click("a:has-text('Write a new draft')")
        p.click("a:has-text('seven-point plan')")
        p.wait_for_url(re.compile(r"proposal=seven-points"))
        p.fill(
            "#word-crimea",
            "A vote in Crimea under international supervision; every party accepts its result.",
        )
        m.check_page("editor")
        m.shot("draft-editor-seven-point-plan")
        p.click("button:has-text('Save as a new version')")
        p.wait_for_url(re.compile(r"/desk/drafts/1$"))
        m.check_page("draft-unpublished")
        m.shot("draft-1-analysis-before-publishing")
        p.click("button:has-text('Publish version 1')")
        p.locator("button[data-publish]").wait_for(state="detached")
        m.settle()

    def timed(self, label: str) -> None:
        """Note how long the run took to get here (printed with -s; kept in ``times``)."""
        import time

        self.times.append((label, time.monotonic()))

    def party_answers(
        self,
        a: Actor,
        version: int,
        verdict: str,
        comment: str = "",
        cannot: tuple[str, ...] = (),
        shot: bool = False,
    ) -> None:
        p = a.page
        a.goto(f"/n/{self.nid}/party")
        form = p.locator(f"#v{version} form.respond")
        form.locator(f"input[name=verdict][value={verdict}]").check()
        for issue in cannot:
            form.locator(f"input[name=cannot_live_with][value={issue}]").check()
        if comment:
            form.locator("textarea").fill(comment)
        a.check_page(f"party-published-v{version}")
        if shot:
            a.shot(f"answering-version-{version}")
        form.locator("button:has-text('Send your answer')").click()
        p.wait_for_url(re.compile(rf"answered={version}"))
        p.locator(f"#v{version} .your-answer").wait_for()

    def download_checkpoint(self, a: Actor, folder: Path) -> Path:
        a.goto(f"/n/{self.nid}/party")
        with a.page.expect_download() as info:
            a.page.click("a:has-text('Download a checkpoint')")
        path = folder / f"checkpoint-{a.name}.json"
        info.value.save_as(str(path))
        self.checkpoint_path = path
        return path

    def mediator_reads_answers_and_revises(self, m: Actor) -> None:
        p = m.page
        self.desk(m)
        m.check_page("desk-answers")
        m.shot("desk-with-answers", full_page=False)
        m.goto(f"/n/{self.nid}/desk/drafts/1")
        p.locator("table.answers tbody tr .verdict").nth(3).wait_for()
        m.check_page("draft-published-answers")
        m.shot("draft-1-answers-and-predicted-verdicts")
        self.check_answers_against_the_server(m, 1)
        link = p.locator("a[data-suggestion]").first
        self.suggestion_used = str(link.get_attribute("data-suggestion"))
        expected = self.suggested_package(m, 1, self.suggestion_used)
        link.click()
        p.wait_for_url(re.compile(r"suggestion="))
        for issue, option in expected.items():
            assert p.locator(f"#opt-{issue}").input_value() == option, (issue, option)
        p.fill("#draft-title", "Seven points, revised")
        m.check_page("editor-suggestion")
        m.shot("draft-editor-from-suggestion")
        p.click("button:has-text('Save as a new version')")
        p.wait_for_url(re.compile(r"/desk/drafts/2$"))
        status, second = m.api("GET", f"/api/negotiations/{self.nid}/drafts/2")
        assert status == 200 and second["package"] == expected, second
        p.click("button:has-text('Publish version 2')")
        p.locator("button[data-publish]").wait_for(state="detached")
        m.settle()
        m.shot("draft-2-published")
        self.desk(m)
        p.locator("details summary:has-text('What changed from v1')").click()
        m.check_page("desk-history")
        m.shot("desk-version-history-diff")

    def check_answers_against_the_server(self, m: Actor, version: int) -> None:
        """The page shows each party's answer and the verdict its preferences predict, as the
        API has them (the expectations come from the server, not from the scenario's numbers)."""
        p = m.page
        status, answers = m.api("GET", f"/api/negotiations/{self.nid}/responses")
        assert status == 200, answers
        row = next(a for a in answers if a["version"] == version)
        status, result = m.api("GET", f"/api/negotiations/{self.nid}/drafts/{version}/analysis")
        assert status == 200, result
        accepts = {v["party"]: v["accepts"] for v in result["analysis"]["parties"]}
        assert set(accepts) == set(PARTIES)
        for a in row["parties"]:
            party = a["party"]
            assert a["predicted"]["accepts"] == accepts[party], (party, a, accepts)
            said = a["response"]["verdict"]
            answer = p.locator(f"table.answers tr[data-party='{party}']")
            assert answer.locator(".verdict").inner_text().strip() == said
            predicted = answer.locator("td.predicted").inner_text()
            assert predicted.startswith("accepts" if accepts[party] else "rejects"), predicted
            assert ("differs from the answer" in predicted) == a["disagrees"], (party, predicted)
            verdict = p.locator(f"table.verdicts tr[data-party='{party}'] td").first.inner_text()
            assert verdict == ("accepts" if accepts[party] else "rejects"), (party, verdict)
        self.predicted[version] = accepts

    def suggested_package(self, m: Actor, version: int, suggestion: str) -> dict[str, str]:
        """The package the suggestion stands for, computed from the server's analysis."""
        base = m.api("GET", f"/api/negotiations/{self.nid}/drafts/{version}")[1]["package"]
        issues = m.api("GET", f"/api/negotiations/{self.nid}/issues")[1]
        result = m.api("GET", f"/api/negotiations/{self.nid}/drafts/{version}/analysis")[1]
        found = {s["id"]: s for s in suggestions(result["analysis"], base, issues)}
        assert suggestion in found, (suggestion, sorted(found))
        package: dict[str, str] = found[suggestion]["package"]
        assert package != base
        return package

    def settlement_code(self, a: Actor, page: str = "party") -> str:
        a.goto(f"/n/{self.nid}/{page}")
        code = a.page.locator("#settlement-code")
        code.wait_for()
        return str(code.get_attribute("data-code"))
