"""The preview of the published files (preview/, issue #20), in a real browser (headless
Chromium through chromedriver, as tests/python/test_docs_site.py).

The site: the demo's, as test_demo.py checks it (sample warehouse, one season, seed 42, as
`make demo`; dbt build; every endpoint published for every date), built once a session
(pipeline.demo_site), the admin files copied beside the public ones, so a stray request
would succeed. A second site is the same warehouse after a subset's top_n changed (the seed
table updated, its downstream models and the record of picks rebuilt as a re-run of the demo
would, the public endpoints republished). preview/serve.py serves each on a free port of
127.0.0.1. About 30-40 s on 2 cores when the demo is built already.

Checked: every page loads with no console error, no request to a host other than
127.0.0.1 and none to an admin/ path; values shown equal the JSON's (group records, a
pick's line and result, best bets, the best-bets season record, performance, models, live
grading); another date opens from the date picker; the second site (read through
?base=...) shows the changed group with the same code; the #19 fields (pick_id, tipoff,
home, model, status/note, as_of) are shown when present; a date with no files says so.
Screenshots of each page go to docs/preview/*.png (README "Preview").

Chromium and chromedriver are the Debian packages `chromium` and `chromium-driver`, npm
installs the chart library (make preview-env). Without them the test is skipped, except
under CI, where it fails.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser import (CHROMEDRIVER, CHROMIUM, chrome, console_errors, page_text, requested_urls,
                     save_screenshot, wait_for)
from pipeline import PROJECT_DIR, Run, demo_site, new_run, script_module

NPM = shutil.which("npm")
PREVIEW_DIR = PROJECT_DIR / "preview"
SCREENSHOTS = PROJECT_DIR / "docs" / "preview"
WIDTH, SHOT_MAX_HEIGHT = 1280, 2400
PUBLIC_MODELS = ("public_picks,public_signals,public_best_bets,public_best_bets__all,public_live_grading,"
                 "public_subsets__performance,public_systems__models,public_systems__subsets")
CHANGED_GROUP, CHANGED_TOP_N = 1, 3  # "Top Pick": top_n 1 -> 3 on the second site

if not (CHROMIUM and CHROMEDRIVER and NPM):
    if os.environ.get("CI"):
        raise RuntimeError("chromium, chromedriver and npm are required under CI (.ci/run installs chromium)")
    pytest.skip("chromium / chromedriver / npm not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)

# selenium is pinned in requirements.lock: a missing one fails the import, never skips
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

serve = script_module(PREVIEW_DIR / "serve.py")


# --- the sites -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Run:
    subprocess.run(["make", "--no-print-directory", "-s", "preview-env"], cwd=PROJECT_DIR, check=True)
    # the demo test_demo.py checks (built once a session), every endpoint published for every date
    run = demo_site(tmp_path_factory.mktemp("preview-demo"))
    # the admin files beside the public ones, as a misconfigured server would expose them
    shutil.copytree(run.admin_site / "admin", run.site / "admin")
    assert (run.site / "admin" / "dashboard.json").exists()
    return run


@pytest.fixture(scope="module")
def changed(demo, tmp_path_factory) -> Run:
    """The demo's warehouse with group CHANGED_GROUP's top_n changed, rebuilt and republished."""
    run = new_run(tmp_path_factory.mktemp("preview-changed"))
    shutil.copyfile(demo.warehouse, run.warehouse)
    shutil.copytree(demo.root / "target", run.root / "target")
    run.execute(f"update props_reference.subset_definitions set top_n = {CHANGED_TOP_N} "
                f"where public_id = {CHANGED_GROUP}")
    # a re-run of the demo starts a new record; on a kept warehouse the deliberate rebuild of
    # the record does the same (a rule change otherwise applies to days not locked yet)
    run.dbt("run", "--select", "subset_definitions+", "--full-refresh", "--vars", "{rebuild_record: true}")
    # the latest date of each endpoint; a `dbt run` runs no test: the gate is overridden
    assert run.publish("-q", "--only", PUBLIC_MODELS, "--allow-failed-upstream") == 0
    return run


@pytest.fixture(scope="module")
def with_issue_19_fields(demo, tmp_path_factory) -> Path:
    """A copy of the demo site with the fields issue #19 adds (edited JSON), tonight sitting out."""
    root = tmp_path_factory.mktemp("preview-19")
    site = root / "v1"
    shutil.copytree(demo.site, site, ignore=shutil.ignore_patterns("admin"))
    latest = json.loads((site / "latest.json").read_text())["dates"]
    picks_path = site / "picks" / f"{latest['picks']}.json"
    picks = json.loads(picks_path.read_text())
    for group in picks["groups"]:
        for pick in group["picks"]:
            pick.update(pick_id=f"g-{pick['player'].replace(' ', '-')}", tipoff="2025-04-13T23:30:00Z", home=False)
    picks_path.write_text(json.dumps(picks))
    best_path = site / "best-bets" / f"{latest['best-bets']}.json"
    best = json.loads(best_path.read_text())
    best.update(status="sitting_out", note="The model is on a cold run: no best bets tonight.", picks=[])
    best_path.write_text(json.dumps(best))
    graded = sorted(p for p in (site / "best-bets").glob("????-??-??.json") if p.stem < latest["best-bets"])[-1]
    older = json.loads(graded.read_text())
    for pick in older["picks"]:
        pick.update(pick_id=f"b-{pick['rank']}", tipoff="2025-04-12T00:00:00Z", home=True, model="926A")
    older.update(status="ok", note=None)
    graded.write_text(json.dumps(older))
    models = json.loads((site / "systems" / "models.json").read_text())
    models["as_of"] = json.loads((site / "subsets" / "performance.json").read_text())["as_of"]
    (site / "systems" / "models.json").write_text(json.dumps(models))
    return root


def start(site_root: Path):
    server = serve.make_server(site_root, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def servers(demo, changed, with_issue_19_fields):
    """Base URLs of the preview serving each site."""
    running = [start(demo.root / "site"), start(changed.root / "site"), start(with_issue_19_fields)]
    try:
        yield [f"http://127.0.0.1:{s.server_address[1]}" for s in running]
    finally:
        for server in running:
            server.shutdown()
            server.server_close()


# --- the browser -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    with chrome("--window-size=1280,900", "--force-device-scale-factor=1", "--lang=en-US", "--disable-quic",
                "--disable-sync") as driver:
        yield driver


def wait_ready(driver, view: str, extra: str = "true") -> None:
    wait_for(driver, lambda d: d.execute_script(f"return document.body.dataset.ready === {json.dumps(view)} && ({extra})"),
             f"the {view} view")


def clean_load(driver, url: str, view: str, allowed_errors=()) -> list[str]:
    """Open URL afresh, wait for VIEW; assert no console error, no outside or admin request."""
    driver.get("about:blank")
    driver.get_log("browser"), driver.get_log("performance")  # forget the previous page
    driver.get(url)
    wait_ready(driver, view)
    return assert_clean(driver, allowed_errors)


def assert_clean(driver, allowed_errors=()) -> list[str]:
    urls = requested_urls(driver)
    web = [u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")]
    outside = sorted({u for u in web if urlsplit(u).hostname != "127.0.0.1"})
    assert not outside, f"the preview requested other hosts: {outside}"
    admin = [u for u in web if "/admin" in urlsplit(u).path]
    assert not admin, f"the preview requested admin files: {admin}"
    errors = [e for e in console_errors(driver) if not any(a in e for a in allowed_errors)]
    assert not errors, f"console errors: {errors}"
    return web


def screenshot(driver, name: str) -> None:
    """Full-page screenshot (up to SHOT_MAX_HEIGHT) to docs/preview/NAME.png (save_screenshot: only when it changed)."""
    height = driver.execute_script("return Math.ceil(document.querySelector('footer').getBoundingClientRect().bottom + 8)")
    driver.set_window_size(WIDTH, min(height, SHOT_MAX_HEIGHT))
    time.sleep(0.3)
    png = driver.get_screenshot_as_png()
    driver.set_window_size(WIDTH, 900)
    save_screenshot(png, SCREENSHOTS / f"{name}.png")


# --- what the page shows ----------------------------------------------------------------

DASH, MISSING = "–", "—"
RESULTS = {"hit": "Hit", "miss": "Miss", "push": "Push", "void": "Void", None: "Pending"}


def record(r: dict | None) -> str:
    return f"{r['wins']}{DASH}{r['losses']}" if r else MISSING


def pct(value) -> str:
    return MISSING if value is None else f"{value:.1f}%"


def one(scope, css: str):
    found = scope.find_elements(By.CSS_SELECTOR, css)
    assert len(found) == 1, f"{css}: {len(found)} elements"
    return found[0]


def field(scope, name: str) -> str:
    return one(scope, f'[data-field="{name}"]').text


FIELDS = """
    const [css, names] = arguments;
    const text = (el) => (el ? el.innerText.trim() : null);
    return [...document.querySelectorAll(css)].map((el) => Object.fromEntries(names.map((name) => [name,
        name.startsWith("@") ? el.getAttribute(name.slice(1))
        : /[ .#]/.test(name) ? text(el.querySelector(name))
        : text(el.querySelector(`[data-field="${name}"]`))])));
"""


def shown(driver, css: str, *names: str) -> list[dict]:
    """For each element matching CSS: the text of its [data-field=NAME] child (of the child
    matching NAME when NAME is a selector: ".x", "a b"), or its attribute @NAME. One round trip."""
    return driver.execute_script(FIELDS, css, list(names))


def check_day(driver, doc: dict, best: dict) -> None:
    """Groups (records, picks: player, line, result) and best bets as in the JSON."""
    windows = ("season", "month", "week")
    cards = shown(driver, "article.group", "@data-group-id", "header h3", *(f"record-{w}" for w in windows),
                  *(f"pct-{w}" for w in windows))
    assert [(c["@data-group-id"], c["header h3"]) for c in cards] == [(str(g["id"]), g["name"]) for g in doc["groups"]]
    for card, group in zip(cards, doc["groups"]):
        if group["record"]:
            assert [card[f"record-{w}"] for w in windows] == [record(group["record"][w]) for w in windows], group["name"]
            assert [card[f"pct-{w}"] for w in windows] == [pct(group["record"][w]["pct"]) for w in windows], group["name"]
        else:
            assert card["record-season"] is None
        rows = shown(driver, f'article.group[data-group-id="{group["id"]}"] tr.pick', ".player", "line", "result")
        assert [(r[".player"].rstrip(" ★"), r["line"], r["result"]) for r in rows] == \
            [(p["player"], f"{p['line']:.1f}", RESULTS[p["result"]]) for p in group["picks"]], group["name"]
    rows = shown(driver, "section.best-bets tr.pick", "rank", "player", "line", "result")
    assert [[r["rank"], r["player"], r["line"], r["result"]] for r in rows] == \
        [[str(p["rank"]), p["player"], f"{p['line']:.1f}", RESULTS[p["result"]]] for p in best["picks"]]


def test_every_page_offline_with_the_json_values_and_screenshots(demo, servers, browser):
    base = servers[0]
    site = demo.site
    latest = json.loads((site / "latest.json").read_text())["dates"]
    doc = lambda path: json.loads((site / path).read_text())  # noqa: E731

    # Tonight: latest.json's dates; groups with their records, picks, the signal, best bets.
    urls = clean_load(browser, f"{base}/", "tonight")
    asked = {urlsplit(u).path for u in urls}
    assert {"/v1/latest.json", f"/v1/picks/{latest['picks']}.json", f"/v1/signals/{latest['signals']}.json",
            f"/v1/best-bets/{latest['best-bets']}.json"} <= asked, asked
    picks = doc(f"picks/{latest['picks']}.json")
    check_day(browser, picks, doc(f"best-bets/{latest['best-bets']}.json"))
    signal = doc(f"signals/{latest['signals']}.json")
    assert one(browser, "section.signal").get_attribute("data-signal") == signal["signal"]
    assert f"Picks on the board {signal['metrics']['picks']}" in one(browser, "section.signal").text
    screenshot(browser, "tonight")

    # Any date: the newest fully graded day, opened from the date picker (no reload).
    all_doc = doc("best-bets/all.json")
    day = next(d for w in all_doc["weeks"] for d in w["days"] if d["record"]["pending"] == 0 and d["picks"])
    options = [o.get_attribute("value") for o in Select(browser.find_element(By.ID, "date-picker")).options]
    assert day["date"] in options and latest["picks"] in options
    Select(browser.find_element(By.ID, "date-picker")).select_by_value(day["date"])
    wait_ready(browser, "day", f"!!document.querySelector('.view-day[data-date=\"{day['date']}\"]')")
    assert_clean(browser)
    day_picks = doc(f"picks/{day['date']}.json")
    assert any(p["result"] for g in day_picks["groups"] for p in g["picks"])  # results shown, not only pending
    check_day(browser, day_picks, doc(f"best-bets/{day['date']}.json"))
    screenshot(browser, "day")

    # Best-bets season: the published records and streak; two charts with axes and labels.
    clean_load(browser, f"{base}/#/best-bets", "best-bets")
    for key in ("season", "month", "week", "last_10"):
        tile = one(browser, f'[data-record="{key}"]')
        assert one(tile, ".stat-value").text == record(all_doc["record"][key])
        assert one(tile, ".stat-sub").text == pct(all_doc["record"][key]["pct"])
    assert one(browser, '[data-record="streak"] .stat-value').text == f"{all_doc['streak']['type']}{all_doc['streak']['count']}"
    assert one(browser, '[data-record="picks"] .stat-value').text == str(all_doc["total_picks"])
    for chart, label in (("units", "Units (at −110)"), ("rolling", "breakeven 52.4 % (−110)")):
        svg = one(browser, f'[data-chart="{chart}"] svg')
        assert label in svg.text and len(svg.find_elements(By.CSS_SELECTOR, "g[aria-label='x-axis tick label'] text")) >= 5
    text = page_text(browser)
    assert "assuming −110 on every pick because the files carry no price" in text
    assert "Chart aid" in text and "95 % Wilson band" in text
    screenshot(browser, "best-bets")

    # Performance: every window, every group, the published numbers.
    clean_load(browser, f"{base}/#/performance", "performance")
    perf = doc("subsets/performance.json")
    for key, window in perf["windows"].items():
        rows = shown(browser, f'section[data-window="{key}"] tbody tr', "@data-group-id", "picks", "record", "hit_rate", "interval", "roi")
        expected = []
        for group in window["groups"]:
            s = group["stats"]
            interval = MISSING if s["hit_rate_low"] is None else f"{pct(s['hit_rate_low'])} – {pct(s['hit_rate_high'])}"
            roi = MISSING if s["roi"] is None else (f"+{s['roi']:.1f}%" if s["roi"] > 0 else f"{DASH}{-s['roi']:.1f}%" if s["roi"] < 0 else "0.0%")
            expected.append({"@data-group-id": str(group["id"]), "picks": str(s["picks"]), "record": record(s),
                             "hit_rate": pct(s["hit_rate"]), "interval": interval, "roi": roi})
        assert rows == expected, key
        assert browser.find_elements(By.CSS_SELECTOR, f'[data-chart="intervals-{key}"] svg')
    screenshot(browser, "performance")

    # Models: codename, role, state.
    clean_load(browser, f"{base}/#/models", "models")
    models = doc("systems/models.json")["models"]
    assert shown(browser, "tbody tr", "model", "role", "state") == \
        [{"model": m["model"], "role": m["role"], "state": m["state"]} for m in models]
    screenshot(browser, "models")

    # Live grading: every summary counter and every pick's status.
    clean_load(browser, f"{base}/#/live", "live")
    live = doc(f"live-grading/{latest['live-grading']}.json")
    for key, value in live["summary"].items():
        if key != "win_rate":
            assert one(browser, f'[data-summary="{key}"] .stat-value').text == str(value)
    status = {"pending": "Pending", "in_progress": "In progress", "trending_correct": "Trending correct",
              "trending_incorrect": "Trending incorrect", "correct": "Correct", "incorrect": "Incorrect", "push": "Push",
              "void": "Void"}  # each published status (the mart's accepted values), as the page words it
    assert shown(browser, "tr.pick", "player", "line", "actual", "status") == \
        [{"player": p["player"], "line": f"{p['line']:.1f}", "actual": MISSING if p["actual"] is None else str(p["actual"]),
          "status": status[p["status"]]} for p in live["picks"]]
    screenshot(browser, "live")

    # Files (on-call): every file read and consistent.
    clean_load(browser, f"{base}/#/files", "files")
    assert one(browser, ".verdict").get_attribute("data-problems") == "0", page_text(browser)
    screenshot(browser, "files")


def test_a_changed_top_n_changes_the_page_not_the_code(demo, changed, servers, browser):
    """The preview served with the demo reads the second site through ?base=: same code."""
    before = json.loads((demo.site / "picks" / f"{latest_date(demo.site)}.json").read_text())
    after = json.loads((changed.site / "picks" / f"{latest_date(changed.site)}.json").read_text())
    group = lambda doc: next(g for g in doc["groups"] if g["id"] == CHANGED_GROUP)  # noqa: E731
    assert len(group(after)["picks"]) > len(group(before)["picks"])  # the data changed

    shown = {}
    for name, url in (("before", f"{servers[0]}/"), ("after", f"{servers[0]}/?base={servers[1]}/v1/")):
        clean_load(browser, url, "tonight")
        card = one(browser, f'article.group[data-group-id="{CHANGED_GROUP}"]')
        # a pick that is also a best bet carries a star after the name (linked by pick_id)
        shown[name] = ([one(r, ".player").text.removesuffix(" ★") for r in card.find_elements(By.CSS_SELECTOR, "tr.pick")],
                       field(card, "record-season"))
    for name, doc in (("before", before), ("after", after)):
        assert shown[name] == ([p["player"] for p in group(doc)["picks"]], record(group(doc)["record"]["season"]))
    assert shown["before"] != shown["after"]


def latest_date(site: Path) -> str:
    return json.loads((site / "latest.json").read_text())["dates"]["picks"]


def test_issue_19_fields_are_shown_when_present(with_issue_19_fields, servers, browser):
    base = servers[2]
    site = with_issue_19_fields / "v1"
    latest = json.loads((site / "latest.json").read_text())["dates"]
    clean_load(browser, f"{base}/", "tonight")
    best = one(browser, "section.best-bets")
    assert best.get_attribute("data-status") == "sitting_out"
    assert "The model is on a cold run: no best bets tonight." in best.text and "Sitting out" in best.text
    rows = shown(browser, "article.group tr.pick", "@data-pick-id", ".matchup")
    assert rows and all(r["@data-pick-id"].startswith("g-") for r in rows)
    assert all(r[".matchup"].endswith("· 7:30 PM ET") and " @ " in r[".matchup"] for r in rows), rows  # away, tip-off in ET

    graded = sorted(p.stem for p in (site / "best-bets").glob("????-??-??.json") if p.stem < latest["best-bets"])[-1]
    clean_load(browser, f"{base}/#/day/{graded}", "day")
    rows = shown(browser, "section.best-bets tr.pick", "model", "opponent")
    assert rows and all(r["model"] == "926A" for r in rows)  # a best bet's model (a column only when present)
    assert all(r["opponent"].startswith("vs ") and r["opponent"].endswith(" ET") for r in rows), rows  # home

    clean_load(browser, f"{base}/#/models", "models")
    as_of = json.loads((site / "systems" / "models.json").read_text())["as_of"]
    assert shown(browser, ".view-head h1", ".sub") == [{".sub": f"as of {long_date(as_of)}"}]


def long_date(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def test_a_date_without_files_says_so(servers, browser):
    missing = "2030-01-01"
    clean_load(browser, f"{servers[0]}/#/day/{missing}", "day",
               allowed_errors=[f"/v1/{e}/{missing}.json - Failed to load resource" for e in ("picks", "signals", "best-bets")])
    notes = {n.get_attribute("data-missing") for n in browser.find_elements(By.CSS_SELECTOR, ".missing")}
    assert notes == {f"picks/{missing}.json", f"signals/{missing}.json", f"best-bets/{missing}.json"}
    assert "not published (HTTP 404)" in page_text(browser)
