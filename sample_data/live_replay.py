"""Replay a night of live box scores into a warehouse, one snapshot at a time.

    python -m sample_data.live_replay --warehouse .warehouse/props.duckdb --list
    python -m sample_data.live_replay --warehouse .warehouse/props.duckdb --step 3
    python -m sample_data.live_replay --warehouse .warehouse/props.duckdb --box-scores

The real final box scores of the night live in ``sample_replay.final_boxscores`` (the
generator writes them for ``--today``; a hand-written fixture installs them with
``--finals CSV``). Snapshot N of a deterministic sequence replaces the night's rows of
``nba_raw.live_boxscores`` (nothing else is touched):

- games tip off in half-hour slots: slot = (tip-off - first tip-off) // 30 min;
- a game's phase at step s is clamp(s - slot, 0, 5): 0 scheduled (0 points, "00:00",
  period 0, clock "12:00"), 1..4 in progress in that period at "06:00" of its clock,
  with floor(final x (2 x period - 1) / 8) points and seconds (1/8, 3/8, 5/8, 7/8 of the
  game), 5 final (the real points and minutes, period 4, clock "00:00");
- a player who did not play (0 minutes) has 0 points and "00:00" throughout;
- step 0 has every game scheduled, the last step (max slot + 5) every game final;
- updated_at: scheduled rows carry the pre-game time T0 = first tip-off - 30 min; a game
  in progress carries the step's time T(s) = first tip-off + (s - 1) x 30 min + 20 min;
  a final game keeps the time of the step it became final. So replaying the same step
  twice writes identical rows.

``--box-scores`` is the next morning instead: the night's finals land as the nightly
pipeline loads them, in nba_analytics.player_game_summary (names and teams from the night's
context rows; a player without one, whom nobody predicted, is left out; status active, or
dnp for 0 minutes), and it prints the clock of the morning run that reads them
(``MORNING_RUN``: the day after the night, 11:00 UTC, an hour after the sample's box scores
arrive; sample_data.feed BOX_SCORES_AFTER).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import duckdb

REPLAY_SCHEMA = "sample_replay"
REPLAY_TABLE = f"{REPLAY_SCHEMA}.final_boxscores"
LIVE_TABLE = "nba_raw.live_boxscores"
FINALS_DDL = f"""create table {REPLAY_TABLE} (
    game_id VARCHAR,
    game_date DATE,
    player_lookup VARCHAR,
    points BIGINT,
    minutes_played DOUBLE,
    tipoff_at TIMESTAMP
)"""
SLOT = dt.timedelta(minutes=30)
SUMMARY_TABLE = "nba_analytics.player_game_summary"
CONTEXT_TABLE = "nba_analytics.upcoming_player_game_context"
MORNING_RUN = dt.timedelta(days=1, hours=11)  # from 00:00 UTC of the night's game date
FINAL_PHASE = 5
PERIODS = 4


class Final(NamedTuple):
    """One player-game of the night as it ended (the real box score)."""

    game_id: str
    game_date: dt.date
    player_lookup: str
    points: int
    minutes_played: float
    tipoff_at: dt.datetime


class LiveRow(NamedTuple):
    """A row of nba_raw.live_boxscores (columns in source order)."""

    game_id: str
    game_date: dt.date
    player_lookup: str
    points: int
    minutes: str
    game_status: str
    period: int
    clock: str
    updated_at: dt.datetime


# ----------------------------------------------------------------------------- finals


def write_finals(path: str | os.PathLike, rows: Iterable[Sequence]) -> int:
    """(Re)create sample_replay.final_boxscores in the warehouse with ``rows`` (Final-like tuples)."""
    rows = [tuple(Final(*r)) for r in rows]
    con = duckdb.connect(os.fspath(path))
    try:
        con.execute(f"create schema if not exists {REPLAY_SCHEMA}")
        con.execute(f"drop table if exists {REPLAY_TABLE}")
        con.execute(FINALS_DDL)
        if rows:
            con.executemany(f"insert into {REPLAY_TABLE} values (?, ?, ?, ?, ?, ?)", rows)
        con.execute("checkpoint")
    finally:
        con.close()
    return len(rows)


def read_finals_csv(path: str | os.PathLike) -> list[Final]:
    """Finals from a CSV with the header game_id, game_date, player_lookup, points,
    minutes_played, tipoff_at (ISO date / timestamp, UTC)."""
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            missing = set(Final._fields) - set(reader.fieldnames or [])
            if missing:
                raise ValueError(f"missing columns {sorted(missing)}; expected {list(Final._fields)}")
            for row in reader:
                column = ""
                try:  # each field read under its name, so that an error names it
                    values = {}
                    for column, read in (("game_id", str), ("game_date", dt.date.fromisoformat),
                                         ("player_lookup", str), ("points", int), ("minutes_played", float),
                                         ("tipoff_at", lambda text: dt.datetime.fromisoformat(text.replace("Z", "")))):
                        values[column] = read(row[column] or "")
                except (ValueError, TypeError) as error:
                    raise ValueError(f"line {reader.line_num}: column {column}: {error}") from None
                out.append(Final(**values))
        except ValueError as error:  # UnicodeDecodeError too
            raise ValueError(f"{path}: {error}") from None
    return out


def read_finals(con: duckdb.DuckDBPyConnection, night: dt.date | None = None) -> tuple[dt.date, list[Final]]:
    """The night (default: the latest date of the finals table) and its finals, in a fixed order."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [REPLAY_SCHEMA, "final_boxscores"]).fetchone()[0]
    if not exists:
        raise ValueError(f"no {REPLAY_TABLE} in this warehouse: generate it with sample_data.generate, "
                         "or install finals with --finals CSV")
    if night is None:
        night = con.execute(f"select max(game_date) from {REPLAY_TABLE}").fetchone()[0]
        if night is None:
            raise ValueError(f"{REPLAY_TABLE} is empty")
    rows = con.execute(
        f"select game_id, game_date, player_lookup, points, minutes_played, tipoff_at from {REPLAY_TABLE} "
        "where game_date = ? order by game_id, player_lookup", [night]).fetchall()
    if not rows:
        raise ValueError(f"{REPLAY_TABLE} has no row for {night}")
    return night, [Final(*r) for r in rows]


# ----------------------------------------------------------------------------- snapshots


def _mmss(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def slots(finals: Sequence[Final]) -> dict[str, int]:
    """Tip-off slot of every game (0 = the first tip-off of the night)."""
    tipoffs: dict[str, dt.datetime] = {}
    for f in finals:
        tipoffs[f.game_id] = min(tipoffs.get(f.game_id, f.tipoff_at), f.tipoff_at)
    first = min(tipoffs.values())
    return {gid: int((t - first) // SLOT) for gid, t in sorted(tipoffs.items())}


def step_count(finals: Sequence[Final]) -> int:
    """Number of snapshots: 0 (all scheduled) .. max slot + 5 (all final)."""
    return max(slots(finals).values()) + FINAL_PHASE + 1


def phase(slot: int, step: int) -> int:
    """0 scheduled, 1..4 in progress (the period), 5 final."""
    return min(max(step - slot, 0), FINAL_PHASE)


def step_time(first_tipoff: dt.datetime, step: int) -> dt.datetime:
    if step <= 0:
        return first_tipoff - SLOT
    return first_tipoff + (step - 1) * SLOT + dt.timedelta(minutes=20)


def live_row(f: Final, p: int, updated_at: dt.datetime) -> LiveRow:
    """The live row of one player-game in phase ``p`` (0 scheduled, 1..4 the period, 5 final)."""
    seconds = int(round(f.minutes_played * 60)) if f.minutes_played else 0
    if p == 0:
        row = (0, _mmss(0), "scheduled", 0, "12:00")
    elif p < FINAL_PHASE:
        share = 2 * p - 1  # eighths of the game played at 06:00 of period p
        row = (f.points * share // 8, _mmss(seconds * share // 8), "in_progress", p, "06:00")
    else:
        row = (f.points, _mmss(seconds), "final", PERIODS, "00:00")
    points, minutes, status, period, clock = row
    if not seconds:  # did not play: nothing accumulates
        points, minutes = 0, _mmss(0)
    return LiveRow(f.game_id, f.game_date, f.player_lookup, points, minutes, status, period, clock, updated_at)


def snapshot(finals: Sequence[Final], step: int) -> list[LiveRow]:
    """The live rows of snapshot ``step`` (0 <= step < step_count), sorted by game and player."""
    count = step_count(finals)
    if not 0 <= step < count:
        raise ValueError(f"step {step} out of range: this night has steps 0..{count - 1}")
    game_slots = slots(finals)
    first = min(f.tipoff_at for f in finals)
    out = []
    for f in sorted(finals, key=lambda f: (f.game_id, f.player_lookup)):
        slot = game_slots[f.game_id]
        p = phase(slot, step)
        updated_at = step_time(first, {0: 0, FINAL_PHASE: slot + FINAL_PHASE}.get(p, step))
        out.append(live_row(f, p, updated_at))
    return out


# ----------------------------------------------------------------------------- clock


def phase_at(tipoff: dt.datetime, clock: dt.datetime) -> int:
    """Phase of a game at ``clock`` (the clock-driven form of the steps): 0 before its
    tip-off, period p (1..4) from tip-off + (p - 1) x 30 min, final (5) from tip-off + 2 h.
    At every step time of ``snapshot`` this is the phase the step shows."""
    if clock < tipoff:
        return 0
    return min(FINAL_PHASE, (clock - tipoff) // SLOT + 1)


def phase_started_at(tipoff: dt.datetime, p: int) -> dt.datetime:
    """When a game entered phase ``p`` (1..5): its updated_at in the clock-driven feed."""
    return tipoff + (p - 1) * SLOT


def rows_at(finals: Iterable[Final], clock: dt.datetime) -> list[LiveRow]:
    """The live rows at ``clock``: every player-game of a game that has tipped off (in
    progress, or final from tip-off + 2 h), updated_at = when the game entered that phase;
    nothing for games not started. Sorted by game and player."""
    out = []
    for f in sorted(finals, key=lambda f: (f.game_id, f.player_lookup)):
        p = phase_at(f.tipoff_at, clock)
        if p:
            out.append(live_row(f, p, phase_started_at(f.tipoff_at, p)))
    return out


def describe(finals: Sequence[Final]) -> list[str]:
    """One line per step: its time and how many games are scheduled / in which period / final."""
    game_slots = slots(finals)
    first = min(f.tipoff_at for f in finals)
    lines = []
    for step in range(step_count(finals)):
        phases = [phase(s, step) for s in game_slots.values()]
        parts = [f"{phases.count(0)} scheduled"] if phases.count(0) else []
        parts += [f"{phases.count(p)} in Q{p}" for p in range(1, FINAL_PHASE) if phases.count(p)]
        parts += [f"{phases.count(FINAL_PHASE)} final"] if phases.count(FINAL_PHASE) else []
        lines.append(f"{step:>3}  {step_time(first, step):%Y-%m-%d %H:%M}Z  " + ", ".join(parts))
    return lines


# ----------------------------------------------------------------------------- apply


def apply_step(path: str | os.PathLike, step: int, night: dt.date | None = None) -> tuple[dt.date, int, int]:
    """Overwrite the night's rows of nba_raw.live_boxscores with snapshot ``step`` (negative:
    counted from the last). Returns (night, step, rows written)."""
    con = duckdb.connect(os.fspath(path))
    try:
        night, finals = read_finals(con, night)
        step = resolved_step(finals, step)
        rows = snapshot(finals, step)
        con.execute("begin transaction")
        con.execute(f"delete from {LIVE_TABLE} where game_date = ?", [night])
        con.executemany(f"insert into {LIVE_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("commit")
        con.execute("checkpoint")
    finally:
        con.close()
    return night, step, len(rows)


def resolved_step(finals: Sequence[Final], step: int) -> int:
    """``step`` counted from the first snapshot (a negative one counts from the last); ValueError naming the range
    when the night has no such snapshot."""
    count = step_count(finals)
    if not -count <= step < count:
        raise ValueError(f"step {step} out of range: this night has steps 0..{count - 1} (or -{count}..-1 from the last)")
    return step + count if step < 0 else step


def night_of(finals: Sequence[Final], night: dt.date | None, source: str) -> list[Final]:
    """The finals of ``night`` (default: the latest date), as read_finals chooses them from the table once these are
    installed; ValueError when there are none."""
    night = night or max((f.game_date for f in finals), default=None)
    rows = [f for f in finals if f.game_date == night]
    if not rows:
        raise ValueError(f"{source} has no row" + (f" for {night}" if night else ""))
    return rows


def land_box_scores(path: str | os.PathLike, night: dt.date | None = None) -> tuple[dt.date, int, dt.datetime]:
    """Load the night's finals into nba_analytics.player_game_summary as the nightly pipeline
    would (module docstring), replacing any row of that night. Returns (night, rows written,
    the clock of the morning run)."""
    con = duckdb.connect(os.fspath(path))
    try:
        night, _ = read_finals(con, night)
        con.execute("begin transaction")
        con.execute(f"delete from {SUMMARY_TABLE} where game_date = ?", [night])
        con.execute(f"""
            insert into {SUMMARY_TABLE} (player_lookup, player_full_name, game_id, game_date, team_abbr,
                                         opponent_team_abbr, points, minutes_played, player_status)
            select f.player_lookup, any_value(c.player_full_name), f.game_id, f.game_date, any_value(c.team_abbr),
                   any_value(c.opponent_team_abbr), any_value(f.points), any_value(f.minutes_played),
                   if(any_value(f.minutes_played) > 0, 'active', 'dnp')
            from {REPLAY_TABLE} f
            join {CONTEXT_TABLE} c on c.player_lookup = f.player_lookup and c.game_id = f.game_id
            where f.game_date = ?
            group by f.player_lookup, f.game_id, f.game_date""", [night])
        (n,) = con.execute(f"select count(*) from {SUMMARY_TABLE} where game_date = ?", [night]).fetchone()
        con.execute("commit")
        con.execute("checkpoint")
    finally:
        con.close()
    return night, n, dt.datetime.combine(night, dt.time()) + MORNING_RUN


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.live_replay",
        description="Overwrite a night of nba_raw.live_boxscores with snapshot N of a deterministic replay "
                    "(0 = scheduled, then periods 1-4 game by game, last = final with the real box scores).",
    )
    parser.add_argument("--warehouse", required=True, metavar="PATH", help="DuckDB warehouse file")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--step", type=int, metavar="N", help="snapshot to write (negative counts from the last)")
    what.add_argument("--list", action="store_true", help="list the night's snapshots")
    what.add_argument("--box-scores", action="store_true",
                      help="the next morning: load the night's finals as its box scores (nba_analytics."
                           "player_game_summary) and print the clock of the morning run")
    parser.add_argument("--date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help="night to replay (default: the latest date of sample_replay.final_boxscores)")
    parser.add_argument("--finals", metavar="CSV", help="first install these final box scores "
                        "(header: game_id, game_date, player_lookup, points, minutes_played, tipoff_at)")
    args = parser.parse_args(argv)
    if not os.path.exists(args.warehouse):
        parser.error(f"--warehouse {args.warehouse!r} does not exist")
    try:
        if args.finals:  # what it asks of them is checked first: a failing request leaves the finals as they were
            finals = read_finals_csv(args.finals)
            night_rows = night_of(finals, args.date, args.finals)
            if args.step is not None:
                resolved_step(night_rows, args.step)
            n = write_finals(args.warehouse, finals)
            print(f"installed {n} final box-score rows from {args.finals}", file=sys.stderr)
        if args.list:
            con = duckdb.connect(args.warehouse, read_only=True)
            try:
                night, finals = read_finals(con, args.date)
            finally:
                con.close()
            print(f"{night}: {len(set(f.game_id for f in finals))} games, {len(finals)} player rows")
            print("\n".join(describe(finals)))
            return 0
        if args.box_scores:
            night, n, morning = land_box_scores(args.warehouse, args.date)
            print(f"{args.warehouse}: {SUMMARY_TABLE} for {night} = the night's finals ({n} rows); the morning run: "
                  f"make scheduled GROUP=after-predictions CLOCK='{morning:%Y-%m-%d %H:%M:%S}'")
            return 0
        night, step, n = apply_step(args.warehouse, args.step, args.date)
    except (ValueError, OSError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{args.warehouse}: {LIVE_TABLE} for {night} = snapshot {step} ({n} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
