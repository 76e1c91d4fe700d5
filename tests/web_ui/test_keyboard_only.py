"""Keyboard only: a party joins, completes the elicitation steps and answers a draft without a mouse.

The mediator's side is set up through the JSON API (the subject here is the party); the party's
browser gets only key presses (Tab, Shift+Tab, Enter, Space, arrows, typing), apart from opening
its invitation link, which a person pastes into the address bar.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from loopback_support import Server
from ui_support import Actor, Shots
from webtest_support import PASSWORD

from peacetable.scenarios import load_builtin

pytestmark = pytest.mark.browser


def tab_to(page: Any, selector: str, limit: int = 250) -> None:
    """Press Tab until the focused element matches *selector* (fails if it is never reached)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def focus_is_visible(page: Any) -> bool:
    """The focused element shows a focus ring."""
    return bool(
        page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; }"
        )
    )


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _mediator(browser: Any, server: Server, shots: Shots) -> tuple[Actor, str, str]:
    """A mediator with a negotiation, an invitation for UA and the seven-point plan published."""
    m = Actor(browser, "kb-mediator", server.base, shots)
    assert server.setup_link
    m.goto(server.setup_link)
    m.page.fill("#username", "kbmediator")
    m.page.fill("#password", PASSWORD)
    m.page.fill("#confirm", PASSWORD)
    m.page.click("button:has-text('Create account')")
    m.page.wait_for_url(server.base + "/")
    status, neg = m.api("POST", "/api/negotiations", {"scenario_id": "ukraine-2022"})
    assert status == 201, neg
    nid = neg["id"]
    status, inv = m.api(
        "POST", f"/api/negotiations/{nid}/invites", {"role": "party", "party": "UA"}
    )
    assert status == 201, inv
    plan = dict(load_builtin().proposal("seven-points").package)
    status, draft = m.api(
        "POST", f"/api/negotiations/{nid}/drafts", {"title": "Seven points", "package": plan}
    )
    assert status == 201, draft
    status, out = m.api("POST", f"/api/negotiations/{nid}/drafts/1/publish")
    assert status == 200, out
    return m, nid, str(inv["link"])


def test_a_party_elicits_and_answers_with_the_keyboard_alone(
    browser: Any, server: Server, shots: Shots
) -> None:
    m, nid, link = _mediator(browser, server, shots)
    a = Actor(browser, "kb-UA", server.base, shots)
    p = a.page
    a.goto(link)
    type_into(p, "#username", "keyboard_ua")
    type_into(p, "#password", PASSWORD)
    type_into(p, "#confirm", PASSWORD)
    tab_to(p, "button[type=submit]")
    assert focus_is_visible(p)
    p.keyboard.press("Enter")
    p.wait_for_url(re.compile(r"/party$"))
    a.settle()

    tab_to(p, "a.button[href$='/preferences']")
    p.keyboard.press("Enter")
    p.wait_for_url(re.compile(r"/preferences$"))
    a.settle()
    a.check_page("kb-elicitation")
    # step 1: include Crimea and move "Recognised as Russian" up two places
    tab_to(p, "input[data-answer='crimea']")
    p.keyboard.press("Space")
    tab_to(p, "ol[data-rank='crimea'] li[data-option='recognised'] button[data-move='up']")
    assert focus_is_visible(p)
    p.keyboard.press("Enter")
    p.keyboard.press("Enter")  # the focus stays on the button that moved
    order = p.eval_on_selector_all(
        "ol[data-rank='crimea'] li", "items => items.map(i => i.dataset.option)"
    )
    assert order[0] == "recognised", order
    a.shot("keyboard-step-1-order", full_page=False)
    tab_to(p, "button[data-step-go='1']")
    p.keyboard.press("Enter")
    # step 2: lower a rating with the arrow keys
    slider = "input[data-rate='crimea'][data-option='non_recognition']"
    tab_to(p, slider)
    before = int(p.input_value(slider))
    for _ in range(5):
        p.keyboard.press("ArrowLeft")
    assert int(p.input_value(slider)) == before - 5
    a.shot("keyboard-step-2-rate", full_page=False)
    tab_to(p, "button[data-step-go='1']")
    p.keyboard.press("Enter")
    # step 3: importance points; step 4: walking away
    type_into(p, "input[data-weight='crimea']", "70")
    type_into(p, "input[data-weight='donbas']", "30")
    assert p.inner_text("[data-points-total]") == "100"
    tab_to(p, "button[data-step-go='1']")
    p.keyboard.press("Enter")
    if p.locator("#no-deal").count():  # absent where no deal is valued by how the conflict ends
        type_into(p, "#no-deal", "40")
    tab_to(p, "button[data-step-go='1']")
    p.keyboard.press("Enter")
    tab_to(p, "button[data-step-go='1']")
    p.keyboard.press("Enter")
    # step 6: check and save
    p.locator("[data-preview] p:not(.meta)").first.wait_for()
    assert "version 1" in p.inner_text("[data-preview]")
    a.shot("keyboard-step-6-check-and-save", full_page=False)
    tab_to(p, "button[data-save]")
    p.keyboard.press("Enter")
    p.wait_for_url(re.compile(r"/party\?saved=1$"))
    a.settle()

    # answer version 1: accept, mark a provision it cannot live with, send
    tab_to(p, "#v1 input[name=verdict][value=accept]")
    p.keyboard.press("Space")
    tab_to(p, "#v1 input[name=cannot_live_with][value=venue]")
    p.keyboard.press("Space")
    tab_to(p, "#v1 button[type=submit]")
    p.keyboard.press("Enter")
    p.wait_for_url(re.compile(r"answered=1"))
    answer = p.locator("#v1 .your-answer")
    answer.wait_for()
    assert "accept" in answer.inner_text() and "1 provision" in answer.inner_text()
    a.check_page("kb-party-answered")
    a.shot("keyboard-answered", full_page=False)

    status, mine = a.api("GET", f"/api/negotiations/{nid}/my/submissions")
    assert status == 200 and mine[-1]["preferences"]["weights"]["crimea"] == 70
    assert mine[-1]["preferences"]["no_deal"] == 40
    assert not a.errors and not m.errors, (a.errors, m.errors)
    assert not a.violations, a.violations
    a.close()
    m.close()
