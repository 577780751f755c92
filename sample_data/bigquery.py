"""Copy the upstream tables of a DuckDB warehouse file into BigQuery (or its emulator).

    python -m sample_data.bigquery --warehouse .warehouse/props.duckdb \
        --project nba-props-platform --endpoint http://127.0.0.1:9050

The same generator output, the same layout: each table of ``sample_data.schema.TABLES``
is (re)created as ``<project>.<schema>.<table>`` with the BigQuery types of contract §1,
partitioned by ``game_date`` (as in production) when it has that column, and filled
with the warehouse file's rows. Scalar tables go up as one CSV load job each; tables
with an ARRAY column (pick_signal_tags) as INSERT statements in batches, since a CSV
cannot hold an array. ``--endpoint`` points the client at an emulator (no credentials
are used or needed). The tables are REPLACED: against real BigQuery (no --endpoint) the
command refuses to run unless --real-bigquery is given, so production sources are never
overwritten by accident.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import os
import sys
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TextIO

import duckdb

from sample_data.schema import NUMERIC, SCHEMAS, TABLES

BIGQUERY_TYPES = {
    "VARCHAR": "STRING",
    NUMERIC: "NUMERIC",
    "DOUBLE": "FLOAT64",
    "BIGINT": "INT64",
    "BOOLEAN": "BOOL",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "VARCHAR[]": "ARRAY<STRING>",
}
PARTITION_COLUMN = "game_date"
INSERT_BATCH = 500


def client_for(project: str, endpoint: str | None = None, location: str | None = None):
    """A BigQuery client; with ``endpoint``, anonymous and pointed at that emulator."""
    from google.cloud import bigquery

    if not endpoint:
        return bigquery.Client(project=project, location=location)
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials

    return bigquery.Client(project=project, location=location, credentials=AnonymousCredentials(),
                           client_options=ClientOptions(api_endpoint=endpoint))


def create_table_sql(project: str, table: str) -> str:
    columns = ",\n    ".join(f"{name} {BIGQUERY_TYPES[kind]}" for name, kind in TABLES[table])
    schema, name = table.split(".")
    partition = f"\npartition by {PARTITION_COLUMN}" if PARTITION_COLUMN in dict(TABLES[table]) else ""
    return f"create or replace table `{project}`.`{schema}`.`{name}` (\n    {columns}\n){partition}"


def literal(value: Any, kind: str) -> str:
    """A BigQuery SQL literal of ``value`` for a column of DuckDB type ``kind``."""
    if value is None:
        return "NULL"
    if kind == "VARCHAR[]":
        return "ARRAY<STRING>[" + ", ".join(literal(v, "VARCHAR") for v in value) + "]"
    if kind == "VARCHAR":
        escaped = str(value).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
        return f"'{escaped}'"
    if kind == "BOOLEAN":
        return "TRUE" if value else "FALSE"
    if kind == "BIGINT":
        return str(int(value))
    if kind == NUMERIC:
        return f"NUMERIC '{Decimal(value)}'"
    if kind == "DOUBLE":
        if not math.isfinite(value):
            return f"CAST('{value}' AS FLOAT64)"
        return repr(float(value))
    if kind == "DATE":
        return f"DATE '{value.isoformat()}'"
    if kind == "TIMESTAMP":
        return f"TIMESTAMP '{_timestamp_text(value)}'"
    raise ValueError(f"no BigQuery literal for type {kind}")


def _timestamp_text(value: dt.datetime) -> str:
    """Naive values are UTC (sample_data.schema stores timestamps as naive UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds") + "+00:00"


def _csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "BOOLEAN":
        return "true" if value else "false"
    if kind == "TIMESTAMP":
        return _timestamp_text(value)[:-6]  # no offset: a CSV timestamp without one is UTC
    if kind == "DATE":
        return value.isoformat()
    if kind == "DOUBLE":
        return repr(float(value))
    return str(value)


def _load_csv(client, project: str, table: str, rows: Sequence[Sequence[Any]]) -> None:
    from google.cloud import bigquery

    kinds = [kind for _, kind in TABLES[table]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_csv_cell(v, k) for v, k in zip(row, kinds)])
    schema = [bigquery.SchemaField(name, BIGQUERY_TYPES[kind]) for name, kind in TABLES[table]]
    config = bigquery.LoadJobConfig(source_format="CSV", schema=schema, write_disposition="WRITE_APPEND")
    data = io.BytesIO(buffer.getvalue().encode("utf-8"))
    client.load_table_from_file(data, f"{project}.{table}", job_config=config).result()


def _insert(client, project: str, table: str, rows: Sequence[Sequence[Any]], batch: int = INSERT_BATCH) -> None:
    names = [name for name, _ in TABLES[table]]
    kinds = [kind for _, kind in TABLES[table]]
    schema, name = table.split(".")
    for start in range(0, len(rows), batch):
        values = ",\n".join(
            "(" + ", ".join(literal(v, k) for v, k in zip(row, kinds)) + ")" for row in rows[start:start + batch]
        )
        client.query(f"insert into `{project}`.`{schema}`.`{name}` ({', '.join(names)}) values\n{values}").result()


def load_rows(client, project: str, tables: dict[str, Sequence[Sequence[Any]]],
              reach_timeout: float | None = None, progress: TextIO | None = None) -> dict[str, int]:
    """(Re)create every upstream table in ``project`` and load ``tables`` (rows in column order).

    ``reach_timeout``: seconds to keep retrying the first call (listing the datasets) before giving up; the client's
    own default retries a refused connection for 10 minutes. ``progress``: a stream for one line per table.
    """
    from google.cloud import bigquery

    retry = bigquery.DEFAULT_RETRY.with_deadline(reach_timeout) if reach_timeout else bigquery.DEFAULT_RETRY
    existing = {d.dataset_id for d in client.list_datasets(project, retry=retry, timeout=reach_timeout)}
    for schema in SCHEMAS:
        if schema not in existing:
            client.create_dataset(f"{project}.{schema}")
    counts = {}
    for table in TABLES:
        started = time.monotonic()
        rows = list(tables.get(table, []))
        client.query(create_table_sql(project, table)).result()
        if rows:
            has_array = any(kind.endswith("[]") for _, kind in TABLES[table])
            (_insert if has_array else _load_csv)(client, project, table, rows)
        counts[table] = len(rows)
        if progress:
            print(f"  {table}: {len(rows):,} rows ({time.monotonic() - started:.1f}s)", file=progress, flush=True)
    return counts


def read_warehouse(path: str | os.PathLike) -> dict[str, list[tuple]]:
    """Every upstream table of a DuckDB warehouse file, rows in column order."""
    con = duckdb.connect(os.fspath(path), read_only=True)
    try:
        return {
            table: con.execute(f"select {', '.join(n for n, _ in TABLES[table])} from {table}").fetchall()
            for table in TABLES
        }
    finally:
        con.close()


def load_warehouse(path: str | os.PathLike, client, project: str, reach_timeout: float | None = None,
                   progress: TextIO | None = None) -> dict[str, int]:
    """Copy the upstream tables of the DuckDB warehouse at ``path`` into ``project``."""
    return load_rows(client, project, read_warehouse(path), reach_timeout, progress)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_data.bigquery", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", required=True, help="DuckDB warehouse file (sample_data.generate / fixture)")
    parser.add_argument("--project", default=os.environ.get("PROPS_UPSTREAM_PROJECT", "nba-props-platform"),
                        help="BigQuery project of the upstream datasets (default: $PROPS_UPSTREAM_PROJECT "
                             "or nba-props-platform)")
    parser.add_argument("--endpoint", default=os.environ.get("BQ_EMULATOR_ENDPOINT"),
                        help="emulator URL, e.g. http://127.0.0.1:9050 (default: $BQ_EMULATOR_ENDPOINT; "
                             "none = real BigQuery with application-default credentials)")
    parser.add_argument("--location", default=None)
    parser.add_argument("--real-bigquery", action="store_true",
                        help="allow replacing the upstream tables of a real BigQuery project (no --endpoint)")
    parser.add_argument("--reach-timeout", type=float, default=60.0, metavar="SECONDS",
                        help="give up when BigQuery (or the emulator) has not answered the first call within "
                             "SECONDS (default: 60)")
    parser.add_argument("--dry-run", action="store_true",
                        help="read the warehouse and print the rows each table would get; touch no BigQuery")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not args.endpoint and not args.real_bigquery and not args.dry_run:
        parser.error("no --endpoint: refusing to replace tables in real BigQuery without --real-bigquery")
    if not os.path.isfile(args.warehouse):
        parser.error(f"--warehouse {args.warehouse!r} does not exist")
    if args.reach_timeout <= 0:
        parser.error("--reach-timeout must be more than 0 seconds")
    where = f"{args.project}{' at ' + args.endpoint if args.endpoint else ''}"
    try:
        print(f"reading {args.warehouse}", file=sys.stderr, flush=True)
        tables = read_warehouse(args.warehouse)
        if args.dry_run:
            counts = {table: len(rows) for table, rows in tables.items()}
        else:
            print(f"loading into {where}", file=sys.stderr, flush=True)
            client = client_for(args.project, args.endpoint, args.location)
            try:
                counts = load_rows(client, args.project, tables, args.reach_timeout, progress=sys.stderr)
            finally:
                client.close()
    except duckdb.Error as error:
        held = isinstance(error, duckdb.IOException) and "lock" in str(error).lower()
        print(f"error: --warehouse {args.warehouse}: {' '.join(str(error).split())} (" + (
              "another process holds it: close it, or copy the file" if held else
              "make it with python -m sample_data.generate or sample_data.fixture") + ")", file=sys.stderr)
        return 1
    except Exception as error:  # google-api-core / requests: the target, not this code, failed
        if not _is_client_error(error):
            raise
        print(f"error: {where}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''} "
              "(is the emulator running there, or are the credentials and --project right?)", file=sys.stderr)
        return 1
    print(f"{'would load' if args.dry_run else 'loaded'} {args.warehouse} into {where}")
    for table, n in counts.items():
        print(f"  {table:<45} {n:>7}")
    return 0


def _is_client_error(error: BaseException) -> bool:
    """An error of BigQuery's client stack (an API error, a retry that ran out, a refused connection, no credentials)."""
    from google.api_core import exceptions as api
    from google.auth import exceptions as auth
    from requests import exceptions as http

    return isinstance(error, (api.GoogleAPIError, auth.GoogleAuthError, http.RequestException))


if __name__ == "__main__":
    sys.exit(main())
