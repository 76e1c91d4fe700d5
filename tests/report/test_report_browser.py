"""The briefing in headless Chromium: no console errors, no network, every chart rendered.

Needs Debian's ``chromium`` (``/usr/bin/chromium``; CI installs it through apt)
and the ``playwright`` Python package (its own browsers are not used). Skips
cleanly when either is missing. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_support import CHROMIUM_ARGS, chromium_path

from peacetable.report import Report, write_report

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser() -> Any:
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser: Any, report: Report, tmp_path: Path, screenshot: str) -> dict[str, Any]:
    html = tmp_path / "briefing.html"
    write_report(report, html)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("file:", "data:", "blob:", "about:"))
            else requests.append(r.url)
        ),
    )
    page.goto(html.as_uri(), wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('figure.chart .plotly-graph-div')]"
        ".every(d => d.querySelector('.main-svg'))",
        timeout=60_000,
    )
    declared = int(page.get_attribute("#briefing", "data-chart-count") or -1)
    figures = page.locator("figure.chart").count()
    rendered = page.evaluate(
        "() => [...document.querySelectorAll('figure.chart .plotly-graph-div')]"
        ".filter(d => d.querySelector('.main-svg')).length"
    )
    labelled = page.evaluate(
        "() => [...document.querySelectorAll('figure.chart')]"
        ".filter(f => f.getAttribute('role') === 'img' && (f.getAttribute('aria-label') || '').length > 20"
        " && f.querySelector('figcaption')).length"
    )
    injected = page.evaluate(
        "() => document.querySelectorAll('i, b').length"
        " + [...document.scripts].filter(s => s.text.includes('alert(1)')).length"
    )
    shown = page.evaluate("() => document.body.innerText")
    # interact with the first chart: hover, drag-zoom, double-click reset (errors are collected)
    area = page.locator("figure.chart .nsewdrag").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    if box is not None:
        x, y, w, h = box["x"], box["y"], box["width"], box["height"]
        page.mouse.move(x + w / 3, y + h / 3)
        page.mouse.down()
        page.mouse.move(x + w / 2, y + h / 2)
        page.mouse.up()
        page.mouse.dblclick(x + w / 2, y + h / 2)
        page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
    page.close()
    return {
        "errors": errors,
        "requests": requests,
        "declared": declared,
        "figures": figures,
        "rendered": rendered,
        "labelled": labelled,
        "injected": injected,
        "text": shown,
    }


def test_seed_briefing_renders_in_chromium(
    browser: Any, seed_report: Report, tmp_path: Path
) -> None:
    seen = _open(browser, seed_report, tmp_path, "briefing.png")
    assert seen["errors"] == []
    assert seen["requests"] == []
    assert seen["declared"] == len(seed_report.charts) > 0
    assert seen["figures"] == seen["declared"]
    assert seen["rendered"] == seen["declared"]
    assert seen["labelled"] == seen["declared"]
    assert (ARTIFACTS / "briefing.png").stat().st_size > 10_000


def test_three_party_briefing_renders_in_chromium(
    browser: Any, three_party_report: Report, tmp_path: Path
) -> None:
    seen = _open(browser, three_party_report, tmp_path, "briefing-three-party.png")
    assert seen["errors"] == []
    assert seen["requests"] == []
    assert seen["declared"] == len(three_party_report.charts)
    assert seen["rendered"] == seen["figures"] == seen["declared"]
    # the scenario's "<i>" and "<b>" texts are shown as text, never parsed as elements
    assert seen["injected"] == 0
    assert "South <i>" in seen["text"] and "Mediator's <draft>" in seen["text"]
