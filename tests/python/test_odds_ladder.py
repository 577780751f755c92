"""Alternate-line ladders and the price a pick pays, on the hand-built fixture
tests/warehouses/ladder/ (its README has the table worked by hand).

Prices: Jokić OVER 31.5 pays the ladder's 31.5 over +115 (1.15); Morant UNDER 24.5, a line
nobody quotes, pays -110 (100/110); Jackson OVER 20.5 skips the newest snapshot's null over
price and pays the older +100 (1.00); Porter UNDER 17.5 lost (-1); Bane OVER 17.5 pays
betmgm's +110 (1.10; betmgm before fanduel by name).
"""

from __future__ import annotations

import math

import pytest

from pipeline import NO_UNIT, fixture_run

DAY = "2025-01-13"
NAMES = {1: "Top Pick", 2: "Top 5", 3: "Top 10", 4: "Best Value", 5: "All Picks", 6: "Premium",
         7: "Top 3", 8: "Alternative", 9: "Best Value Top 5"}
STANDARD = 100 / 110  # -110


def stats(wins: int, losses: int, profit: float) -> dict:
    """contract §3 published stats, computed here independently (Wilson 95 %, z = 1.96)."""
    n = wins + losses
    if n == 0:
        return {"picks": 0, "wins": 0, "losses": 0, "hit_rate": None, "hit_rate_low": None,
                "hit_rate_high": None, "roi": None}
    z, p = 1.959963984540054, wins / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return {"picks": n, "wins": wins, "losses": losses, "hit_rate": round(100 * wins / n + 1e-9, 1),
            "hit_rate_low": round(100 * (centre - half) + 1e-9, 1),
            "hit_rate_high": min(100.0, round(100 * (centre + half) + 1e-9, 1)),
            "roi": round(100 * profit / n + 1e-9, 1)}


@pytest.fixture(scope="module")
def ladder(tmp_path_factory):
    run = fixture_run(tmp_path_factory.mktemp("ladder"), "ladder")
    run.dbt("build", *NO_UNIT)
    assert run.publish("--only", "public_subsets__performance,public_picks", "--all-dates") == 0
    return run


def test_every_line_of_the_ladder_is_kept_and_identical_rows_collapse(ladder):
    rows = ladder.query("select points_line, over_odds, under_odds from props_staging.stg_nba_raw__odds_player_points_props"
                        " where player_lookup = 'nikolajokic' order by points_line")
    # 9 source rows, one of them the accented twin of the 31.5 row: 8 lines remain
    assert rows == [(26.5, -250, 190), (27.5, -210, 165), (28.5, -175, 140), (29.5, -140, 115),
                    (30.5, -110, -110), (31.5, 115, -140), (32.5, 140, -175), (33.5, 165, -210)]


def test_each_pick_pays_the_price_at_its_own_line(ladder):
    prices = dict(ladder.query(
        "select player_lookup, american_odds from props_intermediate.int_candidates_scored"))
    assert prices == {"nikolajokic": 115, "jamorant": -110, "jarenjacksonjr": 100,
                      "michaelporterjr": -110, "desmondbane": 110}
    roles = dict(ladder.query(
        "select player_lookup, coalesce(price_line_role, 'none') from props_intermediate.int_candidates_scored"))
    assert roles == {"nikolajokic": "alternate", "jamorant": "none", "jarenjacksonjr": "main",
                     "michaelporterjr": "main", "desmondbane": "main"}


def test_performance_worked_by_hand(ladder):
    jokic, morant, jackson, porter, bane = 1.15, STANDARD, 1.00, -1.0, 1.10
    all_five = stats(4, 1, jokic + morant + jackson + porter + bane)
    assert all_five["roi"] == 63.2  # 100 x 3.159091 / 5
    expected = {1: stats(1, 0, jokic), 2: all_five, 3: all_five, 4: stats(0, 0, 0), 5: all_five,
                6: stats(0, 0, 0), 7: stats(2, 1, jokic + morant + porter), 8: stats(0, 0, 0), 9: stats(0, 0, 0)}
    assert expected[7]["roi"] == 35.3 and expected[1]["roi"] == 115.0
    doc = ladder.document("subsets/performance.json")
    assert doc["as_of"] == DAY
    season = doc["windows"]["season"]
    assert season["groups"] == [{"id": g, "name": NAMES[g], "stats": expected[g]} for g in range(1, 10)]


def test_picks_file_shows_the_picks_at_their_lines(ladder):
    groups = {g["id"]: g for g in ladder.document(f"picks/{DAY}.json")["groups"]}
    assert [(p["player"], p["line"], p["direction"], p["result"]) for p in groups[3]["picks"]] == [
        ("Nikola Jokić", 31.5, "OVER", "hit"), ("Ja Morant", 24.5, "UNDER", "hit"),
        ("Michael Porter Jr.", 17.5, "UNDER", "miss"), ("Jaren Jackson Jr.", 20.5, "OVER", "hit"),
        ("Desmond Bane", 17.5, "OVER", "hit")]
