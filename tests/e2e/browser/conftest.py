"""A real browser for the end-to-end tests: Playwright driving Debian's Chromium.

Playwright's own browser download does not work on our machines, so we launch
the system's /usr/bin/chromium (installed by ``scripts/ensure_test_tools.sh``,
which the test command runs first). Without it the browser tests skip with the
reason; under CI (``$CI`` set) they fail instead, because CI must run them.

Screenshots go to ``results/screenshots/`` so a person can look at what the
customer and the agent saw.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from calmdesk.operations.training import ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "results" / "screenshots"

# The flags a headless Chromium needs on a closed network, as root, without a GPU.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the browser tests)")
    pytest.skip(reason)


# Module scope, not session: while Playwright's sync API is open it keeps an
# asyncio loop running on the main thread, which would break later e2e tests
# that call asyncio.run() (the socket.io clients).
@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:  # noqa: F821 - Playwright's type, imported lazily
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM}: run scripts/ensure_test_tools.sh "
                     "or `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is in requirements.lock
        _unavailable("playwright is not installed in this environment")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
