"""Replay the upstream feeds on a simulated clock: what the upstream had loaded at T.

    python -m sample_data.feed --truth .warehouse/truth.duckdb --target .warehouse/props.duckdb \\
        --at 2025-02-06T18:00:00Z
    python -m sample_data.feed --truth .warehouse/truth.duckdb --events 2025-02-06

The truth is a fully generated warehouse (``sample_data.generate``: every row of every
upstream table). For a clock T (UTC), ``load_at`` replaces the seven upstream tables of
the TARGET warehouse (schemas nba_predictions, nba_analytics, nba_raw; created when
missing) with the rows an upstream system would have loaded by T, in one transaction.
Every other schema of the target (dbt's props_* schemas, sample_replay) is left as it
was, so dbt's state survives between steps. The same T always writes the same tables.

Availability rules (every time is read from the truth's own rows; no date is written
here):

- player_prop_predictions: rows with created_at <= T. is_active is what the upstream had
  at T: a row is active when it is active in the truth, or when the run that superseded
  it (the next row of its player x game x system by created_at) was created after T.
- upcoming_player_game_context: a game's rows once the first prediction run of its game
  date is loaded (the earliest created_at of that date); a date without predictions:
  CONTEXT_LEAD before the game's tip-off (game_start_at; none: 00:00 of the game date).
- pick_signal_tags: with the prediction run they belong to, the run before the game's
  tip-off (an in-game re-run, ``generate``'s late runs, writes none): the newest active
  prediction of their game date x player x system created before the tip-off (none
  active: the newest created before it; none before it: the newest); no prediction: never.
- model_registry: a row with registered_at <= T as it is. A row registered after T is
  the model that replaced the one serving at T: the row is rebuilt as it stood at T from
  the newest prediction of that system created <= T (model file, training window,
  expected MAE / hit rate as the eval columns; family, features, loss, production and
  enabled flags from the truth row; registered_at = that model's trained_at + the truth
  row's registration delay). A system with no prediction by T has no row.
- odds_player_points_props: rows with snapshot_at <= T.
- player_game_summary (final box scores): the morning after the game,
  BOX_SCORES_AFTER after midnight UTC ending the game date (10:00 UTC the next day). A
  game without box scores in the truth (the postponed game) never gets one.
- live_boxscores: replayed from the final box scores (the truth's player_game_summary
  rows with points, and sample_replay.final_boxscores for the truth's last night) with
  ``sample_data.live_replay``'s phases on the clock: nothing before a game's tip-off
  (first game_start_at of its context rows; none: ``generate.tipoff``); period p from
  tip-off + (p - 1) x 30 min, with the points and minutes of that period; final from
  tip-off + 2 h, and kept (the table holds one row per player x game); updated_at =
  when the game entered its phase. The truth's own live_boxscores are not read. A game
  without final box scores (the postponed game) never shows.

Rows only grow with T except is_active (a run superseded later turns inactive), the
registry (rows replaced when a model is retrained) and live_boxscores (a game's rows
advance from period to period to final).

Every step writes a marker (clock and truth file) in the seven tables' comments. A step
to a clock at or after the marked one, from the same truth, continues it: it adds the
rows that became visible since, turns off is_active of the rows superseded since, and
rewrites the registry and live_boxscores (small); the tables equal those of a step from
scratch (``--from-scratch``), which any other case takes (a step back in time, another
truth, a table without the marker). On the one-season sample (end of the season: 250 k
predictions, 890 k odds rows), a continued step takes about 0.25 s, a step from scratch
0.6-0.7 s (2 cores; bench/feed_step.py, bench/RESULTS.md "Feed replay step").
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from typing import NamedTuple

import duckdb
import pyarrow as pa

from sample_data import generate, live_replay
from sample_data.schema import SCHEMAS, TABLES, columns, ddl, to_arrow

PRED, REG, TAGS = generate.T_PRED, generate.T_REG, generate.T_TAGS
CTX, SUM, ODDS, LIVE = generate.T_CTX, generate.T_SUM, generate.T_ODDS, generate.T_LIVE

CONTEXT_LEAD = dt.timedelta(hours=6)
BOX_SCORES_AFTER = dt.timedelta(days=1, hours=10)  # from 00:00 UTC of the game date

# Each table's rows visible at $t (truth attached as "truth"), in the table's column order.
_PREDICTIONS = """
with superseded as (  -- a superseded row: when the run that replaced it was created
    select old.prediction_id, min(new.created_at) as superseded_at
    from truth.{pred} old join truth.{pred} new
        on new.player_lookup = old.player_lookup and new.game_id = old.game_id and new.system_id = old.system_id
        and new.created_at > old.created_at
    where not old.is_active and old.created_at <= $t{old_since}
    group by old.prediction_id
)
select {cols_before}, p.is_active or coalesce(superseded.superseded_at > $t, false) as is_active, {cols_after}
from truth.{pred} p left join superseded using (prediction_id)
where {visible} <= $t{since}
"""
# Incremental step from $prev: the rows active at $prev superseded by a run created in ($prev, $t].
_SUPERSEDED_SINCE = """
update {pred} set is_active = false where prediction_id in (
    select old.prediction_id
    from truth.{pred} old join truth.{pred} new
        on new.player_lookup = old.player_lookup and new.game_id = old.game_id and new.system_id = old.system_id
        and new.created_at > old.created_at
    where not old.is_active and old.created_at <= $prev
    group by old.prediction_id
    having min(new.created_at) > $prev and min(new.created_at) <= $t
)
"""
_CONTEXT = """
with first_run as (select game_date, min(created_at) as loaded_at from truth.{pred} group by game_date)
select {cols} from truth.{ctx} c left join first_run using (game_date)
where {visible} <= $t{since}
"""
# A game's tip-off: the first game_start_at of its context rows.
_TIPOFFS = "tips as (select game_id, min(game_start_at) as tipoff_at from truth.{ctx} group by game_id)"
_TAGS = """
with """ + _TIPOFFS + """,
runs as (
    select p.game_date, p.player_lookup, p.system_id,
           coalesce(max(p.created_at) filter (where p.is_active and (p.created_at < tips.tipoff_at) is not false),
                    max(p.created_at) filter (where (p.created_at < tips.tipoff_at) is not false),
                    max(p.created_at)) as loaded_at
    from truth.{pred} p left join tips using (game_id) group by all
)
select {cols} from truth.{tags} g join runs using (game_date, player_lookup, system_id)
where {visible} <= $t{since}
"""
_REGISTRY = """
with serving as (  -- the newest prediction of each system created by T
    select system_id, arg_max(struct_pack(model_file_name, model_training_start_date, model_training_end_date,
                                          model_expected_mae, model_expected_hit_rate, model_trained_at),
                              created_at) as m
    from truth.{pred} where created_at <= $t group by system_id
),
delay as (  -- registered_at - trained_at of the truth row's model
    select r.system_id, coalesce(r.registered_at - max(p.model_trained_at), interval 0 second) as d
    from truth.{reg} r left join truth.{pred} p on p.system_id = r.system_id and p.model_file_name = r.model_file_name
    group by r.system_id, r.registered_at
)
select r.system_id, r.model_family,
       if(r.registered_at <= $t, r.model_file_name, s.m.model_file_name),
       if(r.registered_at <= $t, r.training_start_date, s.m.model_training_start_date),
       if(r.registered_at <= $t, r.training_end_date, s.m.model_training_end_date),
       if(r.registered_at <= $t, r.eval_mae, s.m.model_expected_mae),
       if(r.registered_at <= $t, r.eval_hit_rate_edge3, s.m.model_expected_hit_rate),
       r.feature_count, r.loss_function, r.is_production, r.is_enabled,
       if(r.registered_at <= $t, r.registered_at, s.m.model_trained_at + delay.d) as registered_at
from truth.{reg} r join delay using (system_id) left join serving s using (system_id)
where r.registered_at <= $t or s.m.model_trained_at + delay.d <= $t
"""
_ODDS = "select {cols} from truth.{odds} where {visible} <= $t{since}"
_SUMMARY = "select {cols} from truth.{summary} where {visible} <= $t{since}"
# When a row of an append-only table becomes visible.
_VISIBLE = {
    PRED: "p.created_at",
    CTX: "coalesce(first_run.loaded_at, c.game_start_at - $lead, cast(c.game_date as timestamp))",
    TAGS: "runs.loaded_at",
    ODDS: "snapshot_at",
    SUM: "cast(game_date as timestamp) + $box_after",
}
_FINALS = """
with """ + _TIPOFFS + """
select s.game_id, s.game_date, s.player_lookup, s.points, coalesce(s.minutes_played, 0)::double, tips.tipoff_at
from truth.{summary} s left join tips using (game_id)
where s.points is not null and s.game_date <= $day
"""
_REPLAY_FINALS = """
select game_id, game_date, player_lookup, points, minutes_played, tipoff_at
from truth.{replay} where game_date <= $day
"""


def _select(table: str, since_prev: bool = False) -> str:
    """The select of ``table``'s rows visible at $t, in its column order; ``since_prev``:
    only those not visible at $prev yet (append-only tables)."""
    cols = columns(table)
    names = {"pred": PRED, "ctx": CTX, "tags": TAGS, "reg": REG, "odds": ODDS, "summary": SUM}
    if table in _VISIBLE:
        visible = _VISIBLE[table]
        names.update(visible=visible, since=f" and {visible} > $prev" if since_prev else "",
                     old_since=" and old.created_at > $prev" if since_prev else "")
    if table == PRED:
        i = cols.index("is_active")
        before, after = (", ".join(f"p.{c}" for c in part) for part in (cols[:i], cols[i + 1:]))
        return _PREDICTIONS.format(cols_before=before, cols_after=after, **names)
    if table == CTX:
        return _CONTEXT.format(cols=", ".join(f"c.{c}" for c in cols), **names)
    if table == TAGS:
        return _TAGS.format(cols=", ".join(f"g.{c}" for c in cols), **names)
    if table == REG:
        return _REGISTRY.format(**names)
    if table == ODDS:
        return _ODDS.format(cols=", ".join(cols), **names)
    if table == SUM:
        return _SUMMARY.format(cols=", ".join(cols), **names)
    raise ValueError(f"no select for {table}")


def _params(sql: str, clock: dt.datetime, prev: dt.datetime | None = None) -> dict:
    values = {"t": clock, "prev": prev, "lead": CONTEXT_LEAD, "box_after": BOX_SCORES_AFTER, "day": clock.date()}
    return {k: v for k, v in values.items() if f"${k}" in sql}


def _has_table(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> bool:
    schema, name = table.split(".")
    return con.execute(
        "select count(*) from information_schema.tables where table_catalog = ? and table_schema = ? "
        "and table_name = ?", [catalog, schema, name]).fetchall()[0][0] > 0


def finals_until(con: duckdb.DuckDBPyConnection, clock: dt.datetime) -> list[live_replay.Final]:
    """The final box scores of every game dated up to ``clock``'s date (truth attached as
    "truth"), with a tip-off (context's, else ``generate.tipoff``)."""
    rows = con.execute(_FINALS.format(ctx=CTX, summary=SUM), {"day": clock.date()}).fetchall()
    if _has_table(con, "truth", live_replay.REPLAY_TABLE):
        rows += con.execute(_REPLAY_FINALS.format(replay=live_replay.REPLAY_TABLE), {"day": clock.date()}).fetchall()
    return [live_replay.Final(gid, day, key, pts, mins, tip or generate.tipoff(day, gid))
            for gid, day, key, pts, mins, tip in rows]


def live_rows_at(con: duckdb.DuckDBPyConnection, clock: dt.datetime) -> pa.Table:
    return to_arrow(LIVE, [tuple(r) for r in live_replay.rows_at(finals_until(con, clock), clock)])


def _replace(con: duckdb.DuckDBPyConnection, table: str, select: str, params: dict) -> None:
    con.execute(f"drop table if exists {table}")
    con.execute(ddl(table))
    con.execute(f"insert into {table} {select}", params)


def _truth_id(truth: str | os.PathLike) -> str:
    st = os.stat(truth)
    return f"{os.path.abspath(truth)} {st.st_size} {st.st_mtime_ns}"


def _marker(truth_id: str, clock: dt.datetime) -> str:
    return f"sample_data.feed at={clock.isoformat()} truth={truth_id}"


def _previous_clock(con: duckdb.DuckDBPyConnection, truth_id: str) -> dt.datetime | None:
    """The clock of the last step when all seven tables were written by it from this truth
    (the marker in their table comment), else None."""
    comments = dict(con.execute(
        "select schema_name || '.' || table_name, comment from duckdb_tables() "
        "where database_name = current_database()").fetchall())
    marks = {comments.get(table) or "" for table in TABLES}
    if len(marks) != 1:
        return None
    mark = marks.pop()
    head, _, rest = mark.partition(" at=")
    at_text, _, truth_part = rest.partition(" truth=")
    if head != "sample_data.feed" or truth_part != truth_id:
        return None
    return dt.datetime.fromisoformat(at_text)


def _step(con: duckdb.DuckDBPyConnection, clock: dt.datetime, prev: dt.datetime | None) -> None:
    """Write the seven tables at ``clock``: from scratch, or from the step at ``prev`` (<=
    clock) by adding the rows that became visible since and deactivating the rows
    superseded since (registry and live box scores are rewritten: they are small)."""
    for table in TABLES:
        if table == LIVE:
            con.register("_live_at", live_rows_at(con, clock))
            _replace(con, table, "select * from _live_at", {})
            con.unregister("_live_at")
        elif prev is None or table not in _VISIBLE:
            sql = _select(table)
            _replace(con, table, sql, _params(sql, clock))
        else:
            if table == PRED:
                sql = _SUPERSEDED_SINCE.format(pred=PRED)
                con.execute(sql, _params(sql, clock, prev))
            sql = _select(table, since_prev=True)
            con.execute(f"insert into {table} {sql}", _params(sql, clock, prev))


class Loaded(NamedTuple):
    counts: dict[str, int]  # rows per table
    since: dt.datetime | None  # the clock of the step it continued, None: written from scratch


def load_at(truth: str | os.PathLike, target: str | os.PathLike, clock: dt.datetime,
            incremental: bool = True) -> Loaded:
    """Replace the upstream tables of ``target`` with what was loaded at ``clock`` (naive
    UTC, or aware: converted). When the target holds the step of an earlier (or the same)
    clock from the same truth (a marker in the seven tables' comments, written by every
    step), only what changed since is written (``incremental``); the tables are the same
    as from scratch."""
    clock = as_utc(clock)
    if os.path.abspath(truth) == os.path.abspath(target):
        raise ValueError("the target must not be the truth warehouse")
    if not os.path.exists(truth):
        raise ValueError(f"truth warehouse {truth!s} does not exist")
    truth_id = _truth_id(truth)
    duckdb.connect(os.fspath(truth), read_only=True).close()  # a truth that is no warehouse: before the target is made
    con = duckdb.connect(os.fspath(target))
    try:
        con.execute(f"attach '{os.fspath(truth)}' as truth (read_only)")
        prev = _previous_clock(con, truth_id) if incremental else None
        if prev is not None and prev > clock:
            prev = None
        con.execute("begin transaction")
        for schema in SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
        _step(con, clock, prev)
        counts = {}
        for table in TABLES:
            con.execute(f"comment on table {table} is '{_marker(truth_id, clock)}'")
            counts[table] = con.execute(f"select count(*) from {table}").fetchall()[0][0]
        con.execute("commit")
        con.execute("detach truth")
        con.execute("checkpoint")
    finally:
        con.close()
    return Loaded(counts, prev)


# ----------------------------------------------------------------------------- events


class Event(NamedTuple):
    at: dt.datetime
    what: str


_EVENTS = """
select created_at, 'prediction run (' || count(*) || ' rows)' from truth.{pred} where game_date = $day group by 1
union all
select snapshot_at, 'odds snapshot (' || count(*) || ' rows)' from truth.{odds} where game_date = $day group by 1
union all
select game_start_at, 'tip-off: ' || string_agg(distinct game_id, ' ' order by game_id)
from truth.{ctx} where game_date = $day group by 1
union all
select cast(game_date as timestamp) + $box_after, 'final box scores (' || count(*) || ' rows)'
from truth.{summary} where game_date = $day group by game_date
"""


def events(truth: str | os.PathLike, day: dt.date) -> list[Event]:
    """The clocks at which a game date's rows arrive (prediction runs, odds snapshots,
    tip-offs, final box scores), in time order: the steps worth replaying."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{os.fspath(truth)}' as truth (read_only)")
        sql = _EVENTS.format(pred=PRED, odds=ODDS, ctx=CTX, summary=SUM)
        rows = con.execute(sql + " order by 1, 2", {"day": day, "box_after": BOX_SCORES_AFTER}).fetchall()
    finally:
        con.close()
    return [Event(at, what) for at, what in rows]


# ----------------------------------------------------------------------------- CLI


def as_utc(clock: dt.datetime) -> dt.datetime:
    """Naive UTC (the warehouse's timestamps): an aware clock is converted to UTC."""
    if clock.tzinfo is not None:
        clock = clock.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return clock


def _parse_clock(text: str) -> dt.datetime:
    try:
        return as_utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a timestamp (YYYY-MM-DDTHH:MM[:SS][Z]): {text!r}") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.feed",
        description="Write into TARGET the upstream rows a real upstream would have loaded by the clock T: "
                    "the seven tables of nba_predictions, nba_analytics and nba_raw are replaced, every other "
                    "schema (dbt's) is left untouched. The rules are in this module's docstring.",
        epilog="Example: generate the truth once (python -m sample_data.generate --out truth.duckdb), then step "
               "the clock: --at 2025-02-06T14:00Z, --at 2025-02-06T18:00Z, --at 2025-02-07T00:30Z, ...",
    )
    parser.add_argument("--truth", required=True, metavar="PATH", help="fully generated warehouse (read only)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--at", type=_parse_clock, metavar="T", help="clock, ISO-8601 UTC (2025-02-06T18:00:00Z)")
    what.add_argument("--events", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                      help="list the clocks at which that game date's rows arrive, then exit")
    parser.add_argument("--target", metavar="PATH", help="warehouse to write (with --at; created if missing)")
    parser.add_argument("--from-scratch", action="store_true",
                        help="rewrite every table even when TARGET holds an earlier step from this truth")
    args = parser.parse_args(argv)
    if args.events and (args.target or args.from_scratch):
        parser.error("--events only reads --truth; drop --target and --from-scratch, or use --at to write a step")
    if not os.path.exists(args.truth):
        parser.error(f"--truth {args.truth!r} does not exist")
    try:
        if args.events:
            for event in events(args.truth, args.events):
                print(f"{event.at:%Y-%m-%dT%H:%M:%S}Z  {event.what}")
            return 0
        if not args.target:
            parser.error("--at needs --target")
        t0 = time.perf_counter()
        loaded = load_at(args.truth, args.target, args.at, incremental=not args.from_scratch)
    except (ValueError, duckdb.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    how = f"continued from {loaded.since:%Y-%m-%dT%H:%M:%S}Z" if loaded.since else "from scratch"
    print(f"{args.target}: upstream tables as loaded at {args.at:%Y-%m-%dT%H:%M:%S}Z "
          f"({how}, {time.perf_counter() - t0:.2f}s)")
    width = max(len(t) for t in loaded.counts)
    for table, n in loaded.counts.items():
        print(f"  {table:<{width}}  {n:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
