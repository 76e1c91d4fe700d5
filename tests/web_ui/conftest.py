"""Fixtures of the browser tests: Debian's chromium through Playwright, a real server process.

Skipped cleanly, with the reason, where chromium or the playwright package is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback_support import Server
from ui_support import CHROMIUM_ARGS, Shots, artifacts_dir, chromium_path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium driven by Playwright (its own browser downloads are not used)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Shots:
    """Numbered screenshots ($PEACETABLE_UI_ARTIFACTS, or a folder in pytest's tmp dir)."""
    return Shots(artifacts_dir(Path(tmp_path_factory.mktemp("web-ui-screens"))))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Server]:
    """A real server process on loopback (SQLite), started like ``peacetable serve``."""
    s = Server(Path(tmp_path_factory.mktemp("web-ui-data")), None).start()
    yield s
    s.stop()
