"""The pick engine end to end on the hand-built fixture tests/warehouses/pick_engine/.

37 predictions over three days, worked out by hand (see the fixture's README):
- 2025-01-06 (Mon): 12 champion candidates, 4 OVER (33.3 %), 4 with edge >= 5 -> GREEN,
  balanced. A re-predicted player (older run inactive), a PASS, a NO_LINE and another
  system's huge edge never count.
- 2025-01-07 (Tue): 9 candidates (+1 PASS) -> no signal: only ANY groups get picks. Two
  picks tie on composite (50.3): Alex Brown ranks before Tyler Young (player key).
- 2025-01-08 (Wed): 10 candidates, 2 OVER (20 %) -> RED, under_heavy; tonight, no box
  score yet: results null.
Graded: Cunningham 30 > 20.5 hit; Jokic 20 < 25.5 hit; Brunson 19 > 18.5 miss (UNDER);
White 10 on a line of 10.0 push; Davis 22 < 22.5 hit; Mitchell 22 < 27.5 hit; Banchero dnp
void; Mobley 16 > 15.5 miss (UNDER); Brown 3 < 9.5 hit; Young 21 > 20.5 hit.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from pipeline import FIXTURES, NO_UNIT, fixture_run, pick_engine_site
from reference_model import wilson
from sample_data.fixture import read_csv

D1, D2, D3 = "2025-01-06", "2025-01-07", "2025-01-08"
NAMES = {1: "Top Pick", 2: "Top 5", 3: "Top 10", 4: "Best Value", 5: "All Picks", 6: "Premium",
         7: "Top 3", 8: "Alternative", 9: "Best Value Top 5"}


# contract §4 additions, from the fixture's context: tip-off and home flag of each player's game;
# pick_id = 'pk' + the first 16 hex digits of md5(game_id|player key).
CONTEXT = {row["player_full_name"]: row for row in read_csv(
    "nba_analytics.upcoming_player_game_context",
    FIXTURES / "pick_engine" / "nba_analytics.upcoming_player_game_context.csv")}


def pick(player, team, opponent, prediction, line, direction, actual=None, result=None):
    game = CONTEXT[player]
    return {"player": player, "team": team, "opponent": opponent, "prediction": prediction,
            "line": line, "direction": direction, "actual": actual, "result": result,
            "pick_id": "pk" + hashlib.md5(f"{game['game_id']}|{game['player_lookup']}".encode()).hexdigest()[:16],
            "tipoff": game["game_start_at"].strftime("%Y-%m-%dT%H:%M:%SZ"), "home": game["is_home"]}


CUNNINGHAM = pick("Cade Cunningham", "DET", "BOS", 28.5, 20.5, "OVER", 30, "hit")
JOKIC = pick("Nikola Jokić", "DEN", "LAL", 19.0, 25.5, "UNDER", 20, "hit")
BRUNSON = pick("Jalen Brunson", "NYK", "MIA", 13.0, 18.5, "UNDER", 19, "miss")
WHITE = pick("Derrick White", "BOS", "DET", 15.0, 10.0, "OVER", 10, "push")
DAVIS = pick("Anthony Davis", "LAL", "DEN", 18.5, 22.5, "UNDER", 22, "hit")
MITCHELL = pick("Donovan Mitchell", "CLE", "ORL", 21.0, 27.5, "UNDER", 22, "hit")
BANCHERO = pick("Paolo Banchero", "ORL", "CLE", 18.5, 12.5, "OVER", None, "void")
MOBLEY = pick("Evan Mobley", "CLE", "ORL", 10.0, 15.5, "UNDER", 16, "miss")
BROWN = pick("Alex Brown", "CLE", "ORL", 4.5, 9.5, "UNDER", 3, "hit")
YOUNG = pick("Tyler Young", "ORL", "CLE", 25.5, 20.5, "OVER", 21, "hit")
SGA = pick("Shai Gilgeous-Alexander", "OKC", "PHX", 17.0, 24.5, "UNDER")
BOOKER = pick("Devin Booker", "PHX", "OKC", 17.0, 11.5, "OVER")
JWILLIAMS = pick("Jalen Williams", "OKC", "PHX", 8.0, 13.5, "UNDER")

EXPECTED_PICKS = {
    D1: {1: [CUNNINGHAM], 2: [CUNNINGHAM, JOKIC, BRUNSON, WHITE], 3: [CUNNINGHAM, JOKIC, BRUNSON, WHITE],
         4: [CUNNINGHAM, JOKIC, BRUNSON, WHITE], 5: [CUNNINGHAM, JOKIC, BRUNSON, WHITE], 6: [JOKIC, DAVIS],
         7: [CUNNINGHAM, JOKIC, BRUNSON], 8: [], 9: [CUNNINGHAM, JOKIC, BRUNSON, WHITE]},
    D2: {1: [MITCHELL], 2: [MITCHELL, BANCHERO, MOBLEY, BROWN, YOUNG], 3: [MITCHELL, BANCHERO, MOBLEY, BROWN, YOUNG],
         4: [], 5: [MITCHELL, BANCHERO, MOBLEY, BROWN, YOUNG], 6: [], 7: [MITCHELL, BANCHERO, MOBLEY], 8: [], 9: []},
    D3: {1: [SGA], 2: [SGA, BOOKER, JWILLIAMS], 3: [SGA, BOOKER, JWILLIAMS], 4: [], 5: [SGA, BOOKER, JWILLIAMS],
         6: [], 7: [SGA, BOOKER, JWILLIAMS], 8: [SGA, BOOKER, JWILLIAMS], 9: []},
}


def rec(wins, losses, pct):
    """A record as published: its hit rate (worked by hand) and that rate's Wilson 95 % interval (contract §3)."""
    low, high = wilson(wins, wins + losses)
    return {"wins": wins, "losses": losses, "pct": pct, "pct_low": low, "pct_high": high}


def same(wins, losses, pct):
    return {"season": rec(wins, losses, pct), "month": rec(wins, losses, pct), "week": rec(wins, losses, pct)}


# Every record window holds only fixture days (all in the week of Mon 2025-01-06).
RECORDS_D1 = {1: same(1, 0, 100.0), 2: same(2, 1, 66.7), 3: same(2, 1, 66.7), 4: same(2, 1, 66.7),
              5: same(2, 1, 66.7), 6: same(2, 0, 100.0), 7: same(2, 1, 66.7), 8: same(0, 0, None),
              9: same(2, 1, 66.7)}
RECORDS_D2 = {1: same(2, 0, 100.0), 2: same(5, 2, 71.4), 3: same(5, 2, 71.4), 4: same(2, 1, 66.7),
              5: same(5, 2, 71.4), 6: same(2, 0, 100.0), 7: same(3, 2, 60.0), 8: same(0, 0, None),
              9: same(2, 1, 66.7)}
EXPECTED_RECORDS = {D1: RECORDS_D1, D2: RECORDS_D2, D3: RECORDS_D2}  # day 3 is not graded yet
EXPECTED_SIGNAL = {D1: "favorable", D2: "neutral", D3: "challenging"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return pick_engine_site(tmp_path_factory.mktemp("pick_engine"))


@pytest.mark.parametrize("day", [D1, D2, D3])
def test_picks_file_worked_by_hand(site, day):
    doc = site.document(f"picks/{day}.json")
    expected = {
        "date": day,
        "generated_at": "2026-01-01T00:00:00Z",
        "model": "926A",
        "signal": EXPECTED_SIGNAL[day],
        "groups": [
            {"id": gid, "name": NAMES[gid], "record": EXPECTED_RECORDS[day][gid], "picks": EXPECTED_PICKS[day][gid]}
            for gid in range(1, 10)
        ],
    }
    assert doc == expected
    assert list(doc) == ["date", "generated_at", "model", "signal", "groups"]
    assert list(doc["groups"][0]) == ["id", "name", "record", "picks"]


def test_signals_files_worked_by_hand(site):
    assert site.document(f"signals/{D1}.json") == {
        "date": D1, "generated_at": "2026-01-01T00:00:00Z", "model": "926A", "signal": "favorable",
        "metrics": {"conditions": "balanced", "picks": 4}, "note": None}
    assert site.document(f"signals/{D2}.json") == {
        "date": D2, "generated_at": "2026-01-01T00:00:00Z", "model": "926A", "signal": "neutral",
        "metrics": {"conditions": "unknown", "picks": 0},
        "note": "Not enough picks today to read the market."}
    assert site.document(f"signals/{D3}.json") == {
        "date": D3, "generated_at": "2026-01-01T00:00:00Z", "model": "926A", "signal": "challenging",
        "metrics": {"conditions": "under_heavy", "picks": 3}, "note": None}


def test_signal_counts_in_the_warehouse(site):
    rows = site.query("""
        select game_date::varchar, candidate_count, over_count, high_edge_picks, pct_over, skew, signal
        from props_intermediate.int_market_signals_daily
        where system_id = 'catboost_v9' order by game_date""")
    assert rows == [
        (D1, 12, 4, 4, 33.3, "BALANCED", "GREEN"),
        (D2, 9, 4, 5, None, None, None),  # Banchero, Young, Wagner, Allen OVER
        (D3, 10, 2, 3, 20.0, "UNDER_HEAVY", "RED"),
    ]


def test_one_grading_row_per_candidate_and_no_pass_graded(site):
    rows = site.query("""
        select count(*), count(distinct prediction_id),
               count(*) filter (where prediction_id in ('pe-101', 'pe-102', 'pe-103', 'pe-104', 'pe-105'))
        from props_intermediate.int_candidates_graded""")
    # 31 champion candidates + the other system's one; superseded, PASS and NO_LINE rows never graded
    assert rows == [(32, 32, 0)]


def test_a_date_without_predictions_is_an_error(site, capsys):
    assert site.publish("--date", "2025-01-09", "--only", "public_picks") != 0
    assert "2025-01-09" in capsys.readouterr().err


def test_a_range_reports_each_file(site, capsys):
    assert site.publish("--start", D1, "--end", D3, "--only", "public_signals") == 0
    err = capsys.readouterr().err
    for day in (D1, D2, D3):
        assert f"signals/{day}.json" in err


def _stats(wins, losses, profit):
    n = wins + losses
    if n == 0:
        return {"picks": 0, "wins": 0, "losses": 0, "hit_rate": None, "hit_rate_low": None,
                "hit_rate_high": None, "roi": None}
    low, high = wilson(wins, n)
    return {"picks": n, "wins": wins, "losses": losses, "hit_rate": round(100 * wins / n + 1e-9, 1),
            "hit_rate_low": low, "hit_rate_high": high, "roi": round(100 * profit / n + 1e-9, 1)}


def test_performance_worked_by_hand(site):
    """As of 2025-01-07 (the latest graded date; day 3 is pending). Prices: Cunningham
    +110 pays 1.10, Jokic -125 pays 0.80, everything else -110 pays 100/110 (Mitchell's
    book line 28.5 is not his 27.5). Group 8 has no graded pick: hit_rate null."""
    std = 100 / 110
    expected_stats = {
        1: _stats(2, 0, 1.1 + std),                          # Cunningham, Mitchell
        2: _stats(5, 2, 1.1 + 0.8 + 3 * std - 2),            # + Jokic, Brown, Young; Brunson, Mobley lost
        3: _stats(5, 2, 1.1 + 0.8 + 3 * std - 2),
        4: _stats(2, 1, 1.1 + 0.8 - 1),                      # day 1 only (day 2 had no signal)
        5: _stats(5, 2, 1.1 + 0.8 + 3 * std - 2),
        6: _stats(2, 0, 0.8 + std),                          # Jokic, Davis
        7: _stats(3, 2, 1.1 + 0.8 + std - 2),
        8: _stats(0, 0, 0),
        9: _stats(2, 1, 1.1 + 0.8 - 1),
    }
    assert expected_stats[2]["roi"] == 37.5 and expected_stats[8]["hit_rate"] is None
    assert site.publish("--only", "public_subsets__performance") == 0
    doc = site.document("subsets/performance.json")
    assert doc["as_of"] == D2
    starts = {"last_7_days": "2025-01-01", "last_30_days": "2024-12-09", "season": "2024-10-22"}
    assert list(doc["windows"]) == ["last_7_days", "last_30_days", "season"]
    for window, start in starts.items():
        assert doc["windows"][window] == {
            "start_date": start, "end_date": D2,
            "groups": [{"id": g, "name": NAMES[g], "stats": expected_stats[g]} for g in range(1, 10)]}


def bet(rank, base):
    return {"rank": rank, "player": base["player"], "team": base["team"], "opponent": base["opponent"],
            "direction": base["direction"], "line": base["line"], "actual": base["actual"], "result": base["result"],
            "pick_id": base["pick_id"], "tipoff": base["tipoff"], "home": base["home"], "model": "926A"}


# Best bets (only catboost_v9 is production-enabled in this fixture), worked by hand:
# day 1: edge >= 3, OVER needs >= 5, UNDER needs a line >= 12 -> Cunningham 8.0, Jokic 6.5,
#        Brunson 5.5, White 5.0, Davis 4.0 (Hart 2.0 and the rest fail edge_floor).
# day 2: the champion is INSUFFICIENT_DATA (4 graded edge >= 3 picks on day 1), not
#        blocked -> Mitchell 6.5, Banchero 6.0, Mobley 5.5, Young 5.0 (Brown: bench_under,
#        line 9.5; Allen OVER 3.5: over_edge_floor).
# day 3: champion HEALTHY (7-2 over days 1-2) -> SGA 7.5, Booker 5.5, J. Williams 5.5
#        (Booker and Williams tie on edge; Booker's composite 55.45 beats 55.35).
BEST_BETS = {
    D1: [bet(1, CUNNINGHAM), bet(2, JOKIC), bet(3, BRUNSON), bet(4, WHITE), bet(5, DAVIS)],
    D2: [bet(1, MITCHELL), bet(2, BANCHERO), bet(3, MOBLEY), bet(4, YOUNG)],
    D3: [bet(1, SGA), bet(2, BOOKER), bet(3, JWILLIAMS)],
}


@pytest.mark.parametrize("day", [D1, D2, D3])
def test_best_bets_worked_by_hand(site, day):
    assert site.publish("--only", "public_best_bets", "--date", day) == 0
    assert site.document(f"best-bets/{day}.json") == {
        "date": day, "season": "2024-25", "generated_at": "2026-01-01T00:00:00Z", "status": "ok", "note": None,
        "picks": BEST_BETS[day]}


def test_best_bets_all_worked_by_hand(site):
    assert site.publish("--only", "public_best_bets__all") == 0
    doc = site.document("best-bets/all.json")
    # graded by recency: day 2 Mitchell W (rank 1), Banchero void (skipped), Mobley L ->
    # the current streak is W 1. Season 5-2 (day 1: 3-1 + a push; day 2: 2-1 + a void).
    assert {k: doc[k] for k in ("date", "season", "record", "streak", "total_picks", "graded")} == {
        "date": D3, "season": "2024-25",
        "record": {"season": rec(5, 2, 71.4), "month": rec(5, 2, 71.4), "week": rec(5, 2, 71.4),
                   "last_10": rec(5, 2, 71.4)},
        "streak": {"type": "W", "count": 1}, "total_picks": 12, "graded": 7}
    season = doc["record"]["season"]
    assert (season["pct_low"], season["pct_high"]) == (35.9, 91.8)  # Wilson 95 %, 5 of 7, by hand: 35.89-91.78 %
    assert doc["today"] == BEST_BETS[D3]
    assert doc["weeks"] == [{
        "week_start": "2025-01-06", "record": {"pending": 3, **rec(5, 2, 71.4)},
        "days": [
            {"date": D3, "status": "pending", "record": {"wins": 0, "losses": 0, "pending": 3}, "picks": BEST_BETS[D3]},
            {"date": D2, "status": "split", "record": {"wins": 2, "losses": 1, "pending": 0}, "picks": BEST_BETS[D2]},
            {"date": D1, "status": "split", "record": {"wins": 3, "losses": 1, "pending": 0}, "picks": BEST_BETS[D1]},
        ]}]


def test_admin_picks_lists_every_candidate_once_and_selected_equal_best_bets(site):
    assert site.publish("--only", "public_best_bets,admin_picks", "--all-dates") == 0
    for day in (D1, D2, D3):
        admin = site.document(f"admin/picks/{day}.json")
        keys = [(c["system_id"], c["player_lookup"]) for c in admin["candidates"]]
        assert len(keys) == len(set(keys))
        expected_count = {D1: 13, D2: 9, D3: 10}[day]  # day 1: 12 champion + the other system's
        assert len(keys) == expected_count
        selected = sorted((c["best_bet"]["rank"], c["player"]) for c in admin["candidates"] if c["best_bet"]["selected"])
        assert all((c["best_bet"]["filter_reason"] is None) == c["best_bet"]["selected"] for c in admin["candidates"])
        public = site.document(f"best-bets/{day}.json")["picks"]
        assert selected == [(p["rank"], p["player"]) for p in public]
        counts = {c["outcome"]: c["candidates"] for c in admin["filter_counts"]}
        assert sum(counts.values()) == expected_count
        # each outcome counts the candidates of the same file with that outcome; the selected ones are the best bets
        outcomes = Counter(c["best_bet"]["filter_reason"] or "selected" for c in admin["candidates"])
        assert counts == dict(outcomes) and counts.get("selected", 0) == len(public)
    admin = site.document(f"admin/picks/{D2}.json")
    reasons = {c["player"]: c["best_bet"]["filter_reason"] for c in admin["candidates"]}
    assert reasons["Alex Brown"] == "bench_under"
    assert reasons["Jarrett Allen"] == "over_edge_floor"
    assert reasons["Franz Wagner"] == "edge_floor"
    d1 = site.document(f"admin/picks/{D1}.json")
    other = [c for c in d1["candidates"] if c["system_id"] == "xgboost_v2"]
    assert [c["best_bet"]["filter_reason"] for c in other] == ["not_production"]
    # every subset a candidate qualified for (contract §4), published or not: White (edge 5.0) is fourth of the four
    # edge >= 5 candidates of day 1 (the GREEN day, 33.3 % OVER), so he qualifies for the seven edge-5 groups but
    # Premium (confidence) and Alternative (RED only); Top Pick keeps 1 and Top 3 keeps 3: qualified, not published
    white = next(c for c in d1["candidates"] if c["player"] == "Derrick White")
    assert [(s["id"], s["rank"], s["published"]) for s in white["subsets"]] == [
        (1, 4, False), (2, 4, True), (3, 4, True), (4, 4, True), (5, 4, True), (7, 4, False), (9, 4, True)]


def test_the_champion_sits_out_a_day_it_made_no_predictions(tmp_path):
    """contract §3 model_blocked: the champion's health entering the day decides, whether or not it predicts that
    day. With health_blocked_below at 80, its 7-2 before day 3 (77.8 %, N 9 >= 5) is BLOCKED (day 2: N 4, not). Its
    day-3 predictions are moved to xgboost_v2, made production-enabled: a night the champion's job fails must not
    publish the other model's picks (SGA 7.5, Booker 5.5, J. Williams 5.5 would pass every other filter)."""
    run = fixture_run(tmp_path, "pick_engine")
    run.execute("update nba_predictions.player_prop_predictions set system_id = 'xgboost_v2'"
                f" where system_id = 'catboost_v9' and game_date = '{D3}'",
                "update nba_predictions.model_registry set is_production = true where system_id = 'xgboost_v2'")
    run.dbt("build", *NO_UNIT, "--vars", "{health_blocked_below: 80}")
    assert run.publish("--only", "public_best_bets,admin_picks", "--date", D3) == 0
    doc = run.document(f"best-bets/{D3}.json")
    assert (doc["status"], doc["picks"]) == ("sitting_out", [])
    admin = run.document(f"admin/picks/{D3}.json")
    # the day's 10 candidates, now xgboost_v2's: each player's only one, so the first failing filter is model_blocked
    assert len(admin["candidates"]) == 10
    assert {(c["system_id"], c["best_bet"]["filter_reason"]) for c in admin["candidates"]} == {
        ("xgboost_v2", "model_blocked")}
    assert {base["player"] for base in (SGA, BOOKER, JWILLIAMS)} <= {c["player"] for c in admin["candidates"]}
