"""Real NBA box scores shipped with the package, and the season plan.

``--seasons 1`` is the real 2024-25 season, ``--seasons 2`` adds the real
2023-24 season, and every further season back is a replay of the real data
(alternating 2024-25, 2023-24), shifted by whole days so that its opening
night is the real opening night of that season (the day-of-week drift is
kept), with game ids rewritten to ``002YYxxxxx`` (YY = season start year % 100)
so they stay unique.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import os
from dataclasses import dataclass
from functools import lru_cache

HERE = os.path.dirname(os.path.abspath(__file__))
BOXSCORE_DIR = os.path.join(HERE, "boxscores")

# season start year -> file with the real box scores of that season
SOURCE_FILES = {
    2024: "nba_player_games_2024_25.csv.gz",
    2023: "nba_player_games_2023_24.csv.gz",
}

# Real opening nights, season start year -> date.
OPENING_NIGHTS = {
    2024: dt.date(2024, 10, 22),
    2023: dt.date(2023, 10, 24),
    2022: dt.date(2022, 10, 18),
    2021: dt.date(2021, 10, 19),
    2020: dt.date(2020, 12, 22),
    2019: dt.date(2019, 10, 22),
    2018: dt.date(2018, 10, 16),
    2017: dt.date(2017, 10, 17),
    2016: dt.date(2016, 10, 25),
    2015: dt.date(2015, 10, 27),
    2014: dt.date(2014, 10, 28),
    2013: dt.date(2013, 10, 29),
    2012: dt.date(2012, 10, 30),
    2011: dt.date(2011, 12, 25),
    2010: dt.date(2010, 10, 26),
    2009: dt.date(2009, 10, 27),
    2008: dt.date(2008, 10, 28),
    2007: dt.date(2007, 10, 30),
    2006: dt.date(2006, 10, 31),
    2005: dt.date(2005, 11, 1),
}
NEWEST_START_YEAR = 2024
MAX_SEASONS = len(OPENING_NIGHTS)


@dataclass(frozen=True)
class BoxRow:
    """One real player-game row (dates and ids not yet shifted)."""

    game_date: dt.date
    game_id: str
    player: str
    team: str
    opponent: str
    is_home: bool
    minutes: float
    pts: int


@dataclass(frozen=True)
class SeasonPlan:
    start_year: int  # season 2024-25 -> 2024
    source_year: int  # which real season is replayed
    opening: dt.date
    shift_days: int  # days added to the real dates

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def source_label(self) -> str:
        return f"{self.source_year}-{(self.source_year + 1) % 100:02d}"

    @property
    def is_replay(self) -> bool:
        return self.start_year != self.source_year

    def game_id(self, source_game_id: str) -> str:
        return f"002{self.start_year % 100:02d}{source_game_id[-5:]}"

    def shift(self, day: dt.date) -> dt.date:
        return day + dt.timedelta(days=self.shift_days)


def plan_seasons(n: int) -> list[SeasonPlan]:
    """The ``n`` seasons to generate, oldest first."""
    if not 1 <= n <= MAX_SEASONS:
        raise ValueError(f"seasons must be between 1 and {MAX_SEASONS}, got {n}")
    plans = []
    for i in range(n):
        start_year = NEWEST_START_YEAR - i
        source_year = NEWEST_START_YEAR if i % 2 == 0 else NEWEST_START_YEAR - 1
        opening = OPENING_NIGHTS[start_year]
        shift = (opening - OPENING_NIGHTS[source_year]).days
        plans.append(SeasonPlan(start_year, source_year, opening, shift))
    return list(reversed(plans))


@lru_cache(maxsize=None)
def load_source(source_year: int) -> tuple[BoxRow, ...]:
    """Parse one shipped box-score file (cached)."""
    path = os.path.join(BOXSCORE_DIR, SOURCE_FILES[source_year])
    out = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out.append(
                BoxRow(
                    game_date=dt.date.fromisoformat(r["game_date"]),
                    game_id=r["game_id"],
                    player=r["player"],
                    team=r["team"],
                    opponent=r["opponent"],
                    is_home=r["home_away"] == "HOME",
                    minutes=float(r["minutes"]),
                    pts=int(r["pts"]),
                )
            )
    return tuple(out)


def season_rows(plan: SeasonPlan) -> list[BoxRow]:
    """The box scores of one planned season, dates shifted and game ids rewritten."""
    rows = load_source(plan.source_year)
    if not plan.is_replay:
        return list(rows)
    return [
        BoxRow(
            game_date=plan.shift(r.game_date),
            game_id=plan.game_id(r.game_id),
            player=r.player,
            team=r.team,
            opponent=r.opponent,
            is_home=r.is_home,
            minutes=r.minutes,
            pts=r.pts,
        )
        for r in rows
    ]


def last_game_date(plan: SeasonPlan) -> dt.date:
    return plan.shift(max(r.game_date for r in load_source(plan.source_year)))
