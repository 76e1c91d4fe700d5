"""Helpers of the browser tests: the browser, an actor (one person's browser context), checks.

Each actor records the console errors of its pages, optionally every response body it receives
(for the leak scan), saves numbered screenshots, and runs axe-core (vendored, injected as an init
script, which the page's Content-Security-Policy does not govern) on the pages it visits.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
AXE_SHA256 = "fb83a4378d978ecb7d2dae48a3a3778a84c971ac692f3afd45d714fba89c0f0d"
ARTIFACTS_ENV = "PEACETABLE_UI_ARTIFACTS"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}

# party B (UA) enters these unusual values through the elicitation pages; none may reach party A
B_WEIGHTS = {"crimea": "73.1337", "donbas": "26.8663"}
B_NO_DEAL = "58.5858"
B_NOTE = "ZQXJ-MARKER-quokka note"
B_COMMENT = "We cannot accept a vote held under occupation (ref. kv-4471)."
B_MARKERS = ("73.1337", "26.8663", "58.5858", "0.585858", "0.731337", "ZQXJ-MARKER", "kv-4471")


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return CHROMIUM if Path(CHROMIUM).exists() else None


def artifacts_dir(default: Path) -> Path:
    """Where screenshots go: ``$PEACETABLE_UI_ARTIFACTS`` if set, else *default*."""
    given = os.environ.get(ARTIFACTS_ENV)
    path = Path(given) if given else default
    path.mkdir(parents=True, exist_ok=True)
    return path


def axe_source() -> str:
    """The vendored axe-core, checked against its recorded hash."""
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "vendored axe.min.js changed"
    return data.decode("utf-8")


@dataclass
class Shots:
    """Numbered screenshots in one folder."""

    folder: Path
    count: int = 0
    taken: list[Path] = field(default_factory=list)

    def take(self, page: Any, name: str, full_page: bool = True) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        self.taken.append(path)
        return path


API_JS = """async ([method, url, body]) => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const init = {method, credentials: "same-origin",
                headers: {"X-CSRF-Token": token, "Content-Type": "application/json"}};
  if (body !== null) init.body = JSON.stringify(body);
  const r = await fetch(url, init);
  const text = await r.text();
  let data = null;
  try { data = JSON.parse(text); } catch (e) { data = text; }
  return {status: r.status, data};
}"""


class Actor:
    """One person in their own browser context."""

    def __init__(
        self,
        browser: Any,
        name: str,
        base_url: str,
        shots: Shots,
        keep_bodies: bool = False,
        viewport: dict[str, int] | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.shots = shots
        self.context = browser.new_context(
            base_url=base_url, viewport=viewport or LAPTOP, accept_downloads=True
        )
        self.context.add_init_script(script=axe_source())
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.expected_errors: list[re.Pattern[str]] = []
        self.bodies: list[tuple[str, str]] = []
        self.doms: list[tuple[str, str]] = []
        self.axe_seen: set[str] = set()
        self.keep_doms = keep_bodies
        self.axe_times: list[tuple[str, float]] = []
        self.violations: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"{self.page.url}: {exc}"))
        if keep_bodies:
            self.context.route(re.compile(r"^(?!.*/static/).*$"), self._keep)

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        text = message.text
        if any(p.search(text) for p in self.expected_errors):
            return
        self.errors.append(f"{self.page.url}: {text}")

    def _keep(self, route: Any) -> None:
        """Pass every request on unchanged, keeping the body of what comes back."""
        try:
            response = route.fetch(max_redirects=0)
            body = response.body()
        except Exception:  # the page or context is closing: let the request go its way
            with contextlib.suppress(Exception):  # already handled, or the context is gone
                route.continue_()
            return
        self.bodies.append((route.request.url, body.decode("utf-8", "replace")))
        route.fulfill(response=response, body=body)

    def goto(self, path: str) -> Any:
        response = self.page.goto(path)
        self.settle()
        return response

    def settle(self) -> None:
        """Wait until the page has loaded, drawn its charts (plotly draws after loading) and
        filled a draft's outlook (asked for after loading)."""
        self.page.wait_for_load_state("load")
        charts = self.page.locator("[data-chart]")
        if charts.count():
            charts.first.locator(".main-svg").first.wait_for()
        outlook = self.page.locator("[data-outlook]")
        if outlook.count():
            outlook.first.locator(".outlook-answer[aria-busy='false']").wait_for(timeout=60_000)

    def shot(self, step: str, full_page: bool = True) -> Path:
        return self.shots.take(self.page, f"{self.name}-{step}", full_page)

    def keep_dom(self) -> None:
        """Keep the page as rendered now (after its scripts ran) for the leak scan."""
        self.doms.append((self.page.url, self.page.content()))

    def check_page(self, label: str) -> None:
        """axe-core on the current page (once per *label*); serious and critical violations kept."""
        if self.keep_doms:
            self.keep_dom()
        if label in self.axe_seen:
            return
        self.axe_seen.add(label)
        import time

        started = time.monotonic()
        result = self.page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }"
        )
        self.axe_times.append((label, round(time.monotonic() - started, 2)))
        for v in result:
            if v["impact"] in ("serious", "critical"):
                self.violations.append(
                    f"{label}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
                )

    def api(self, method: str, url: str, body: Any = None) -> tuple[int, Any]:
        """A JSON API call from the current page (its cookies and CSRF token), like its scripts."""
        out = self.page.evaluate(API_JS, [method, url, body])
        return int(out["status"]), out["data"]

    def close(self) -> None:
        self.context.close()


def no_horizontal_scroll(page: Any) -> bool:
    """The page fits its viewport's width (nothing to scroll sideways)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    return bool(width <= page.viewport_size["width"] + 1)


def too_wide(page: Any) -> list[str]:
    """The innermost elements that reach past the viewport's right edge (tag#id.class, width)."""
    return list(
        page.evaluate(
            """() => { const w = document.documentElement.clientWidth; const out = [];
            for (const e of document.querySelectorAll('body *')) {
              const r = e.getBoundingClientRect();
              if (r.right > w + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
                out.push(`${e.tagName.toLowerCase()}#${e.id}.${e.className} ${Math.round(r.width)}px`);
            } return out.slice(0, 10); }"""
        )
    )


def dump(obj: Any, path: Path) -> Path:
    path.write_text(json.dumps(obj, indent=1), encoding="utf-8")
    return path
