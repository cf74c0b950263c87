"""Browser tests: real Chromium through Playwright, against real servers on a real Redis."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

from server.embedded import EmbeddedRedis
from tests.servers import ServerProcess, start_redis

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium where it exists (browser downloads are impossible here)."""
    for candidate in (os.environ.get("PARCOURS_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in item.nodeid.split("/")[0]:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    redis = start_redis(tmp_path_factory.mktemp("e2e-redis"))
    yield redis
    redis.stop()


@pytest.fixture(scope="session")
def e2e_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-logs")


@pytest.fixture(scope="session")
def app_server(e2e_redis: EmbeddedRedis, e2e_logs: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(e2e_redis.url).start(e2e_logs)
    yield process
    process.stop()


@pytest.fixture(scope="session")
async def playwright() -> AsyncIterator[Playwright]:
    async with async_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
async def browser(playwright: Playwright) -> AsyncIterator[Browser]:
    path = chromium_path()
    if path is None and os.environ.get("CI"):
        pytest.fail("No Chromium found: ./dev test installs Debian's chromium package")
    launched = await playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    yield launched
    await launched.close()


@pytest.fixture
async def desktop(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    yield context
    await context.close()


@pytest.fixture
async def phone(browser: Browser, playwright: Playwright) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(**playwright.devices["Pixel 7"], locale="en-US")
    yield context
    await context.close()
