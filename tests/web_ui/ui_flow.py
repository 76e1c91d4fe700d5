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
    B_COMMENT,
    B_NO_DEAL,
    B_NOTE,
    B_WEIGHTS,
    Actor,
    Shots,
)
from webtest_support import PASSWORD

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
    live_update_seen: bool = False
    suggestion_used: str = ""
    export_path: Path | None = None
    checkpoint_path: Path | None = None

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
        broken = "format: peacetable/1\nid: broken\ntitle: Broken\nparties:\n  - id: A\n    nam: Alpha\n"
        p.set_input_files(
            "#file", files=[{"name": "broken.yaml", "mimeType": "text/yaml", "buffer": broken.encode()}]
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
        p.wait_for_function("document.querySelector('button[data-copy]').textContent !== 'Copy link'")
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
        p.wait_for_url(re.compile(r"/party$"))
        a.check_page("party-empty")
        a.shot("party-page-first-visit")
        return a

    def open_elicitation(self, a: Actor) -> None:
        a.page.click("a:has-text('Tell the mediator what you value')")
        a.page.wait_for_url(re.compile(r"/preferences$"))
        a.check_page("elicitation")

    def step(self, a: Actor, name: str) -> None:
        a.page.click("button[data-step-go='1']")
        a.page.locator(f"section[data-step='{name}']").wait_for(state="visible")

    def rank(self, a: Actor, issue: str, option: str, moves: int) -> None:
        """Move *option* of *issue* up *moves* places with its arrow button."""
        for _ in range(moves):
            a.page.click(f"ol[data-rank='{issue}'] li[data-option='{option}'] button[data-move='up']")

    def rate(self, a: Actor, issue: str, option: str, value: int) -> None:
        a.page.fill(f"input[data-rate='{issue}'][data-option='{option}']", str(value))

    def save(self, a: Actor, label: str) -> None:
        p = a.page
        p.click("a[data-step-link='review']")
        p.locator("[data-preview] p").first.wait_for()
        p.wait_for_function("!document.querySelector('[data-preview]').textContent.includes('Checking')")
        a.check_page("elicitation-review")
        a.shot(f"{label}-check-and-save")
        p.click("button[data-save]")
        p.wait_for_url(re.compile(r"/party\?saved=\d+$"))

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
        a.page.fill("#no-deal", "55")
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
        a.page.fill("#no-deal", B_NO_DEAL)
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
        a.check_page("elicitation-contradiction")
        a.shot("elicitation-contradiction-flagged")
        self.rate(a, "nato_offer", "stands", 100)
        flag.wait_for(state="hidden")
        a.shot("elicitation-contradiction-fixed")
        self.step(a, "weights")
        p.fill("input[data-weight='nato_offer']", "60")
        p.fill("input[data-weight='guarantees']", "40")
        self.step(a, "nodeal")
        p.fill("#no-deal", "50")
        self.save(a, "elicitation-us")

    def elicit_nato(self, a: Actor) -> None:
        self.open_elicitation(a)
        self.step(a, "rate")
        self.rate(a, "guarantees", "binding", 20)
        self.step(a, "weights")
        self.step(a, "nodeal")
        p = a.page
        p.fill("#no-deal", "45")
        self.save(a, "elicitation-nato")
