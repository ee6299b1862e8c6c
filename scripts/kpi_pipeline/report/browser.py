"""Headless Chromium for looking at the report: Debian's /usr/bin/chromium driven by the pinned
playwright client (no `playwright install`, no browser download).

Used by the browser test (tests/python/test_report.py) and scripts/report_screenshot.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("KPI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT = {"width": 1400, "height": 1000}


class BrowserMissing(RuntimeError):
    pass


@contextmanager
def chromium(user_data_dir: Path, viewport: dict[str, int] | None = None) -> Iterator[Any]:
    """A playwright browser context of a fresh Chromium profile in `user_data_dir` (must be empty or new)."""
    if not CHROMIUM.is_file():
        raise BrowserMissing(f"{CHROMIUM} not found: run `bash scripts/setup.sh` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    user_data_dir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(user_data_dir),
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport=viewport or VIEWPORT,
            device_scale_factor=1,
        )
        try:
            yield context
        finally:
            context.close()


def wait_until_drawn(page: Any, timeout_ms: int = 60_000) -> int:
    """Wait for the report's script to have drawn every chart; returns the number of charts."""
    page.wait_for_function("document.body.dataset.rendered !== undefined", timeout=timeout_ms)
    return int(page.evaluate("Number(document.body.dataset.rendered)"))
