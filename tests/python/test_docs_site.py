"""The dbt docs site, opened in a real browser (headless Chromium through chromedriver).

`dbt docs generate` writes the site (index.html, manifest.json, catalog.json) into a
temporary target folder; a local http.server on 127.0.0.1 serves it. The test fails on
any request to another host (dbt's page loads a tracking script from outside unless
send_anonymous_usage_stats is false) and on any console error; it checks that a public
mart's page lists its columns, and saves a screenshot of the lineage of picks/{date}.json
(sources -> staging -> intermediate -> public_picks -> exposure picks) to
docs/lineage_public_picks.png (written only when it changed).

Chromium and chromedriver are the Debian packages `chromium` and `chromium-driver`
(.ci/run installs them). Without them the test is skipped, except under CI, where it fails.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
import time
from urllib.parse import urlsplit

import pytest

from browser import CHROMEDRIVER, CHROMIUM, chrome, console_errors, requested_urls, save_screenshot, wait_for
from pipeline import PROJECT_DIR, new_run

SCREENSHOT = PROJECT_DIR / "docs" / "lineage_public_picks.png"
PUBLIC_MART = "public_picks"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# dbt's own index.html asks for three URLs that do not exist, whatever the project: two
# <img src="{{ getIcon(...) }}"> before Angular renders them, and a favicon path left as
# `${require(...)}` by its build. Local 404s, harmless; any other console error fails.
DBT_DOCS_OWN_404 = re.compile(r"^http://127\.0\.0\.1:\d+/(%7B%7B%20getIcon\(item\.type,%20'(on|off)'\)%20%7D%7D"
                              r"|\$%7Brequire\('\./assets/favicons/favicon\.ico'\)%7D) - Failed to load resource: "
                              r"the server responded with a status of 404")

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("chromium and chromedriver are required under CI (.ci/run installs them)")
    pytest.skip("chromium / chromedriver not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)

# selenium is pinned in requirements.lock: a missing one fails the import, never skips
from selenium.webdriver.common.by import By  # noqa: E402


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The generated docs site, served on a free local port: yields (base URL, manifest)."""
    run = new_run(tmp_path_factory.mktemp("docs"))
    # No warehouse needed: columns and descriptions come from the YAML, not the catalog.
    run.dbt("docs", "generate", "--empty-catalog")
    target = run.root / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["metadata"]["send_anonymous_usage_stats"] is False
    handler = functools.partial(QuietHandler, directory=str(target))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", manifest
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    with chrome("--window-size=1600,1000") as driver:
        yield driver


GRAPH_NODES = """
    var el = document.getElementById('cy');
    if (!el || !el._cyreg || !el._cyreg.cy || !el.offsetWidth) return null;
    return el._cyreg.cy.nodes(':visible').map(function (n) {
        return [n.data('label') || n.id(), Math.round(n.renderedPosition('x')), Math.round(n.renderedPosition('y'))];
    });
"""


def test_docs_site_offline_columns_and_lineage(site, browser):
    base, manifest = site
    node = manifest["nodes"][f"model.nba_props.{PUBLIC_MART}"]
    declared = list(node["columns"])
    assert len(declared) > 10

    # 1. The public mart's page lists every declared column in its Columns table.
    browser.get(f"{base}/index.html#!/model/{node['unique_id']}")

    def column_rows(driver):
        rows = driver.find_elements(By.CSS_SELECTOR, "table tr")
        names = [row.text.split("\n")[0].strip() for row in rows]
        return names if set(declared) <= set(names) else None

    wait_for(browser, column_rows, f"the columns of {PUBLIC_MART}")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "CONTRACT\nEnforced" in text and "picks/{date}.json" in text

    # 2. The lineage of the endpoint, full screen: everything upstream of the exposure
    # `picks` (label picks/{date}.json). The graph state is read from the URL on load.
    browser.get("about:blank")
    browser.get(f"{base}/index.html#!/overview?g_v=1&g_i=%2Bexposure:picks")
    previous: list = []

    def graph_settled(driver):
        nonlocal previous
        nodes = driver.execute_script(GRAPH_NODES)
        labels = {n[0] for n in nodes or []}
        settled = bool(nodes) and {PUBLIC_MART, "picks/{date}.json"} <= labels and nodes == previous
        previous = nodes or []
        return labels if settled else None

    labels = wait_for(browser, graph_settled, "the lineage graph of exposure picks", timeout=60)
    assert any(label.startswith("nba_predictions.") for label in labels), labels  # reaches the sources
    assert any(label.startswith("stg_") for label in labels) and any(label.startswith("int_") for label in labels)
    time.sleep(1)  # the graph's fit animation
    save_screenshot(browser.get_screenshot_as_png(), SCREENSHOT)

    # 3. Nothing but the local server was asked for, and no console error.
    urls = requested_urls(browser)
    assert any(urlsplit(url).path.endswith("/manifest.json") for url in urls), urls
    external = sorted({url for url in urls if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                       and urlsplit(url).hostname not in LOCAL_HOSTS})
    assert not external, f"the docs site requested other hosts: {external}"
    errors = [message for message in console_errors(browser) if not DBT_DOCS_OWN_404.search(message)]
    assert not errors, f"console errors: {errors}"
