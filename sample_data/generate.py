"""Generate a deterministic sample warehouse of the seven upstream tables.

    python -m sample_data.generate --seasons 1 --seed 42 --out .warehouse/props.duckdb

Every row is derived from real NBA box scores (``sample_data/boxscores``); the
odds, predictions, model attribution and signal tags are synthetic, drawn
from ``random.Random`` instances seeded with strings built from ``--seed`` (no
Python ``hash()``), in a fixed iteration order, so the same seed always gives
the same table contents.

What exists relative to ``--today`` (default: last game date of the newest
season): box scores (player_game_summary) for dates < today only; for today
context rows, odds and predictions plus a live box-score snapshot taken mid-night
(``live_replay`` step TONIGHT_STEP: the games that have tipped off in progress, the later
ones scheduled; its newest update is the sample's clock, ``sample_data.clock``);
nothing after today. The real final box scores of today's games (which the
warehouse does not hold yet) go to ``sample_replay.final_boxscores``, outside the
upstream schemas, so ``python -m sample_data.live_replay`` can replay the night
snapshot by snapshot up to the final.

The sample sends what real feeds send (contract §1 "real feeds"), every shape
deterministic and checked by tests/python/test_generator.py:

- alternate-line ladders: books LADDER_BOOKS list, in every snapshot, 5-10 lines
  per player (2-4 steps of 0.5 below the main line, 2-5 above), each with its own
  prices; the main line carries the most balanced pair (MAIN_PAIRS), every other
  line is skewed away from it (``ladder_prices``: a line above the main makes the
  over plus-money and the under more negative, and vice versa);
- lines that move: every book's line (a ladder's main line, the whole ladder with
  it) moves by 0.5 between two snapshots for P_LINE_MOVE of the snapshots;
- null prices (a side not offered): P_NULL_SIDE of the single-line rows, and
  P_LADDER_ONE_SIDED of the ladder lines 1.5 or more from the main line, which then
  offer only their plus-money side;
- a book that quotes only some players: PARTIAL_BOOK quotes the top (by line)
  PARTIAL_TOP players of each game, always fewer than half of them;
- spellings that differ between feeds: the context feed sends accented display
  names (ACCENTED_NAMES), the box scores the real (plain ASCII) names, and
  NAME_KEY_BOOK sends the name as it spells it ("Nikola Jokić", "Kelly Oubre Jr.")
  in player_lookup where every other feed sends the folded key ("nikolajokic");
- box-score rows for players with no context row: besides the real rows of players
  never predicted (averaging under MIN_PROP_AVG, or fewer than MIN_TRAIL_GAMES
  games), P_BENCH_ROW of the team-games get a row (dnp 0/0, or inactive with null
  points and minutes) for a low-average player of the team's previous game;
- a postponed game (``postponed_game``: one game of the game day POSTPONED_AT into
  the season): context rows, odds, predictions and signal tags exist, no box score
  ever arrives (no summary row, no live row, nothing in the players' history),
  while the later dates' box scores do, so the pipeline grades its candidates void;
- in-game re-runs: P_LATE_RUN of the player-game-systems of a played game day get
  a run LATE_RUN_AFTER minutes after the game's tip-off, on draftkings' last line,
  that knows how the game is going (LATE_RUN_SKILL of the way from the line to the
  real points): the active row, superseding the run before the tip-off, and never a
  candidate (contract §3 Lock at tip-off; admin files show it as late). Tonight's
  games get none (such a run would lie past the sample's clock).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import math
import os
import random
import re
import sys
import time
import unicodedata
from collections import defaultdict, deque
from collections.abc import Callable
from typing import NamedTuple

from sample_data import live_replay
from sample_data import seasons as season_data
from sample_data.seasons import SeasonPlan
from sample_data.schema import TABLES, load_tables

# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

_EXTRA_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})
_NOT_KEY = re.compile(r"[^a-z0-9]")


@functools.lru_cache(maxsize=None)
def player_lookup(name: str) -> str:
    """Player key: lower case, accents folded (NFKD, combining marks dropped),
    then every character outside [a-z0-9] removed.

    >>> player_lookup("Nikola Jokić"), player_lookup("Kelly Oubre Jr.")
    ('nikolajokic', 'kellyoubrejr')
    """
    s = unicodedata.normalize("NFKD", name.lower().translate(_EXTRA_FOLD))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return _NOT_KEY.sub("", s)


# Players the upstream feed sends with their accents (the shipped box scores are ASCII).
ACCENTED_NAMES = {
    "Nikola Jokic": "Nikola Jokić",
    "Luka Doncic": "Luka Dončić",
    "Jonas Valanciunas": "Jonas Valančiūnas",
    "Bogdan Bogdanovic": "Bogdan Bogdanović",
    "Nikola Vucevic": "Nikola Vučević",
    "Dennis Schroder": "Dennis Schröder",
    "Alperen Sengun": "Alperen Şengün",
    "Kristaps Porzingis": "Kristaps Porziņģis",
    "Jusuf Nurkic": "Jusuf Nurkić",
    "Dario Saric": "Dario Šarić",
}


def display_name(name: str) -> str:
    return ACCENTED_NAMES.get(name, name)


# --------------------------------------------------------------------------
# Systems, signals, books
# --------------------------------------------------------------------------


class System(NamedTuple):
    id: str
    family: str
    is_production: bool
    is_enabled: bool


CHAMPION = "catboost_v9"

# The prediction systems (for the codename seed): id, family, is_production, is_enabled.
SYSTEMS: list[System] = [
    System("catboost_v9", "catboost", True, True),
    System("catboost_v9_202602", "catboost", False, True),
    System("catboost_v8", "catboost", True, True),
    System("ensemble_v1", "ensemble", True, True),
    System("similarity_v1", "similarity", False, True),
    System("xgboost_v2", "xgboost", True, True),
    System("catboost_v9_q43", "catboost", False, True),
    System("lightgbm_v3", "lightgbm", False, True),
    System("xgboost_v1", "xgboost", False, True),
    System("catboost_v7", "catboost", False, False),
    System("zone_matchup_v1", "baseline", False, True),
    System("moving_average_v1", "baseline", False, True),
]
SYSTEM_IDS = [s.id for s in SYSTEMS]


class _Behaviour(NamedTuple):
    a: float  # weight of (actual - line): the model's skill
    sd: float  # noise of the prediction
    bias_mean: float  # per-(system, day) bias ~ N(bias_mean, bias_sd)
    bias_sd: float
    features: int
    loss: str
    exp_mae: float
    exp_hit: float
    lead_days: int  # training window ends this many days before opening night
    anchor: str = "line"  # 'line' or 'trailing' (baseline ignoring the market)
    confidence_scale: float = 1.0  # 100 for the legacy 0-100 system


_BEHAVIOUR: dict[str, _Behaviour] = {
    # predicted = line + a * (actual - line) + day_bias + N(0, sd); day_bias ~ N(bias_mean, bias_sd)
    # fields: a, sd, bias_mean, bias_sd, features, loss, expected MAE, expected hit rate, lead_days
    "catboost_v9": _Behaviour(0.04, 2.2, -0.5, 0.75, 33, "RMSE", 4.92, 0.585, 0),
    "catboost_v9_202602": _Behaviour(0.05, 2.1, -0.3, 0.8, 33, "RMSE", 4.88, 0.590, 5),
    "catboost_v8": _Behaviour(0.045, 2.3, -0.4, 0.8, 33, "RMSE", 5.05, 0.571, 6),
    "ensemble_v1": _Behaviour(0.05, 1.8, -0.3, 0.6, 48, "weighted_mean", 4.97, 0.566, 4),
    "similarity_v1": _Behaviour(0.025, 2.6, 0.0, 1.0, 24, "knn_l2", 5.61, 0.535, 8),
    "xgboost_v2": _Behaviour(0.045, 2.2, -0.2, 0.8, 37, "reg:squarederror", 5.08, 0.561, 3),
    "catboost_v9_q43": _Behaviour(0.05, 2.2, -1.1, 0.7, 33, "Quantile:alpha=0.43", 5.01, 0.574, 5),
    "lightgbm_v3": _Behaviour(0.035, 2.4, 0.2, 0.9, 41, "huber", 5.19, 0.552, 7),
    "xgboost_v1": _Behaviour(0.02, 2.7, 0.3, 1.0, 25, "reg:squarederror", 5.44, 0.531, 9),
    "catboost_v7": _Behaviour(0.03, 2.5, -0.2, 0.9, 29, "RMSE", 5.37, 0.540, 10),
    "zone_matchup_v1": _Behaviour(0.01, 2.9, 0.5, 1.0, 12, "none", 5.71, 0.524, 6),
    "moving_average_v1": _Behaviour(0.0, 1.4, 0.0, 0.3, 1, "none", 5.86, 0.527, 2, "trailing", 100.0),
}
assert set(_BEHAVIOUR) == set(SYSTEM_IDS)

_FILE_EXT = {"catboost": ".cbm", "xgboost": ".json", "lightgbm": ".txt", "ensemble": ".pkl", "similarity": ".pkl", "baseline": ".json"}
_FAMILY = {s.id: s.family for s in SYSTEMS}

# Systems whose candidates get a pick_signal_tags row.
TAGGED_SYSTEMS = (CHAMPION, "catboost_v8")

# The tracked signal tags (for the allowlist seed). 'legacy_pace_flag' is a
# ghost tag the generator also writes and that is NOT on the list.
SIGNAL_ALLOWLIST = [
    "high_edge",
    "hot_streak",
    "cold_streak",
    "minutes_surge",
    "b2b_fatigue",
    "rest_advantage",
    "home_underdog",
    "pace_up",
]
GHOST_TAG = "legacy_pace_flag"

# One line per snapshot for every player with props (draftkings' line is the one the
# prediction runs read).
BOOKS = ("draftkings", "fanduel", "betmgm", "caesars")
# Alternate-line ladders: every snapshot lists 5-10 lines per player around the book's
# main line, each with its own prices (skewed away from the main line).
LADDER_BOOKS = ("betrivers", "espnbet")
# Quotes only the players with the highest lines of each game (PARTIAL_TOP, always fewer
# than half the game's players with props), one line each.
PARTIAL_BOOK = "bovada"
PARTIAL_TOP = 3
# Sends the player's name as its sportsbook spells it (accents, capitals, punctuation)
# in player_lookup instead of the folded key: staging folds it.
NAME_KEY_BOOK = "caesars"
ALL_BOOKS = BOOKS + LADDER_BOOKS + (PARTIAL_BOOK,)
SNAPSHOT_TIMES = (dt.time(13, 0), dt.time(17, 0), dt.time(22, 0))  # UTC on game_date
ACTIVE_RUN = dt.time(17, 15)  # + system index minutes; uses the 17:00 snapshot
EARLY_RUN = dt.time(14, 15)  # ~3 h earlier, superseded (is_active false); uses 13:00
# Tip-off slots in minutes after midnight UTC of game_date (>= 24 h = next day).
TIPOFF_SLOTS = (23 * 60, 23 * 60 + 30, 24 * 60, 24 * 60 + 30, 25 * 60, 25 * 60 + 30, 26 * 60, 26 * 60 + 30)
# (over, under) American prices, weighted by repetition; never in (-100, +100).
PRICE_PAIRS = (
    [(-110, -110)] * 6
    + [(-115, -105), (-105, -115)] * 3
    + [(-120, 100), (100, -120), (-125, 105), (105, -125), (-130, 110), (110, -130), (-120, -110), (-110, -120)]
)

# Rates, tuned so that the champion (seed 42) makes ~4 edge >= 5 picks per day with a
# 60-66 % season hit rate; tests/python/test_generator.py checks the ranges.
P_DNP = 0.032  # team-games with an eligible absentee -> a did-not-play case
P_NO_LINE = 0.09  # low-scoring player-games predicted without any line (NO_LINE)
P_EARLY_RUN = 0.30  # player-game-systems with a superseded earlier run
P_LATE_RUN = 0.03  # player-game-systems of a played day with an in-game re-run (after the tip-off)
LATE_RUN_AFTER = (20, 45, 90)  # minutes after the tip-off (+ system index minutes)
LATE_RUN_SKILL = 0.9  # an in-game run's prediction: this share of the way from the line to the points
P_BOOK_OFFSET = 0.10  # a book's line is 0.5 off the consensus half point (whole number)
P_LINE_MOVE = 0.07  # a later snapshot moves by 0.5
P_GHOST = 0.05
P_NULL_SIDE = 0.01  # a single-line row with one side not offered (null price)
P_LADDER_ONE_SIDED = 0.4  # a far ladder line (>= 1.5 from the main) offers only its plus-money side
P_BENCH_ROW = 0.25  # team-games with a box-score row for a low-average absentee (no context row)
# tonight's live snapshot: step 4 of sample_data.live_replay (first tip-off + 1 h 50 min: the games of the
# first four half-hour slots in periods 4 to 1, the later ones scheduled)
TONIGHT_STEP = 4
# Ladders: LADDER_BELOW x 0.5 below and LADDER_ABOVE x 0.5 above the main line (5-10 lines).
LADDER_BELOW = (2, 4)
LADDER_ABOVE = (2, 5)
LADDER_STEP = 0.5
LADDER_SHIFT = 0.04  # fair probability of the over moves by this much per ladder step
LADDER_NOISE = 0.004  # the price of a ladder line: fair probability + one of -2..2 x this
LADDER_VIG = 0.045  # the two implied probabilities of a ladder line add up to 1 + vig
# The most balanced prices: a ladder book's main line (never as balanced on another line).
MAIN_PAIRS = ((-110, -110), (-115, -105), (-105, -115), (-120, -110), (-110, -120))
POSTPONED_AT = 0.6  # the postponed game falls on the game day this far into the season
POSTPONED_MIN_GAMES = 5
MIN_PROP_AVG = 6.0
TRAIL_GAMES = 10
MIN_TRAIL_GAMES = 3


# --------------------------------------------------------------------------
# Small deterministic helpers
# --------------------------------------------------------------------------


def _digest(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random("/".join(str(p) for p in (seed, *parts)))


def tipoff(game_date: dt.date, game_id: str) -> dt.datetime:
    """Deterministic tip-off (UTC) from the game id: 23:00 .. 02:30 next day."""
    slot = TIPOFF_SLOTS[_digest(game_id)[0] % len(TIPOFF_SLOTS)]
    return dt.datetime.combine(game_date, dt.time()) + dt.timedelta(minutes=slot)


def _prediction_id(system_id: str, game_id: str, lookup: str, created_at: dt.datetime) -> str:
    h = hashlib.md5(f"{system_id}|{game_id}|{lookup}|{created_at.isoformat()}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _deployment(day: dt.date) -> tuple[str, str]:
    """(build_commit_sha, deployment_revision) of the prediction service on ``day``:
    a new build every two weeks."""
    n = (day - dt.date(2019, 1, 7)).days // 14 + 1
    sha = hashlib.sha1(f"prediction-worker build {n}".encode()).hexdigest()
    suffix = "".join(chr(ord("a") + b % 26) for b in _digest(f"rev{n}")[:3])
    return sha, f"prediction-worker-{n:05d}-{suffix}"


class Attribution(NamedTuple):
    file_name: str
    start: dt.date
    end: dt.date
    expected_mae: float
    expected_hit: float
    trained_at: dt.datetime


def attribution(system_id: str, plan: SeasonPlan, day: dt.date) -> Attribution:
    """Model artefact serving ``system_id`` on ``day``. The champion is retrained on
    the 1st of every month (window ends the day before); the others once, a few
    days before opening night."""
    b = _BEHAVIOUR[system_id]
    if system_id == CHAMPION:
        retrain = day.replace(day=1)
        end = retrain - dt.timedelta(days=1)
        start = retrain.replace(year=retrain.year - 2)
        trained_at = dt.datetime.combine(retrain, dt.time(7, 30))
    else:
        end = plan.opening - dt.timedelta(days=b.lead_days + 3)
        start = dt.date(plan.start_year - 2, 10, 1)
        trained_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(9, 0)) + dt.timedelta(
            minutes=7 * SYSTEM_IDS.index(system_id)
        )
    ext = _FILE_EXT[_FAMILY[system_id]]
    name = f"{system_id}_{b.features}f_train{start:%Y%m%d}_{end:%Y%m%d}{ext}"
    jitter = _digest(name)
    mae = round(b.exp_mae + (jitter[0] - 128) / 128 * 0.08, 3)
    hit = round(b.exp_hit + (jitter[1] - 128) / 128 * 0.006, 4)
    return Attribution(name, start, end, mae, hit, trained_at)


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------

T_PRED = "nba_predictions.player_prop_predictions"
T_REG = "nba_predictions.model_registry"
T_TAGS = "nba_predictions.pick_signal_tags"
T_CTX = "nba_analytics.upcoming_player_game_context"
T_SUM = "nba_analytics.player_game_summary"
T_ODDS = "nba_raw.odds_player_points_props"
T_LIVE = "nba_raw.live_boxscores"


class _Entry(NamedTuple):
    """A player-game that gets context + predictions."""

    row: season_data.BoxRow  # real row, or the team's row for a did-not-play case
    lookup: str
    name: str
    kind: str  # 'real', 'inactive' (summary row, no points), 'absent' (no summary row)
    avg: float  # trailing average (previous <= 10 games)
    has_props: bool
    last3: float
    last_min: float
    avg_min: float


def _round_half(x: float) -> float:
    return math.floor(x) + 0.5


# --------------------------------------------------------------------------
# Odds
# --------------------------------------------------------------------------

Odds = tuple[int | None, int | None]


def american(p: float) -> int:
    """American price of the implied probability ``p``, rounded to a multiple of 5:
    p >= 0.5 gives <= -100, p < 0.5 gives >= +100 (never inside (-100, +100)).

    >>> american(0.5225), american(0.3225), american(0.7225)
    (-110, 210, -260)
    """
    price = -100 * p / (1 - p) if p >= 0.5 else 100 * (1 - p) / p
    return 5 * round(price / 5)


def ladder_prices(step: int, noise: float = 0.0) -> tuple[int, int]:
    """(over, under) of the ladder line ``step`` x LADDER_STEP away from the main line:
    the fair probability of the over is 0.5 - LADDER_SHIFT x step (+ noise), each side
    carries half the vig. A line above the main (step > 0) makes the over plus-money and
    the under more negative, and vice versa.

    >>> ladder_prices(1), ladder_prices(-1), ladder_prices(5)
    ((105, -130), (-130, 105), (210, -260))
    """
    q = 0.5 - LADDER_SHIFT * step + noise
    return american(q + LADDER_VIG / 2), american(1 - q + LADDER_VIG / 2)


# (step, noise index) -> (over, under) of every ladder line the generator can draw
_LADDER_PRICES = {
    (step, k): ladder_prices(step, (k - 2) * LADDER_NOISE)
    for step in range(-LADDER_BELOW[1], LADDER_ABOVE[1] + 1)
    for k in range(5)
}


def _book_line(rng: random.Random, consensus: float) -> float:
    """A book's opening line: the consensus, 0.5 off it for P_BOOK_OFFSET of the books."""
    u = rng.random()
    line = consensus + (0.5 if u < P_BOOK_OFFSET / 2 else -0.5 if u < P_BOOK_OFFSET else 0.0)
    return max(0.5, line)


def _moved(rng: random.Random, line: float) -> float:
    """The line at the next snapshot: moved by 0.5 for P_LINE_MOVE of the snapshots."""
    if rng.random() < P_LINE_MOVE:
        return max(0.5, line + rng.choice((-0.5, 0.5)))
    return line


def _null_side(rng: random.Random, over: int, under: int) -> Odds:
    """P_NULL_SIDE of the rows offer one side only (the other price null)."""
    u = rng.random()
    if u < P_NULL_SIDE / 2:
        return None, under
    if u < P_NULL_SIDE:
        return over, None
    return over, under


class Quote(NamedTuple):
    """Who a book quotes: one player of one game, on one day, at these snapshots."""

    day: dt.date
    game_id: str
    key: str  # what the book sends as player_lookup
    book: str
    consensus: float
    snapshots: list[dt.datetime]


def single_line_rows(q: Quote, rng: random.Random, r_null: random.Random) -> list[tuple]:
    """One line per snapshot (moving now and then) with a price pair from PRICE_PAIRS."""
    line = _book_line(rng, q.consensus)
    rows = []
    for k, snap in enumerate(q.snapshots):
        if k:
            line = _moved(rng, line)
        over, under = _null_side(r_null, *PRICE_PAIRS[rng.randrange(len(PRICE_PAIRS))])
        rows.append((q.day, q.game_id, q.key, q.book, line, over, under, snap))
    return rows


def ladder_rows(q: Quote, rng: random.Random) -> list[tuple]:
    """An alternate-line ladder in every snapshot: the main line (moving now and then) with
    a balanced pair from MAIN_PAIRS, and LADDER_BELOW / LADDER_ABOVE steps of 0.5 below and
    above it priced by ``ladder_prices``; a line 1.5 or more away from the main offers only
    its plus-money side for P_LADDER_ONE_SIDED of the rows."""
    below, above = rng.randint(*LADDER_BELOW), rng.randint(*LADDER_ABOVE)
    main = _book_line(rng, q.consensus)
    rows = []
    for k, snap in enumerate(q.snapshots):
        if k:
            main = _moved(rng, main)
        for step in range(-below, above + 1):
            line = main + LADDER_STEP * step
            if line < 0.5:
                continue
            over: int | None
            under: int | None
            if step == 0:
                over, under = MAIN_PAIRS[rng.randrange(len(MAIN_PAIRS))]
            else:
                over, under = _LADDER_PRICES[step, rng.randrange(5)]
                if abs(step) >= 3 and rng.random() < P_LADDER_ONE_SIDED:
                    over, under = (over, None) if step > 0 else (None, under)
            rows.append((q.day, q.game_id, q.key, q.book, line, over, under, snap))
    return rows


def partial_book_quotes(quotes: list[Quote]) -> list[Quote]:
    """PARTIAL_BOOK quotes the players with the highest consensus line of each game (ties:
    player key), PARTIAL_TOP of them but always fewer than half the game's players with
    props, in game order."""
    by_game: dict[str, list[Quote]] = defaultdict(list)
    for q in quotes:
        by_game[q.game_id].append(q)
    out = []
    for gid in sorted(by_game):
        n = min(PARTIAL_TOP, (len(by_game[gid]) - 1) // 2)
        top = sorted(by_game[gid], key=lambda q: (-q.consensus, q.key))[:n]
        out += [q._replace(book=PARTIAL_BOOK) for q in top]
    return out


# --------------------------------------------------------------------------
# The season's postponed game, and box-score rows nobody predicted
# --------------------------------------------------------------------------


def postponed_game(rows: list[season_data.BoxRow], plan: SeasonPlan, seed: int) -> tuple[dt.date, str]:
    """The season's postponed game: on the game day POSTPONED_AT into the season (counting
    days with at least POSTPONED_MIN_GAMES games), one of that day's games drawn with the
    seed. It depends on the whole season, never on --today."""
    games: dict[dt.date, set[str]] = defaultdict(set)
    for r in rows:
        games[r.game_date].add(r.game_id)
    days = [d for d in sorted(games) if len(games[d]) >= POSTPONED_MIN_GAMES]
    day = days[int(POSTPONED_AT * len(days))]
    return day, _rng(seed, plan.label, "postponed").choice(sorted(games[day]))


def _generate_season(plan: SeasonPlan, seed: int, today: dt.date, out: dict[str, list], log,
                     finals: list | None = None) -> None:
    season_rows = season_data.season_rows(plan)
    rows = [r for r in season_rows if r.game_date <= today]
    if not rows:
        return
    postponed = postponed_game(season_rows, plan, seed)
    rows.sort(key=lambda r: (r.game_date, r.game_id, r.team, r.player))
    by_date: dict[dt.date, list[season_data.BoxRow]] = defaultdict(list)
    for r in rows:
        by_date[r.game_date].append(r)
    team_dates: dict[str, set[dt.date]] = defaultdict(set)
    for r in rows:
        team_dates[r.team].add(r.game_date)

    r_dnp = _rng(seed, plan.label, "dnp")
    r_noline = _rng(seed, plan.label, "noline")
    r_odds = _rng(seed, plan.label, "odds")
    r_bias = _rng(seed, plan.label, "bias")
    r_pred = _rng(seed, plan.label, "pred")
    r_late = _rng(seed, plan.label, "late")  # in-game re-runs: their own stream, so the other runs stay as they are
    r_tags = _rng(seed, plan.label, "tags")
    r_ladder = _rng(seed, plan.label, "ladder")
    r_partial = _rng(seed, plan.label, "partial")
    r_null = _rng(seed, plan.label, "null_prices")
    r_bench = _rng(seed, plan.label, "bench")

    hist: dict[str, deque] = defaultdict(lambda: deque(maxlen=TRAIL_GAMES))  # (pts, minutes)
    last_team_game: dict[str, tuple[set[str], dict[str, season_data.BoxRow]]] = {}

    pred_out, ctx_out, sum_out = out[T_PRED], out[T_CTX], out[T_SUM]
    odds_out, tags_out, live_out = out[T_ODDS], out[T_TAGS], out[T_LIVE]
    counts = defaultdict(int)
    sys_params = [(i, s.id, _BEHAVIOUR[s.id]) for i, s in enumerate(SYSTEMS)]

    def trailing(lookup: str):
        h = hist.get(lookup)
        if not h or len(h) < MIN_TRAIL_GAMES:
            return None
        pts = [p for p, _ in h]
        mins = [m for _, m in h]
        return (
            sum(pts) / len(pts),
            sum(pts[-3:]) / 3,
            mins[-1],
            sum(mins) / len(mins),
        )

    for day in sorted(by_date):
        day_rows = by_date[day]
        is_past = day < today
        playing_today = {player_lookup(r.player) for r in day_rows}
        entries: list[_Entry] = []

        # real player-games
        for r in day_rows:
            lk = player_lookup(r.player)
            t = trailing(lk)
            if t is None:
                continue
            avg, last3, last_min, avg_min = t
            if avg >= MIN_PROP_AVG:
                entries.append(_Entry(r, lk, display_name(r.player), "real", avg, True, last3, last_min, avg_min))
            elif r_noline.random() < P_NO_LINE:
                entries.append(_Entry(r, lk, display_name(r.player), "real", avg, False, last3, last_min, avg_min))

        # did-not-play cases: a player of the team's previous game missing from this one
        team_games: dict[tuple[str, str], list[season_data.BoxRow]] = defaultdict(list)
        for r in day_rows:
            team_games[(r.game_id, r.team)].append(r)
        for (game_id, team), grows in sorted(team_games.items()):
            present = {player_lookup(r.player) for r in grows}
            prev = last_team_game.get(team)
            if (day, game_id) != postponed:  # a postponed game is nobody's previous game
                last_team_game[team] = (present, {player_lookup(r.player): r for r in grows})
            if prev is None:
                continue
            prev_players, prev_rows = prev
            # a low-average player of the team's previous game sits this one out: a box-score
            # row (dnp, or inactive) for a player no context row or prediction covers
            bench = [lk for lk in sorted(prev_players - present - playing_today)
                     if (trailing(lk) or (0.0,))[0] < MIN_PROP_AVG]
            if bench and r_bench.random() < P_BENCH_ROW:
                lk = bench[r_bench.randrange(len(bench))]
                counts["bench"] += 1
                if is_past and (day, game_id) != postponed:
                    status, pts, mins = ("dnp", 0, 0.0) if counts["bench"] % 2 else ("inactive", None, None)
                    g = grows[0]
                    sum_out.append((lk, prev_rows[lk].player, game_id, day, team, g.opponent, pts, mins, status))
            cands = []
            for lk in sorted(prev_players - present - playing_today):
                t = trailing(lk)
                if t is not None and t[0] >= MIN_PROP_AVG:
                    cands.append((lk, t))
            if not cands or r_dnp.random() >= P_DNP:
                continue
            lk, (avg, last3, last_min, avg_min) = cands[r_dnp.randrange(len(cands))]
            counts["dnp"] += 1
            kind = "inactive" if counts["dnp"] % 2 else "absent"
            g = grows[0]
            base = season_data.BoxRow(day, game_id, prev_rows[lk].player, team, g.opponent, g.is_home, 0.0, 0)
            entries.append(_Entry(base, lk, display_name(base.player), kind, avg, True, last3, last_min, avg_min))

        entries.sort(key=lambda e: (e.row.game_id, e.row.team, e.lookup))

        # per-(system, day) bias
        biases = [r_bias.gauss(b.bias_mean, b.bias_sd) for _, _, b in sys_params]
        deploy_sha, deploy_rev = _deployment(day)
        attrs = [attribution(sid, plan, day) for _, sid, _ in sys_params]
        snap_at = [dt.datetime.combine(day, t) for t in SNAPSHOT_TIMES]
        run_active = dt.datetime.combine(day, ACTIVE_RUN)
        run_early = dt.datetime.combine(day, EARLY_RUN)

        quotes: list[Quote] = []
        for e in entries:
            r = e.row
            gid = r.game_id
            played = (day, gid) != postponed
            ctx_out.append((e.lookup, e.name, gid, day, r.team, r.opponent, r.is_home, tipoff(day, gid)))
            if e.kind == "inactive" and is_past and played:
                sum_out.append((e.lookup, r.player, gid, day, r.team, r.opponent, None, None, "inactive"))

            # odds: BOOKS x 3 snapshots, one line each; LADDER_BOOKS' ladders
            dk: tuple = (None, None, None)
            if e.has_props:
                consensus = max(0.5, _round_half(e.avg + r_odds.gauss(0, 1.0)))
                quote = Quote(day, gid, e.lookup, "", consensus, snap_at)
                for book in BOOKS:
                    key = e.name if book == NAME_KEY_BOOK else e.lookup
                    book_rows = single_line_rows(quote._replace(book=book, key=key), r_odds, r_null)
                    odds_out.extend(book_rows)
                    if book == "draftkings":
                        dk = tuple(row[4] for row in book_rows)
                for book in LADDER_BOOKS:
                    odds_out.extend(ladder_rows(quote._replace(book=book), r_ladder))
                quotes.append(quote)

            # predictions (the model's skill reads the real points of a game that was played)
            actual = r.pts if (e.kind == "real" and is_past and played) else e.avg
            for (i, sid, b), bias, attr in zip(sys_params, biases, attrs):
                runs = []
                if r_pred.random() < P_EARLY_RUN:
                    runs.append((run_early + dt.timedelta(minutes=i), dk[0], False))
                pre_game = run_active + dt.timedelta(minutes=i)  # the run users see before the tip-off
                late = r_late.random() < P_LATE_RUN and is_past and played and dk[2] is not None
                runs.append((pre_game, dk[1], not late))
                if late:
                    after = dt.timedelta(minutes=r_late.choice(LATE_RUN_AFTER) + i)
                    runs.append((tipoff(day, gid) + after, dk[2], True))
                for created_at, line, active in runs:
                    in_game = created_at > pre_game
                    rng = r_late if in_game else r_pred
                    noise = rng.gauss(0.0, b.sd)
                    conf_noise = rng.gauss(0.0, 0.06)
                    if line is None:
                        pred = e.avg + noise * 0.6
                        rec, edge = "NO_LINE", 0.0
                    else:
                        if in_game:
                            pred = line + LATE_RUN_SKILL * (actual - line) + noise * 0.3
                        elif b.anchor == "trailing":
                            pred = e.avg + bias + noise
                        else:
                            pred = line + b.a * (actual - line) + bias + noise
                        pred = max(0.0, pred)
                        margin = round(pred, 1) - line
                        rec = "OVER" if margin >= 1 else "UNDER" if margin <= -1 else "PASS"
                        edge = abs(margin)
                    pred = round(max(0.0, pred), 1)
                    conf = min(0.99, max(0.5, 0.52 + 0.07 * edge + conf_noise))
                    conf = round(conf * b.confidence_scale, 1) if b.confidence_scale != 1.0 else round(conf, 3)
                    pred_out.append(
                        (
                            _prediction_id(sid, gid, e.lookup, created_at),
                            sid,
                            e.lookup,
                            gid,
                            day,
                            pred,
                            conf,
                            rec,
                            line,
                            active,
                            created_at,
                            attr.file_name,
                            attr.start,
                            attr.end,
                            attr.expected_mae,
                            attr.expected_hit,
                            attr.trained_at,
                            deploy_sha,
                            deploy_rev,
                        )
                    )
                    if created_at == pre_game and sid in TAGGED_SYSTEMS and rec in ("OVER", "UNDER"):
                        tags_out.append((day, e.lookup, sid, _tags(e, edge, day, team_dates, r_tags)))
        for quote in partial_book_quotes(quotes):
            odds_out.extend(single_line_rows(quote, r_partial, r_null))

        played_rows = [r for r in day_rows if (day, r.game_id) != postponed]
        # live snapshot of tonight's games (and their real finals, for the live replay)
        if day == today:
            day_rows = played_rows
            tonight = [live_replay.Final(r.game_id, day, player_lookup(r.player), r.pts, r.minutes, tipoff(day, r.game_id))
                       for r in day_rows]
            if finals is not None:
                finals.extend(tonight)
            if tonight:
                live_out.extend(live_replay.snapshot(tonight, TONIGHT_STEP))

        # box scores exist only for games before today (the plain names of the real box scores)
        if is_past:
            for r in played_rows:
                lk = player_lookup(r.player)
                status = "active" if r.minutes > 0 else "dnp"
                sum_out.append((lk, r.player, r.game_id, day, r.team, r.opponent, r.pts, r.minutes, status))
        for r in played_rows:
            hist[player_lookup(r.player)].append((r.pts, r.minutes))

    log(
        f"  season {plan.label}"
        + (f" (replay of {plan.source_label}, shifted {plan.shift_days:+d} days)" if plan.is_replay else "")
        + f": {len(by_date)} game days, {len(rows)} box-score rows, {counts['dnp']} did-not-play cases, "
        + f"{counts['bench']} bench rows without context, postponed game {postponed[1]} on {postponed[0]}"
    )


def _tags(e: _Entry, edge: float, day: dt.date, team_dates, rng) -> list[str]:
    r = e.row
    tags = []
    one = dt.timedelta(days=1)
    if edge >= 5:
        tags.append("high_edge")
    if e.last3 >= e.avg + 4:
        tags.append("hot_streak")
    if e.last3 <= e.avg - 4:
        tags.append("cold_streak")
    if e.last_min >= e.avg_min + 5:
        tags.append("minutes_surge")
    own, opp = team_dates.get(r.team, ()), team_dates.get(r.opponent, ())
    if day - one in own:
        tags.append("b2b_fatigue")
    if day - one not in own and day - 2 * one not in own and day - one in opp:
        tags.append("rest_advantage")
    u_home, u_pace, u_ghost = rng.random(), rng.random(), rng.random()
    if r.is_home and u_home < 0.2:
        tags.append("home_underdog")
    if u_pace < 0.15:
        tags.append("pace_up")
    if len(tags) > 3:
        keep = set(rng.sample(tags, 3))
        tags = [t for t in tags if t in keep]
    if u_ghost < P_GHOST:
        tags.append(GHOST_TAG)
    return tags


def _registry_rows(plans: list[SeasonPlan], as_of: dt.date) -> list[tuple]:
    plan = [p for p in plans if p.opening <= as_of][-1]
    day = min(as_of, season_data.last_game_date(plan))
    out = []
    for s in SYSTEMS:
        b = _BEHAVIOUR[s.id]
        a = attribution(s.id, plan, day)
        out.append(
            (
                s.id,
                s.family,
                a.file_name,
                a.start,
                a.end,
                a.expected_mae,
                a.expected_hit,
                b.features,
                b.loss,
                s.is_production,
                s.is_enabled,
                a.trained_at + dt.timedelta(hours=2),
            )
        )
    return out


def default_today(seasons: int) -> dt.date:
    return season_data.last_game_date(season_data.plan_seasons(seasons)[-1])


def generate(seasons: int = 1, seed: int = 42, today: dt.date | None = None, log: Callable[[str], None] | None = None,
             finals: list | None = None):
    """Build the rows of the seven tables. Returns {"schema.table": [tuple, ...]}
    with tuples in the column order of ``sample_data.schema.TABLES``. When ``finals`` is
    a list, the real final box scores of today's games are appended to it as
    ``sample_data.live_replay.Final`` tuples."""
    log = log or (lambda msg: None)
    plans = season_data.plan_seasons(seasons)
    if today is None:
        today = default_today(seasons)
    if today < plans[0].opening:
        raise ValueError(f"--today {today} is before the first generated season ({plans[0].opening})")
    out: dict[str, list] = {t: [] for t in TABLES}
    for plan in plans:
        if plan.opening > today:
            log(f"  season {plan.label}: after --today {today}, skipped")
            continue
        _generate_season(plan, seed, today, out, log, finals)
    out[T_REG] = _registry_rows(plans, today)
    if not out[T_LIVE]:
        log(f"  warning: no games on --today {today}: no tonight's games, live_boxscores is empty")
    return out


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.generate",
        description=(
            "Generate a deterministic sample DuckDB warehouse with the seven upstream tables "
            "(nba_predictions, nba_analytics, nba_raw) from real NBA box scores plus synthetic "
            "odds, predictions of 12 systems, model registry and signal tags."
        ),
        epilog=(
            "Seasons: 1 = 2024-25 (real), 2 = 2023-24 + 2024-25 (real); more seasons are replays "
            "of the real ones shifted to the real opening nights (2022-10-18, 2021-10-19, ...). "
            "The file is written to OUT.tmp and moved into place only when complete."
        ),
    )
    parser.add_argument("--seasons", type=int, default=1, metavar="N", help=f"number of seasons, newest last (1..{season_data.MAX_SEASONS}; default 1)")
    parser.add_argument("--seed", type=int, default=42, metavar="S", help="random seed; the same seed gives identical tables (default 42)")
    parser.add_argument("--out", required=True, metavar="PATH", help="warehouse file to write (DuckDB)")
    parser.add_argument(
        "--today",
        type=_parse_date,
        metavar="YYYY-MM-DD",
        help="as-of date: box scores only before it, tonight's games (odds, predictions, live snapshot) on it, "
        "nothing after it (default: last game date of the newest season)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.seasons <= season_data.MAX_SEASONS:
        parser.error(f"--seasons must be between 1 and {season_data.MAX_SEASONS}")
    if not args.out.strip():  # --out "$OUT" with OUT unset: said now, not after the rows are built
        parser.error("--out is empty: name the warehouse file to write (e.g. .warehouse/props.duckdb)")
    try:  # where it writes, before the rows are built (seconds to minutes): OUT.tmp, then OUT
        if os.path.isdir(args.out):
            raise IsADirectoryError(21, "a folder")
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out + ".tmp", "ab"):
            pass
        os.remove(args.out + ".tmp")
    except OSError as error:
        parser.error(f"--out {args.out}: {error.strerror or error}: name a file in a folder this run can write")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    today = args.today or default_today(args.seasons)
    log(f"generating {args.seasons} season(s), seed {args.seed}, today {today}")
    finals: list = []
    try:
        tables = generate(args.seasons, args.seed, today, log, finals)
    except ValueError as exc:
        parser.error(str(exc))
    t1 = time.perf_counter()
    log(f"rows built in {t1 - t0:.1f}s; writing {args.out}")
    counts = load_tables(args.out, tables,  # the finals too before the file is moved into place: it is whole or absent
                         finish=lambda tmp: {live_replay.REPLAY_TABLE: live_replay.write_finals(tmp, finals)})
    t2 = time.perf_counter()
    log(f"written in {t2 - t1:.1f}s (total {t2 - t0:.1f}s)")
    width = max(len(t) for t in counts)
    print(f"wrote {args.out} (seasons={args.seasons}, seed={args.seed}, today={today})")
    for table, n in counts.items():
        print(f"  {table:<{width}}  {n:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
