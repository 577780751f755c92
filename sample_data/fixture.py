"""Load hand-written CSV fixtures into a warehouse file with the upstream DDL.

    python -m sample_data.fixture --src tests/warehouses/tiny --out /tmp/tiny.duckdb

The source directory holds one CSV per table, named ``<schema>.<table>.csv``
(for example ``nba_predictions.player_prop_predictions.csv``):

- the header row holds column names of that table (any order); a column left
  out is NULL on every row, an unknown column is an error;
- an empty cell is NULL;
- BOOLEAN: true/false (also t/f, 1/0, yes/no); DATE: YYYY-MM-DD; TIMESTAMP:
  ISO 8601 (``2025-01-14 17:15:00`` or ``2025-01-14T17:15:00Z``), stored as
  naive UTC (an offset is converted to UTC);
- ``signal_tags`` (VARCHAR[]): a '|'-separated list (``high_edge|pace_up``);
  ``[]`` is the empty list.

Tables without a CSV are created empty. The warehouse is written atomically
(see ``sample_data.schema.load_tables``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
from collections.abc import Callable
from typing import Any

import duckdb

from sample_data.schema import NUMERIC, TABLES, load_tables

_TRUE = {"true", "t", "1", "yes", "y"}
_FALSE = {"false", "f", "0", "no", "n"}


def _bool(s: str) -> bool:
    v = s.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"not a boolean: {s!r}")


def _timestamp(s: str) -> dt.datetime:
    v = s.strip()
    if v.endswith(("Z", "z")):
        v = v[:-1] + "+00:00"
    ts = dt.datetime.fromisoformat(v)
    if ts.tzinfo is not None:
        ts = ts.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return ts


def _array(s: str) -> list[str]:
    v = s.strip()
    if v == "[]":
        return []
    return [part.strip() for part in v.split("|")]


_PARSERS: dict[str, Callable[[str], Any]] = {
    "VARCHAR": str,
    NUMERIC: lambda s: round(float(s), 3),
    "DOUBLE": float,
    "BIGINT": int,
    "BOOLEAN": _bool,
    "DATE": lambda s: dt.date.fromisoformat(s.strip()),
    "TIMESTAMP": _timestamp,
    "VARCHAR[]": _array,
}


def read_csv(table: str, path: str) -> list[dict[str, Any]]:
    """Parse one fixture CSV into typed rows (dicts)."""
    types = dict(TABLES[table])
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in types]
        if unknown:
            raise ValueError(f"{path}: unknown columns {unknown} for {table}; expected {list(types)}")
        for lineno, raw in enumerate(reader, start=2):
            short = sum(raw[col] is None for col in header)  # DictReader fills a short row with None, keeps extras
            if short or raw.get(None):  # under None: a cell lost or shifted to another column would load silently
                fields = len(header) - short + len(raw.get(None) or [])
                raise ValueError(f"{path}:{lineno}: {fields} field(s), the header has {len(header)}")
            row = {}
            for col in header:
                cell = raw[col]
                if cell == "":  # a short row (None) is refused above
                    row[col] = None
                    continue
                try:
                    row[col] = _PARSERS[types[col]](cell)
                except ValueError as exc:
                    raise ValueError(f"{path}:{lineno}: column {col} ({types[col]}): {exc}") from exc
            rows.append(row)
    return rows


def load_fixture(src_dir: str | os.PathLike, out_path: str | os.PathLike) -> dict[str, int]:
    """Load every ``<schema>.<table>.csv`` of ``src_dir`` into a fresh warehouse at
    ``out_path``. Returns the row count per table."""
    src_dir = os.fspath(src_dir)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(os.listdir(src_dir)):
        if not name.endswith(".csv"):
            continue
        table = name[: -len(".csv")]
        if table not in TABLES:
            raise ValueError(f"{os.path.join(src_dir, name)}: no upstream table {table!r}; expected one of {sorted(TABLES)}")
        tables[table] = read_csv(table, os.path.join(src_dir, name))
    return load_tables(out_path, tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_data.fixture",
        description="Load a directory of hand-written <schema>.<table>.csv files into a DuckDB warehouse "
        "with the upstream DDL (tables without a CSV are created empty).",
    )
    parser.add_argument("--src", required=True, metavar="DIR", help="directory of <schema>.<table>.csv files")
    parser.add_argument("--out", required=True, metavar="PATH", help="warehouse file to write (DuckDB)")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.src):
        parser.error(f"--src {args.src!r} is not a directory")
    try:
        counts = load_fixture(args.src, args.out)
    except (ValueError, OSError, duckdb.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    width = max(len(t) for t in counts)
    print(f"wrote {args.out} from {args.src}")
    for table, n in counts.items():
        print(f"  {table:<{width}}  {n:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
