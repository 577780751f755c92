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
pick's line and result and its best-bet star, best bets, the best-bets season record,
streak and weeks, performance, models, live grading); the date picker lists every date
the files name, newest first, and opens another; the second site (read through
?base=...) shows the changed group with the same code; the #19 fields (pick_id, tipoff,
home, model, status/note, as_of) are shown when present; a date with no files says so; a
site whose files disagree (a third, edited copy) has each disagreement named on the Files
page, and a file's text is shown as text; the page's own chart aids and formats give
hand-worked values in a time zone a day ahead of UTC.
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


def rewrite(path: Path, change) -> dict:
    """Edit a published JSON file in place with ``change(document)``; return the edited document."""
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))
    return document


def demo_copy(demo: Run, root: Path) -> tuple[Path, dict]:
    """The demo's public site copied to ROOT/v1 (its admin files left out), and its latest.json dates."""
    site = root / "v1"
    shutil.copytree(demo.site, site, ignore=shutil.ignore_patterns("admin"))
    return site, json.loads((site / "latest.json").read_text())["dates"]


def best_bets_before(site: Path, date: str) -> Path:
    """The newest best-bets/{date}.json before DATE."""
    return sorted(p for p in (site / "best-bets").glob("????-??-??.json") if p.stem < date)[-1]


@pytest.fixture(scope="module")
def with_issue_19_fields(demo, tmp_path_factory) -> Path:
    """A copy of the demo site with the fields issue #19 adds (edited JSON), tonight sitting out, the champion listed
    last, tonight's live grading with its two picks final, one correct and one incorrect (win rate 50.0 %, Wilson 95 %
    by hand 9.46-90.54 %)."""
    root = tmp_path_factory.mktemp("preview-19")
    site, latest = demo_copy(demo, root)

    def picks(doc: dict) -> None:
        for group in doc["groups"]:
            for pick in group["picks"]:
                pick.update(pick_id=f"g-{pick['player'].replace(' ', '-')}", tipoff="2025-04-13T23:30:00Z", home=False)

    def older(doc: dict) -> None:
        for pick in doc["picks"]:
            pick.update(pick_id=f"b-{pick['rank']}", tipoff="2025-04-12T00:00:00Z", home=True, model="926A")
        doc.update(status="ok", note=None)

    def models(doc: dict) -> None:
        doc["as_of"] = json.loads((site / "subsets" / "performance.json").read_text())["as_of"]
        doc["models"].sort(key=lambda m: m["is_champion"])  # the champion last (the demo lists it first)

    def live(doc: dict) -> None:
        assert len(doc["picks"]) == 2, doc["summary"]  # the demo's night: one pick pending, one in progress
        for pick, status in zip(doc["picks"], ("correct", "incorrect")):
            pick.update(status=status, game_status="final")
        doc["summary"].update(graded=2, pending=0, correct=1, incorrect=1, win_rate=50.0, in_progress=0,
                              win_rate_low=9.5, win_rate_high=90.5)

    rewrite(site / "picks" / f"{latest['picks']}.json", picks)
    rewrite(site / "best-bets" / f"{latest['best-bets']}.json", lambda doc: doc.update(
        status="sitting_out", note="The model is on a cold run: no best bets tonight.", picks=[]))
    rewrite(best_bets_before(site, latest["best-bets"]), older)
    rewrite(site / "systems" / "models.json", models)
    rewrite(site / "live-grading" / f"{latest['live-grading']}.json", live)
    return root


MARKUP = '<img src="x" onerror="document.body.dataset.injected = 1">Bob'


@pytest.fixture(scope="module")
def inconsistent(demo, tmp_path_factory) -> Path:
    """A copy of the demo site as a broken publish could leave it: no latest.json, and tonight's files disagreeing
    with each other (edited JSON): the picks lack their last group and give a player's name with markup, no home
    and a 23:30 UTC tip-off; the signal file another signal; the day's best bets none (the season file still lists
    them as today's); live grading no pick (its summary still counts them); performance graded through tonight; every
    model the champion. An older graded day's best bets lack `model`, as before #19."""
    root = tmp_path_factory.mktemp("preview-inconsistent")
    site, latest = demo_copy(demo, root)
    tonight = latest["picks"]
    (site / "latest.json").unlink()

    def picks(doc: dict) -> None:
        doc["groups"].pop()
        first = next(g for g in doc["groups"] if g["picks"])["picks"][0]
        first.update(player=MARKUP, home=None, tipoff="2025-04-13T23:30:00Z")

    signal = rewrite(site / "picks" / f"{tonight}.json", picks)["signal"]
    other = "challenging" if signal != "challenging" else "favorable"
    rewrite(site / "signals" / f"{tonight}.json", lambda doc: doc.update(signal=other))
    rewrite(site / "best-bets" / f"{tonight}.json", lambda doc: doc.update(status="ok", note=None, picks=[]))
    rewrite(site / "live-grading" / f"{tonight}.json", lambda doc: doc.update(picks=[]))
    rewrite(site / "subsets" / "performance.json", lambda doc: doc.update(as_of=tonight))
    rewrite(site / "systems" / "models.json", lambda doc: [m.update(is_champion=True) for m in doc["models"]])
    rewrite(best_bets_before(site, tonight), lambda doc: [p.pop("model") for p in doc["picks"]])
    return root


def start(site_root: Path):
    server = serve.make_server(site_root, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def servers(demo, changed, with_issue_19_fields, inconsistent):
    """Base URLs of the preview serving each site."""
    running = [start(demo.root / "site"), start(changed.root / "site"), start(with_issue_19_fields),
               start(inconsistent)]
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


def interval(low, high) -> str:
    """A published Wilson interval as the pages show it (contract §3 Uncertainty)."""
    return MISSING if low is None else f"{pct(low)} – {pct(high)}"


def pct_with_interval(r: dict) -> str:
    """A record's hit rate and, when graded, its interval: the season page's tiles and weeks."""
    return pct(r["pct"]) if r["pct_low"] is None else f"{pct(r['pct'])} ({interval(r['pct_low'], r['pct_high'])})"


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
    """Groups (records, picks: player, line, result; a star after the name of a pick that is also a best bet, by
    pick_id) and best bets as in the JSON."""
    windows = ("season", "month", "week")
    best_ids = {p["pick_id"] for p in best["picks"]}
    cards = shown(driver, "article.group", "@data-group-id", "header h3", *(f"record-{w}" for w in windows),
                  *(f"pct-{w}" for w in windows), *(f"interval-{w}" for w in windows))
    assert [(c["@data-group-id"], c["header h3"]) for c in cards] == [(str(g["id"]), g["name"]) for g in doc["groups"]]
    for card, group in zip(cards, doc["groups"]):
        if group["record"]:
            assert [card[f"record-{w}"] for w in windows] == [record(group["record"][w]) for w in windows], group["name"]
            assert [card[f"pct-{w}"] for w in windows] == [pct(group["record"][w]["pct"]) for w in windows], group["name"]
            assert [card[f"interval-{w}"] for w in windows] == [  # none where nothing is graded
                None if r["pct_low"] is None else interval(r["pct_low"], r["pct_high"])
                for r in (group["record"][w] for w in windows)], group["name"]
        else:
            assert card["record-season"] is None
        rows = shown(driver, f'article.group[data-group-id="{group["id"]}"] tr.pick', ".player", "line", "result")
        assert [(r[".player"], r["line"], r["result"]) for r in rows] == \
            [(p["player"] + (" ★" if p["pick_id"] in best_ids else ""), f"{p['line']:.1f}", RESULTS[p["result"]])
             for p in group["picks"]], group["name"]
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
    picks, best = doc(f"picks/{latest['picks']}.json"), doc(f"best-bets/{latest['best-bets']}.json")
    check_day(browser, picks, best)
    assert one(browser, ".view-day .meta").text == f"Model {picks['model']} · generated 2026-01-01 00:00 UTC"
    signal = doc(f"signals/{latest['signals']}.json")
    assert one(browser, "section.signal").get_attribute("data-signal") == signal["signal"] == picks["signal"]
    assert f"Picks on the board {signal['metrics']['picks']}" in one(browser, "section.signal").text
    assert not browser.find_elements(By.CSS_SELECTOR, "section.signal .note-warn")  # the two files agree
    assert best["picks"] and not browser.find_elements(By.CSS_SELECTOR, "section.best-bets .sitting-out")
    screenshot(browser, "tonight")

    # Any date: the newest fully graded day, opened from the date picker (no reload).
    all_doc = doc("best-bets/all.json")
    day = next(d for w in all_doc["weeks"] for d in w["days"] if d["record"]["pending"] == 0 and d["picks"])
    options = [o.get_attribute("value") for o in Select(browser.find_element(By.ID, "date-picker")).options]
    known = {*latest.values(), *(d["date"] for w in all_doc["weeks"] for d in w["days"])}
    assert options == ["", *sorted(known, reverse=True)]  # "Open a date…", then every date the files name, newest first
    assert day["date"] in options and latest["picks"] in options
    other = browser.find_element(By.ID, "date-input")
    assert (other.get_attribute("min"), other.get_attribute("max")) == (min(known), max(known))
    Select(browser.find_element(By.ID, "date-picker")).select_by_value(day["date"])
    wait_ready(browser, "day", f"!!document.querySelector('.view-day[data-date=\"{day['date']}\"]')")
    assert_clean(browser)
    day_picks = doc(f"picks/{day['date']}.json")
    assert any(p["result"] for g in day_picks["groups"] for p in g["picks"])  # results shown, not only pending
    day_best = doc(f"best-bets/{day['date']}.json")
    check_day(browser, day_picks, day_best)
    stars = {p["pick_id"] in {b["pick_id"] for b in day_best["picks"]} for g in day_picks["groups"] for p in g["picks"]}
    assert stars == {True, False}  # the day's groups hold picks with a star and picks without
    screenshot(browser, "day")

    # Best-bets season: the published records and streak; two charts with axes and labels.
    clean_load(browser, f"{base}/#/best-bets", "best-bets")
    for key in ("season", "month", "week", "last_10"):
        tile = one(browser, f'[data-record="{key}"]')
        assert one(tile, ".stat-value").text == record(all_doc["record"][key])
        assert one(tile, ".stat-sub").text == pct_with_interval(all_doc["record"][key])
    assert one(browser, '[data-record="streak"] .stat-value').text == f"{all_doc['streak']['type']}{all_doc['streak']['count']}"
    assert one(browser, '[data-record="streak"] .stat-sub').text == \
        {"W": "wins in a row", "L": "losses in a row"}[all_doc["streak"]["type"]]
    week = all_doc["weeks"][0]  # newest first, open
    assert one(browser, f'details.week[data-week-start="{week["week_start"]}"] summary .pct').text == \
        pct_with_interval(week["record"])
    assert shown(browser, f'details.week[data-week-start="{week["week_start"]}"] tbody tr', "day", "record", "pending",
                 "picks") == [{"day": short_date(d["date"]), "record": record(d["record"]),
                               "pending": str(d["record"]["pending"]), "picks": str(len(d["picks"]))}
                              for d in week["days"]]
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
        assert one(browser, f'section[data-window="{key}"] h2 .count').text == \
            f"{short_date(window['start_date'])} – {short_date(window['end_date'])}"
        rows = shown(browser, f'section[data-window="{key}"] tbody tr', "@data-group-id", "picks", "record", "hit_rate", "interval", "roi")
        expected = []
        for group in window["groups"]:
            s = group["stats"]
            shown_interval = interval(s["hit_rate_low"], s["hit_rate_high"])
            roi = MISSING if s["roi"] is None else (f"+{s['roi']:.1f}%" if s["roi"] > 0 else f"{DASH}{-s['roi']:.1f}%" if s["roi"] < 0 else "0.0%")
            expected.append({"@data-group-id": str(group["id"]), "picks": str(s["picks"]), "record": record(s),
                             "hit_rate": pct(s["hit_rate"]), "interval": shown_interval, "roi": roi})
        assert rows == expected, key
        assert browser.find_elements(By.CSS_SELECTOR, f'[data-chart="intervals-{key}"] svg')
    screenshot(browser, "performance")

    # Models: codename, role, state.
    clean_load(browser, f"{base}/#/models", "models")
    models = doc("systems/models.json")["models"]
    assert shown(browser, "tbody tr", "model", "role", "state", "is_stale") == \
        [{"model": m["model"], "role": m["role"], "state": m["state"], "is_stale": "stale" if m["is_stale"] else "fresh"}
         for m in models]
    assert {m["is_stale"] for m in models} == {True, False}  # both shown
    champion = next(m for m in models if m["is_champion"])
    assert one(browser, ".champion").text == f"Champion {champion['model']} {champion['state']}"
    screenshot(browser, "models")

    # Live grading: every summary counter and every pick's status.
    clean_load(browser, f"{base}/#/live", "live")
    live = doc(f"live-grading/{latest['live-grading']}.json")
    for key, value in live["summary"].items():
        if key in ("win_rate_low", "win_rate_high"):  # the win rate's interval: no counter of its own
            assert not browser.find_elements(By.CSS_SELECTOR, f'[data-summary="{key}"]'), key
            continue
        assert one(browser, f'[data-summary="{key}"] .stat-value').text == (pct(value) if key == "win_rate" else str(value))
    assert live["summary"]["win_rate_low"] is None and one(browser, '[data-summary="win_rate"] .stat-sub').text == \
        "of graded picks"
    status = {"pending": "Pending", "in_progress": "In progress", "trending_correct": "Trending correct",
              "trending_incorrect": "Trending incorrect", "correct": "Correct", "incorrect": "Incorrect", "push": "Push",
              "void": "Void"}  # each published status (the mart's accepted values), as the page words it
    assert shown(browser, "tr.pick", "player", "line", "actual", "minutes", "status") == \
        [{"player": p["player"], "line": f"{p['line']:.1f}", "actual": MISSING if p["actual"] is None else str(p["actual"]),
          "minutes": p["minutes"] or MISSING, "status": status[p["status"]]} for p in live["picks"]]
    screenshot(browser, "live")

    # Files (on-call): every file read and consistent.
    clean_load(browser, f"{base}/#/files", "files")
    assert one(browser, ".verdict").get_attribute("data-problems") == "0", page_text(browser)
    assert "latest.json is not published" not in page_text(browser)
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

    graded = best_bets_before(site, latest["best-bets"]).stem
    clean_load(browser, f"{base}/#/day/{graded}", "day")
    rows = shown(browser, "section.best-bets tr.pick", "model", "opponent")
    assert rows and all(r["model"] == "926A" for r in rows)  # a best bet's model (a column only when present)
    assert all(r["opponent"].startswith("vs ") and r["opponent"].endswith(" ET") for r in rows), rows  # home

    clean_load(browser, f"{base}/#/models", "models")
    models = json.loads((site / "systems" / "models.json").read_text())
    assert shown(browser, ".view-head h1", ".sub") == [{".sub": f"as of {long_date(models['as_of'])}"}]
    champion = models["models"][-1]
    assert champion["is_champion"] and one(browser, ".champion").text == f"Champion {champion['model']} {champion['state']}"

    clean_load(browser, f"{base}/#/live", "live")  # a win rate with its interval
    assert one(browser, '[data-summary="win_rate"] .stat-value').text == "50.0%"
    assert one(browser, '[data-summary="win_rate"] .stat-sub').text == "of graded picks · 95 %: 9.5% – 90.5%"


def long_date(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def short_date(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day:%a}, {day:%b} {day.day}"


# The page's own numbers (chart aids) and formats, called in the page on hand-made input. The rolling series takes
# 3 picks: hits on the 1st to 3rd, a push and a miss on the 4th, misses on the 5th and 6th.
AIDS_AND_FORMATS = """
    const done = arguments[arguments.length - 1];
    Promise.all([import("/js/charts.js"), import("/js/dom.js")]).then(([c, d]) => {
        const pick = (date, result) => ({ date, result });
        const day = (p) => p.date.toISOString().slice(0, 10);
        done({
            wilson: [c.wilson(7, 10), c.wilson(0, 3), c.wilson(0, 0)],
            units: c.unitsSeries([pick("2025-01-01", "hit"), pick("2025-01-01", "miss"), pick("2025-01-02", "push"),
                pick("2025-01-02", "void"), pick("2025-01-03", null), pick("2025-01-03", "hit")]).map((p) => [day(p), p.units]),
            rolling: c.rollingSeries([pick("2025-01-01", "hit"), pick("2025-01-02", "hit"), pick("2025-01-03", "hit"),
                pick("2025-01-04", "push"), pick("2025-01-04", "miss"), pick("2025-01-05", "miss"), pick("2025-01-06", "miss")],
                3).map((p) => [day(p), p.rate, p.low, p.high, p.n]),
            season: c.seasonPicks({ weeks: [
                { days: [{ date: "2025-01-08", picks: [{ rank: 2, result: "miss" }, { rank: 1, result: "hit" }] },
                         { date: "2025-01-07", picks: [{ rank: 1, result: null }] }] },
                { days: [{ date: "2025-01-01", picks: [{ rank: 1, result: "push" }] }] }] }),
            formats: [d.fmtSigned(2.5), d.fmtSigned(-2.5), d.fmtSigned(0), d.fmtPct(66.66), d.fmtPct(null),
                d.fmtRecord({ wins: 92, losses: 46 }), d.fmtTimestamp("2026-01-01T00:00:00Z"),
                d.fmtTimestamp("2026-01-01T09:05:59.123Z"), d.fmtTipoff("2025-01-15T00:30:00Z"),
                d.fmtTipoff("2025-04-14T01:30:00Z"), d.fmtTipoff("soon"), d.fmtDate("2025-01-05"),
                d.fmtDate("2025-01-05", "short"), d.fmtOpponent({ opponent: "MIN", home: true }),
                d.fmtOpponent({ opponent: "MIN", home: false }), d.fmtOpponent({ opponent: "MIN" }), d.fmtOpponent({}),
                d.fmtInterval(9.46, 90.54), d.fmtInterval(null, null)],
            html: [d.h("p", { class: "x" }, "<b>bold</b>", 3, null, false).outerHTML, d.table([], []).outerHTML],
        });
    }).catch((error) => done({ error: String(error) }));
"""


def test_the_pages_chart_aids_and_formats_worked_by_hand_a_day_ahead_of_utc(demo, servers, browser):
    """The numbers the page computes itself, labelled chart aids (the units at −110, the rolling hit rate and its
    Wilson band), and its formats, on hand-made input, in a browser at UTC+14 (Pacific/Kiritimati), where noon UTC
    is already the next day: a date of the files stays that date, a tip-off is shown in US Eastern time (EST in
    January, EDT in April), and a file's text goes into the page as text, never as markup.
    Wilson 95 % bounds: 7 of 10 gives 39.68-89.22 %, the textbook example; 3 of 3 gives 43.85-100 %, 0 of 3
    0-56.15 %, 2 of 3 and 1 of 3 the mirror pair 20.77-93.85 % and 6.15-79.23 %. Units: a hit +100/110, a miss -1."""
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Pacific/Kiritimati"})
    try:
        clean_load(browser, f"{servers[0]}/", "tonight")
        got = browser.execute_async_script(AIDS_AND_FORMATS)
        latest = json.loads((demo.site / "latest.json").read_text())["dates"]["picks"]
        assert one(browser, ".view-day h1 .sub").text == long_date(latest)  # the header's date, in that zone
    finally:
        browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})
    assert "error" not in got, got["error"]
    rounded = lambda values: [None if v is None else round(v, 2) for v in values]  # noqa: E731
    assert [rounded(w) for w in got["wilson"]] == [[39.68, 89.22], [0.0, 56.15], [None, None]]
    assert [(d, round(u, 4)) for d, u in got["units"]] == [("2025-01-01", -0.0909), ("2025-01-02", -0.0909),
                                                          ("2025-01-03", 0.8182)]
    # a day's point is after its last pick; a push is no graded pick; 3 picks at most, and from 3 on (min(3, 20))
    assert [(d, *rounded([rate, low, high]), n) for d, rate, low, high, n in got["rolling"]] == [
        ("2025-01-03", 100.0, 43.85, 100.0, 3), ("2025-01-04", 66.67, 20.77, 93.85, 3),
        ("2025-01-05", 33.33, 6.15, 79.23, 3), ("2025-01-06", 0.0, 0.0, 56.15, 3)]
    assert got["season"] == [{"date": "2025-01-01", "result": "push"}, {"date": "2025-01-07", "result": None},
                             {"date": "2025-01-08", "result": "hit"}, {"date": "2025-01-08", "result": "miss"}]
    assert got["formats"] == ["+2.5", "–2.5", "0.0", "66.7%", "—", "92–46", "2026-01-01 00:00 UTC",
                              "2026-01-01 09:05 UTC", "7:30 PM ET", "9:30 PM ET", None, "Sunday, January 5, 2025",
                              "Sun, Jan 5", "vs MIN", "@ MIN", "MIN", "—", "9.5% – 90.5%", "—"]
    assert got["html"] == ['<p class="x">&lt;b&gt;bold&lt;/b&gt;3</p>', '<p class="empty">Nothing published.</p>']


def test_files_that_disagree_are_named_on_the_files_page_and_shown_as_they_are(demo, inconsistent, servers, browser):
    """The inconsistent site: the Files page names each file that is missing or disagrees, by the check it fails,
    and falls back to best-bets/all.json's date; the pages show what the files say (a name with markup as text)."""
    base, site = servers[3], inconsistent / "v1"
    tonight = json.loads((demo.site / "latest.json").read_text())["dates"]["picks"]
    doc = lambda path: json.loads((site / path).read_text())  # noqa: E731
    picks, models = doc(f"picks/{tonight}.json"), doc("systems/models.json")
    no_latest = ["/v1/latest.json - Failed to load resource"]

    clean_load(browser, f"{base}/#/files", "files", allowed_errors=no_latest)
    assert "latest.json is not published: the dates below are the date of best-bets/all.json." in page_text(browser)
    assert one(browser, ".verdict").get_attribute("data-problems") == "7"
    assert browser.find_element(By.CSS_SELECTOR, '[data-file="latest.json"] [data-field="read"]').text == "HTTP 404"
    failing = sorted(el.text for el in browser.find_elements(By.CSS_SELECTOR, ".check.fail"))
    live = doc(f"live-grading/{tonight}.json")
    assert failing == sorted([
        f"✗ {len(picks['groups'])} groups, as in systems/subsets.json",
        f"✗ signal “{doc(f'signals/{tonight}.json')['signal']}” as in picks",
        "✗ today = best-bets of the day",
        f"✗ summary total {live['summary']['total']} = 0 picks listed",
        f"✗ graded through {tonight}, before tonight",
        f"✗ as_of {models['as_of']} = performance",
        "✗ one champion"]), page_text(browser)

    # Tonight (dated by best-bets/all.json, the same date): the name as text; no home: "TEAM · OPP"; the signal's
    # two files disagree; no best bets in the day's file
    clean_load(browser, f"{base}/", "tonight", allowed_errors=no_latest)
    first = next(g for g in picks["groups"] if g["picks"])
    row = shown(browser, f'article.group[data-group-id="{first["id"]}"] tr.pick', ".player", ".matchup")[0]
    assert row == {".player": MARKUP, ".matchup": f"{first['picks'][0]['team']} · {first['picks'][0]['opponent']} · 7:30 PM ET"}
    assert browser.execute_script("return [document.querySelectorAll('main img').length, document.body.dataset.injected]") \
        == [0, None]
    assert one(browser, "section.signal .note-warn").text == f"picks file says “{picks['signal']}”"
    best = one(browser, "section.best-bets")
    assert best.get_attribute("data-status") == "ok" and one(best, ".sitting-out .badge").text == "No best bets"
    assert one(best, ".sitting-out p").text == "No best bets were published for this day."
    assert not best.find_elements(By.CSS_SELECTOR, "tr.pick")
    check_day(browser, picks, doc(f"best-bets/{tonight}.json"))  # the last group is gone from the page too

    clean_load(browser, f"{base}/#/live", "live", allowed_errors=no_latest)
    assert "No picks to grade tonight." in page_text(browser)

    older = best_bets_before(site, tonight).stem
    clean_load(browser, f"{base}/#/day/{older}", "day", allowed_errors=no_latest)
    assert [th.get_attribute("textContent") for th in browser.find_elements(By.CSS_SELECTOR, "section.best-bets thead th")] == [
        "#", "Player", "Team", "Opp", "Pick", "Line", "Pts", "Result"]  # no Model column without `model`


def test_a_date_without_files_says_so(servers, browser):
    missing = "2030-01-01"
    clean_load(browser, f"{servers[0]}/#/day/{missing}", "day",
               allowed_errors=[f"/v1/{e}/{missing}.json - Failed to load resource" for e in ("picks", "signals", "best-bets")])
    notes = {n.get_attribute("data-missing") for n in browser.find_elements(By.CSS_SELECTOR, ".missing")}
    assert notes == {f"picks/{missing}.json", f"signals/{missing}.json", f"best-bets/{missing}.json"}
    assert "not published (HTTP 404)" in page_text(browser)
    clean_load(browser, f"{servers[0]}/#/live/{missing}", "live",
               allowed_errors=[f"/v1/live-grading/{missing}.json - Failed to load resource"])
    assert [n.get_attribute("data-missing") for n in browser.find_elements(By.CSS_SELECTOR, ".missing")] == [
        f"live-grading/{missing}.json"]
