"""`make demo` acceptance on a freshly generated one-season sample warehouse:
dbt build with every data and unit test (the suite's one DuckDB run of the unit tests: they
test the code, whatever the warehouse; the BigQuery emulator test runs them there), then the
publisher for every date.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re

import pytest

from pipeline import PROJECT_DIR, demo_site, generate, new_run
from publisher.checks import check_document
from reference_model import r1, wilson

SUBSETS = {int(r["public_id"]): r for r in csv.DictReader(open(PROJECT_DIR / "seeds" / "subset_definitions.csv"))}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_site(tmp_path_factory.mktemp("demo"))


def site_files(run) -> dict[str, bytes]:
    """Every published file: the public site's by path, the private one's (admin files) as private:PATH."""
    return {f"{prefix}{p.relative_to(site)}": p.read_bytes()
            for prefix, site in (("", run.site), ("private:", run.admin_site)) for p in sorted(site.rglob("*.json"))}


def test_systems_subsets(demo):
    doc = demo.document("systems/subsets.json")
    assert doc["model"] == "926A"
    assert [g["id"] for g in doc["groups"]] == list(range(1, 10))
    assert [g["name"] for g in doc["groups"]] == [SUBSETS[i]["public_name"] for i in range(1, 10)]
    assert check_document("systems/subsets.json", doc) == []


def test_every_game_date_has_picks_and_signals(demo):
    dates = [d for (d,) in demo.query(
        "select distinct game_date::varchar from nba_predictions.player_prop_predictions order by 1")]
    assert len(dates) > 100
    for day in dates:
        picks = demo.document(f"picks/{day}.json")
        assert [g["id"] for g in picks["groups"]] == list(range(1, 10))
        for group in picks["groups"]:
            top_n = SUBSETS[group["id"]]["top_n"]
            if top_n:
                assert len(group["picks"]) <= int(top_n)
        assert demo.document(f"signals/{day}.json")["date"] == day


def test_picks_are_in_strict_composite_order(demo):
    # every (subset, date): ranks 1..n, composite never increases, ties broken by player key
    bad = demo.query("""
        with ordered as (
            select *, lag(composite_score) over w as prev_composite, lag(player_lookup) over w as prev_player,
                   lag(subset_rank) over w as prev_rank
            from props_intermediate.int_subset_members_ranked
            window w as (partition by subset_id, game_date order by subset_rank))
        select count(*) from ordered
        where prev_rank is not null and (subset_rank != prev_rank + 1 or composite_score > prev_composite
              or (composite_score = prev_composite and player_lookup <= prev_player))""")
    assert bad == [(0,)]
    published = demo.query("""
        select count(*) from props_public.public_picks__picks p
        join props_reference.subset_definitions s on p.group_id = s.public_id
        left join (props_intermediate.int_subset_members_ranked m
                   join props_intermediate.int_candidates_scored c using (prediction_id))
          on m.subset_id = s.subset_id and m.game_date = p.date and m.subset_rank = p.pick_rank
             and c.pick_id = p.pick_id and m.points_line = p.line  -- the same player's game and line at that rank
        where m.subset_id is null""")
    assert published == [(0,)]
    # and those rows are the picks of the files, every one (the part joins its group in each file)
    [(part_rows,)] = demo.query("select count(*) from props_public.public_picks__picks")
    in_files = sum(len(group["picks"]) for file in sorted((demo.site / "picks").glob("*.json"))
                   for group in json.loads(file.read_bytes())["groups"])
    assert in_files == part_rows > 1000


def test_no_public_file_breaks_the_clean_api_rule(demo):
    files = site_files(demo)
    public = {path: data for path, data in files.items() if not path.startswith("private:")}
    assert len(public) > 300 and len(files) - len(public) > 300  # admin files went to the private destination
    for path, data in public.items():
        assert check_document(path, json.loads(data)) == [], path
        assert b"admin/" not in data, path
    ghost = [path for path, data in files.items() if b"legacy_pace_flag" in data]
    assert ghost == []


def test_rates_of_the_demo_are_realistic(demo):
    doc = demo.document("subsets/performance.json")
    season = {g["id"]: g["stats"] for g in doc["windows"]["season"]["groups"]}
    assert 50 <= season[5]["hit_rate"] <= 75
    assert season[5]["hit_rate_low"] < season[5]["hit_rate"] < season[5]["hit_rate_high"]


def test_a_second_run_gives_the_same_bytes_apart_from_generated_at(demo, tmp_path):
    """A second sample generated, built and published from scratch. Models and seeds only: the data tests
    ran on the first run's build of the same data, and they change no byte (the publisher's gate, which
    reads their results, is overridden)."""
    second = new_run(tmp_path / "second")
    generate(second)
    second.dbt("build", "--exclude-resource-type", "test", "unit_test")
    assert second.publish("--all-dates", "--generated-at", "2030-05-05T05:05:05Z", "--allow-failed-upstream") == 0
    first, again = site_files(demo), site_files(second)
    assert sorted(first) == sorted(again)
    stamp = re.compile(rb'"generated_at":"[^"]*"')
    differing = [p for p in first if stamp.sub(b"", first[p]) != stamp.sub(b"", again[p])]
    assert set(differing) <= {"manifest.json", "private:manifest.json"}


def test_best_bets_all_adds_up(demo):
    doc = demo.document("best-bets/all.json")
    season = doc["record"]["season"]
    assert season["wins"] == sum(w["record"]["wins"] for w in doc["weeks"])
    assert season["losses"] == sum(w["record"]["losses"] for w in doc["weeks"])
    assert doc["graded"] == season["wins"] + season["losses"]
    assert doc["total_picks"] == sum(len(d["picks"]) for w in doc["weeks"] for d in w["days"])
    weeks = [w["week_start"] for w in doc["weeks"]]
    assert weeks == sorted(weeks, reverse=True)
    for week in doc["weeks"]:
        days = [d["date"] for d in week["days"]]
        assert days == sorted(days, reverse=True)
        assert week["record"]["wins"] == sum(d["record"]["wins"] for d in week["days"])
        for day in week["days"]:
            wins, losses = day["record"]["wins"], day["record"]["losses"]
            assert wins == sum(p["result"] == "hit" for p in day["picks"])
            assert losses == sum(p["result"] == "miss" for p in day["picks"])
            expected = "pending" if not wins and not losses else "sweep" if not losses else "miss" if not wins else "split"
            assert day["status"] == expected
    # the streak and the last 10, counted by hand from the graded picks, newest first: by date, then tip-off (the end
    # of the date without one), then rank
    def newest_first(day: dict) -> list[dict]:
        end_of_day = f"{dt.date.fromisoformat(day['date']) + dt.timedelta(days=1)}T00:00:00Z"
        by_rank = sorted(day["picks"], key=lambda p: p["rank"])
        return sorted(by_rank, key=lambda p: p["tipoff"] or end_of_day, reverse=True)  # stable: rank breaks ties

    graded = [p["result"] for w in doc["weeks"] for d in w["days"] for p in newest_first(d)
              if p["result"] in ("hit", "miss")]
    run = 0
    while run < len(graded) and graded[run] == graded[0]:
        run += 1
    assert doc["streak"] == {"type": "W" if graded[0] == "hit" else "L", "count": run}
    assert (doc["record"]["last_10"]["wins"], doc["record"]["last_10"]["losses"]) == (
        graded[:10].count("hit"), graded[:10].count("miss"))


# ----------------------------------------------------------------------------- contract v1.1 (contract §4 additions)


def test_every_public_pick_has_its_id_tipoff_and_home(demo):
    """pick_id, tipoff (the context's start time, ISO UTC) and home on every pick of picks,
    best-bets and live-grading files; the same player's game has the same pick_id in all."""
    context = {(day, name): (start, home) for day, name, start, home in demo.query(
        "select game_date::varchar, player_full_name, strftime(game_start_at, '%Y-%m-%dT%H:%M:%SZ'), is_home"
        " from nba_analytics.upcoming_player_game_context")}
    codenames = {c for (c,) in demo.query("select codename from props_reference.model_codenames")}
    ids: dict[tuple[str, str], set[str]] = {}
    checked = 0
    for path in sorted(demo.site.glob("*/????-??-??.json")):
        kind, day = path.parent.name, path.stem
        doc = json.loads(path.read_text())
        picks = [p for g in doc["groups"] for p in g["picks"]] if kind == "picks" else doc.get("picks", [])
        for pick in picks:
            assert (pick["tipoff"], pick["home"]) == context[(day, pick["player"])], (path, pick)
            assert re.fullmatch(r"pk[0-9a-f]{16}", pick["pick_id"]), pick
            ids.setdefault((day, pick["player"]), set()).add(pick["pick_id"])
            if kind == "best-bets":
                assert pick["model"] in codenames
            checked += 1
    assert checked > 3000
    assert {key: len(found) for key, found in ids.items() if len(found) != 1} == {}
    assert len({next(iter(found)) for found in ids.values()}) == len(ids)  # one id per player's game


def champion_blocked_days(demo) -> set[str]:
    """Days d whose champion health as of the day before is BLOCKED (contract §3 Best bets, Model health), worked out
    here from the grades: graded candidates with edge >= 3 in the 7 days [d-7, d-1], never before d's opening night;
    at least 5 and a hit rate (1 dp) below 52.4."""
    openings = sorted(dt.date.fromisoformat(r["start_date"])
                      for r in csv.DictReader(open(PROJECT_DIR / "seeds" / "seasons.csv")))
    results: dict[dt.date, list[int]] = {}
    for day, wins, losses in demo.query(
            "select game_date, count(*) filter (where grade = 'win'), count(*) filter (where grade = 'loss')"
            " from props_intermediate.int_candidates_graded where system_id = 'catboost_v9' and edge >= 3"
            " group by game_date"):
        results[day] = [wins, losses]
    days = [d for (d,) in demo.query("select distinct game_date from nba_predictions.player_prop_predictions")]
    blocked = set()
    for day in days:
        opening = max(o for o in openings if o <= day)
        before = [results.get(day - dt.timedelta(days=k), [0, 0]) for k in range(1, 8)
                  if day - dt.timedelta(days=k) >= opening]
        wins, losses = sum(w for w, _ in before), sum(lost for _, lost in before)
        if wins + losses >= 5 and r1(100 * wins / (wins + losses)) < 52.4:
            blocked.add(day.isoformat())
    return blocked


def test_best_bets_sit_out_when_the_champion_is_blocked(demo):
    blocked = champion_blocked_days(demo)
    assert blocked, "the demo season has days when the champion sits out"
    # the day after the All-Star break: 26 wins, 28 losses in [02-12, 02-18] = 48.1 %; the last game date before
    # it (02-13: [02-07, 02-13]) was only DEGRADING, so reading that date's health instead would publish picks
    assert "2025-02-19" in blocked
    assert blocked == {day for (day,) in demo.query(
        "select game_date::varchar from props_intermediate.int_days_published"
        " where system_id = 'catboost_v9' and state_entering_day = 'BLOCKED'")}
    for path in sorted((demo.site / "best-bets").glob("????-??-??.json")):
        doc = json.loads(path.read_text())
        assert list(doc) == ["date", "season", "generated_at", "status", "note", "picks"]
        if path.stem in blocked:
            assert (doc["status"], doc["picks"]) == ("sitting_out", [])
            assert "sitting out" in doc["note"]
        else:
            assert (doc["status"], doc["note"]) == ("ok", None), path.stem


def test_models_json_is_as_of_the_track_record_and_agrees_with_the_dashboard(demo):
    models = demo.document("systems/models.json")
    dashboard = demo.document("admin/dashboard.json")
    assert models["as_of"] == demo.document("subsets/performance.json")["as_of"] == dashboard["as_of"]
    # the three read one model; its date, from the sources: the latest prediction date all of whose games have box
    # scores (the sample's later dates are still to be played)
    [(last_complete,)] = demo.query(
        "select max(game_date)::varchar from (select p.game_date from nba_predictions.player_prop_predictions p"
        " left join (select distinct game_id from nba_analytics.player_game_summary) s using (game_id)"
        " group by p.game_date having count(*) filter (where s.game_id is null) = 0)")
    [(last_predicted,)] = demo.query("select max(game_date)::varchar from nba_predictions.player_prop_predictions")
    assert last_complete < last_predicted and models["as_of"] == last_complete
    assert {m["model"]: m["state"] for m in models["models"]} == {m["model"]: m["state"] for m in dashboard["models"]}


def test_dashboard_windows_and_tiers_in_their_order(demo):
    """admin/dashboard.json gives each group's windows shortest first and the edge tiers high, medium, low (the
    parts' window_order and tier_order: a map's keys and a list in that order)."""
    dashboard = demo.document("admin/dashboard.json")
    assert dashboard["subsets"] and all(list(s["windows"]) == ["last_7_days", "last_14_days", "last_30_days"]
                                        for s in dashboard["subsets"])
    assert [t["tier"] for t in dashboard["edge_tiers"]] == ["high", "medium", "low"]


def _dashboard_rates(dashboard: dict) -> list[tuple[str, int, int | None, float | None, float | None, float | None]]:
    """Every hit rate of admin/dashboard.json: (where, n, wins when published, rate, low, high)."""
    rates = []
    for m in dashboard["models"]:
        for d in ("7d", "14d", "30d"):
            rates.append((f"models {m['model']} {d}", m[f"n_{d}"], None,
                          m[f"hit_rate_{d}"], m[f"hit_rate_{d}_low"], m[f"hit_rate_{d}_high"]))
    for s in dashboard["subsets"]:
        for name, w in s["windows"].items():
            rates.append((f"subsets {s['id']} {name}", w["picks"], w["wins"], w["hit_rate"], w["hit_rate_low"], w["hit_rate_high"]))
    for b in dashboard["by_signal"]:
        rates.append((f"by_signal {b['id']} {b['signal']}", b["picks"], b["wins"], b["hit_rate"], b["hit_rate_low"], b["hit_rate_high"]))
    for t in dashboard["edge_tiers"]:
        rates.append((f"edge_tiers {t['tier']}", t["picks"], None, t["hit_rate"], t["hit_rate_low"], t["hit_rate_high"]))
    for t in dashboard["signal_health"]:
        for w in ("7d", "season"):
            rates.append((f"signal_health {t['tag']} {w}", t[f"n_{w}"], None,
                          t[f"hit_rate_{w}"], t[f"hit_rate_{w}_low"], t[f"hit_rate_{w}_high"]))
    return rates


def test_every_dashboard_hit_rate_carries_its_wilson_interval(demo):
    # contract §3 Uncertainty. Where the section publishes no wins, any win count whose 1-dp
    # rate is the published one will do (past 1,000 picks two counts can share a rate)
    rates = _dashboard_rates(demo.document("admin/dashboard.json"))
    assert {where.split()[0] for where, *_ in rates} == {"models", "subsets", "by_signal", "edge_tiers", "signal_health"}
    assert sum(1 for _, n, *_ in rates if n) > 100
    for where, n, wins, rate, low, high in rates:
        if n == 0:
            assert (rate, low, high) == (None, None, None), where
            continue
        candidates = [wins] if wins is not None else [w for w in range(n + 1) if r1(100 * w / n) == rate]
        assert any(r1(100 * w / n) == rate and wilson(w, n) == (low, high) for w in candidates), (where, n, rate, low, high)


def test_every_published_record_and_win_rate_carries_its_wilson_interval(demo):
    # contract §3 Uncertainty: the records of the pick groups and of the best bets, each week's record and live
    # grading's win rate, beside their hit rate, from their own wins and losses (reference_model.wilson)
    site, rates = demo.site, []
    for path in sorted(site.glob("picks/*.json")):
        for group in json.loads(path.read_text(encoding="utf-8"))["groups"]:
            for window, r in (group["record"] or {}).items():
                rates.append((f"{path.name} {group['id']} {window}", r["wins"], r["losses"], r["pct"], r["pct_low"],
                              r["pct_high"]))
    all_bets = demo.document("best-bets/all.json")
    rates += [(f"all.json {w}", r["wins"], r["losses"], r["pct"], r["pct_low"], r["pct_high"])
              for w, r in all_bets["record"].items()]
    rates += [(f"all.json week {w['week_start']}", w["record"]["wins"], w["record"]["losses"], w["record"]["pct"],
               w["record"]["pct_low"], w["record"]["pct_high"]) for w in all_bets["weeks"]]
    for path in sorted(site.glob("live-grading/*.json")):
        s = json.loads(path.read_text(encoding="utf-8"))["summary"]
        rates.append((path.name, s["correct"], s["incorrect"], s["win_rate"], s["win_rate_low"], s["win_rate_high"]))
    graded = [rate for rate in rates if rate[1] + rate[2]]
    assert len(graded) > 100 and len(graded) < len(rates)  # the demo has both: graded records and empty ones
    for where, wins, losses, rate, low, high in rates:
        n = wins + losses
        expected = (r1(100 * wins / n), *wilson(wins, n)) if n else (None, None, None)
        assert (rate, low, high) == expected, where


# contract §4 (the endpoint tables): the keys of every object of every public document, in the contract's order,
# typed from it; ADDED: the additive fields (pick_id, tipoff, home; a best bet's model; the live summary's counters
# for the statuses it shows; signals' note; the Wilson interval of a record's pct and of the live win rate), which
# may only follow the contract's keys
PICK = ["player", "team", "opponent", "prediction", "line", "direction", "actual", "result"]
BET = ["rank", "player", "team", "opponent", "direction", "line", "actual", "result"]
WINS_LOSSES_PCT = {"wins": None, "losses": None, "pct": None}
STATS = {k: None for k in ("picks", "wins", "losses", "hit_rate", "hit_rate_low", "hit_rate_high", "roi")}
WINDOW = {"start_date": None, "end_date": None, "groups": [{"id": None, "name": None, "stats": STATS}]}
SHAPES = {
    "picks": {"date": None, "generated_at": None, "model": None, "signal": None, "groups": [{
        "id": None, "name": None, "record": {p: WINS_LOSSES_PCT for p in ("season", "month", "week")},
        "picks": [dict.fromkeys(PICK)]}]},
    "signals": {"date": None, "generated_at": None, "model": None, "signal": None,
                "metrics": {"conditions": None, "picks": None}},
    "best-bets": {"date": None, "season": None, "generated_at": None, "status": None, "note": None,
                  "picks": [dict.fromkeys(BET)]},
    "best-bets/all": {"date": None, "season": None, "generated_at": None,
                      "record": {p: WINS_LOSSES_PCT for p in ("season", "month", "week", "last_10")},
                      "streak": {"type": None, "count": None}, "today": [dict.fromkeys(BET)],
                      "weeks": [{"week_start": None, "record": {"wins": None, "losses": None, "pending": None, "pct": None},
                                 "days": [{"date": None, "status": None,
                                           "record": {"wins": None, "losses": None, "pending": None},
                                           "picks": [dict.fromkeys(BET)]}]}],
                      "total_picks": None, "graded": None},
    "subsets/performance": {"generated_at": None, "as_of": None, "model": None,
                            "windows": {w: WINDOW for w in ("last_7_days", "last_30_days", "season")}},
    "systems/subsets": {"generated_at": None, "model": None, "groups": [{"id": None, "name": None, "description": None}]},
    "systems/models": {"generated_at": None, "as_of": None, "models": [
        {"model": None, "role": None, "is_champion": None, "state": None, "is_stale": None}]},
    "live-grading": {"updated_at": None, "date": None, "summary": dict.fromkeys(
        ("total", "graded", "pending", "correct", "incorrect", "trending_correct", "trending_incorrect", "win_rate")),
        "picks": [dict.fromkeys(("player", "team", "game_status", "prediction", "line", "direction", "actual", "minutes",
                                 "status"))]},
}
ADDED = {"pick_id", "tipoff", "home", "model", "note", "in_progress", "push", "void", "pct_low", "pct_high",
         "win_rate_low", "win_rate_high"}


def key_order_problems(value, shape, where: str) -> list[str]:
    """Where an object's keys are not the contract's, in its order, followed by additive fields only."""
    if isinstance(shape, dict):
        keys = list(value)
        if keys[:len(shape)] != list(shape) or not set(keys[len(shape):]) <= ADDED:
            return [f"{where}: {keys}"]
        return [problem for key, inner in shape.items() for problem in key_order_problems(value[key], inner, f"{where}.{key}")]
    if isinstance(shape, list):
        return [problem for i, item in enumerate(value or []) for problem in key_order_problems(item, shape[0], f"{where}[{i}]")]
    return []


def test_every_public_document_has_the_contracts_keys_in_its_order_at_every_level(demo):
    checked = set()
    for path in sorted(demo.site.rglob("*.json")):
        name = str(path.relative_to(demo.site)).removesuffix(".json")
        kind = name if name in SHAPES else name.rsplit("/", 1)[0]
        if kind in SHAPES:
            assert key_order_problems(json.loads(path.read_text()), SHAPES[kind], name) == []
            checked.add(kind)
    assert checked == set(SHAPES)
