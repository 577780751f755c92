"""DuckDB DDL of the seven upstream tables (contract §1, models/staging/_sources.yml).

This is the only place the upstream layout is written down on the Python side:
the sample generator (``sample_data.generate``) and the hand-written fixture
loader (``sample_data.fixture``) both build their warehouse through
``load_tables``.

Type mapping from the BigQuery types of the spec:
STRING -> VARCHAR, NUMERIC -> DECIMAL(9,3), FLOAT64 -> DOUBLE, INT64 -> BIGINT,
BOOL -> BOOLEAN, DATE -> DATE, TIMESTAMP -> TIMESTAMP (UTC, stored naive),
ARRAY<STRING> -> VARCHAR[].
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import duckdb
import pyarrow as pa

SCHEMAS = ("nba_predictions", "nba_analytics", "nba_raw")

NUMERIC = "DECIMAL(9,3)"

# Exact column names and order of models/staging/_sources.yml.
TABLES: dict[str, list[tuple[str, str]]] = {
    "nba_predictions.player_prop_predictions": [
        ("prediction_id", "VARCHAR"),
        ("system_id", "VARCHAR"),
        ("player_lookup", "VARCHAR"),
        ("game_id", "VARCHAR"),
        ("game_date", "DATE"),
        ("predicted_points", NUMERIC),
        ("confidence_score", NUMERIC),
        ("recommendation", "VARCHAR"),
        ("current_points_line", NUMERIC),
        ("is_active", "BOOLEAN"),
        ("created_at", "TIMESTAMP"),
        ("model_file_name", "VARCHAR"),
        ("model_training_start_date", "DATE"),
        ("model_training_end_date", "DATE"),
        ("model_expected_mae", "DOUBLE"),
        ("model_expected_hit_rate", "DOUBLE"),
        ("model_trained_at", "TIMESTAMP"),
        ("build_commit_sha", "VARCHAR"),
        ("deployment_revision", "VARCHAR"),
    ],
    "nba_predictions.model_registry": [
        ("system_id", "VARCHAR"),
        ("model_family", "VARCHAR"),
        ("model_file_name", "VARCHAR"),
        ("training_start_date", "DATE"),
        ("training_end_date", "DATE"),
        ("eval_mae", "DOUBLE"),
        ("eval_hit_rate_edge3", "DOUBLE"),
        ("feature_count", "BIGINT"),
        ("loss_function", "VARCHAR"),
        ("is_production", "BOOLEAN"),
        ("is_enabled", "BOOLEAN"),
        ("registered_at", "TIMESTAMP"),
    ],
    "nba_predictions.pick_signal_tags": [
        ("game_date", "DATE"),
        ("player_lookup", "VARCHAR"),
        ("system_id", "VARCHAR"),
        ("signal_tags", "VARCHAR[]"),
    ],
    "nba_analytics.upcoming_player_game_context": [
        ("player_lookup", "VARCHAR"),
        ("player_full_name", "VARCHAR"),
        ("game_id", "VARCHAR"),
        ("game_date", "DATE"),
        ("team_abbr", "VARCHAR"),
        ("opponent_team_abbr", "VARCHAR"),
        ("is_home", "BOOLEAN"),
        ("game_start_at", "TIMESTAMP"),
    ],
    "nba_analytics.player_game_summary": [
        ("player_lookup", "VARCHAR"),
        ("player_full_name", "VARCHAR"),
        ("game_id", "VARCHAR"),
        ("game_date", "DATE"),
        ("team_abbr", "VARCHAR"),
        ("opponent_team_abbr", "VARCHAR"),
        ("points", "BIGINT"),
        ("minutes_played", NUMERIC),
        ("player_status", "VARCHAR"),
    ],
    "nba_raw.odds_player_points_props": [
        ("game_date", "DATE"),
        ("game_id", "VARCHAR"),
        ("player_lookup", "VARCHAR"),
        ("bookmaker", "VARCHAR"),
        ("points_line", NUMERIC),
        ("over_odds", "BIGINT"),
        ("under_odds", "BIGINT"),
        ("snapshot_at", "TIMESTAMP"),
    ],
    "nba_raw.live_boxscores": [
        ("game_id", "VARCHAR"),
        ("game_date", "DATE"),
        ("player_lookup", "VARCHAR"),
        ("points", "BIGINT"),
        ("minutes", "VARCHAR"),
        ("game_status", "VARCHAR"),
        ("period", "BIGINT"),
        ("clock", "VARCHAR"),
        ("updated_at", "TIMESTAMP"),
    ],
}

# Arrow types used to hand Python values to DuckDB. Decimals travel as float64
# (already rounded to 3 places by the caller); DuckDB rounds DOUBLE -> DECIMAL
# on insert, so no value changes.
_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    NUMERIC: pa.float64(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "VARCHAR[]": pa.list_(pa.string()),
}


def columns(table: str) -> list[str]:
    """Column names of ``schema.table`` in source order."""
    return [name for name, _ in TABLES[table]]


def ddl(table: str) -> str:
    cols = ",\n    ".join(f"{name} {typ}" for name, typ in TABLES[table])
    return f"create table {table} (\n    {cols}\n)"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the three schemas and the seven (empty) upstream tables."""
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    for table in TABLES:
        con.execute(ddl(table))


Rows = Sequence[Mapping[str, Any]] | Sequence[Sequence[Any]] | Mapping[str, Sequence[Any]]


def _to_columns(table: str, rows: Rows) -> list[list[Any]]:
    """Rows (dicts, tuples in column order, or a dict of columns) -> list of columns."""
    names = columns(table)
    if isinstance(rows, Mapping):
        unknown = set(rows) - set(names)
        if unknown:
            raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        n = len(next(iter(rows.values()))) if rows else 0
        return [list(rows[c]) if c in rows else [None] * n for c in names]
    rows = list(rows)
    if not rows:
        return [[] for _ in names]
    if isinstance(rows[0], Mapping):
        unknown = set().union(*(r.keys() for r in rows)) - set(names)
        if unknown:
            raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        return [[r.get(c) for r in rows] for c in names]
    width = len(names)
    for r in rows:
        if len(r) != width:
            raise ValueError(f"{table}: row has {len(r)} values, expected {width}: {r!r}")
    return [list(col) for col in zip(*rows)]


def to_arrow(table: str, rows: Rows) -> pa.Table:
    cols = _to_columns(table, rows)
    arrays = []
    for (name, typ), values in zip(TABLES[table], cols):
        try:
            arrays.append(pa.array(values, type=_ARROW_TYPES[typ]))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
            raise ValueError(f"{table}.{name} ({typ}): {exc}") from exc
    return pa.Table.from_arrays(arrays, names=[n for n, _ in TABLES[table]])


def _remove(path: str) -> None:
    for p in (path, path + ".wal"):
        if os.path.exists(p):
            os.remove(p)


def load_tables(path: str | os.PathLike, tables: Mapping[str, Rows],
                finish: Callable[[str], Mapping[str, int]] | None = None) -> dict[str, int]:
    """Write a fresh warehouse file at ``path`` holding the seven upstream tables.

    ``tables`` maps ``"schema.table"`` to its rows: a list of dicts, a list of
    tuples in column order, or a dict of column lists. Tables not given are
    created empty. The file is written to ``path + '.tmp'`` and moved into
    place with ``os.replace`` only after a successful checkpoint, so a failed
    run never leaves a half-written warehouse (an existing file stays as it
    was). ``finish``, if given, writes more into the file before the move (it
    is given the temporary file's path) and returns its own row counts.
    Returns the row count per table.
    """
    path = os.fspath(path)
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; expected some of {sorted(TABLES)}")
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp = path + ".tmp"
    _remove(tmp)
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(tmp)
        try:
            create_schema(con)
            for table in TABLES:
                arrow_tbl = to_arrow(table, tables.get(table, []))
                if arrow_tbl.num_rows:
                    con.register("_incoming", arrow_tbl)
                    con.execute(f"insert into {table} select * from _incoming")
                    con.unregister("_incoming")
                counts[table] = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            con.execute("checkpoint")
        finally:
            con.close()
        if finish is not None:
            counts.update(finish(tmp))
        _remove(path + ".wal")
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
    return counts

