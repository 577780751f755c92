"""Headless Chromium through chromedriver, for the tests that open a page in a real browser
(test_docs_site, test_preview).

Chromium and chromedriver are the Debian packages `chromium` and `chromium-driver` (.ci/run
installs them); each test module skips itself without them, except under CI, where it fails.
Selenium is imported on use, after that check.
"""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
# No sandbox (containers), no GPU, no request of Chromium's own (updates, sync, first run).
BASE_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars"]


@contextmanager
def chrome(*flags: str) -> Iterator[Any]:
    """A Chrome driver with BASE_FLAGS and ``flags``, keeping the network and console logs (requested_urls,
    console_errors); quit at the end."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*BASE_FLAGS, *flags]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for since the last call (Chrome DevTools Network events)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver: Any) -> list[str]:
    """The console's errors since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def page_text(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def wait_for(driver: Any, condition: Callable[[Any], Any], what: str, timeout: float = 30) -> Any:
    """``condition(driver)`` once it is true (its value); an AssertionError naming ``what`` and showing the page's
    text when it is not within ``timeout`` seconds."""
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)
    except Exception as error:
        raise AssertionError(f"timed out waiting for {what}; page text: {page_text(driver)[:2000]}") from error


def save_screenshot(png: bytes, path: Path) -> None:
    """A screenshot kept in the repository's docs: written only when its bytes changed (the pages and the
    graph render alike run after run), so a test run leaves the working tree clean unless the picture moved."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)
