"""The bare publish: the least work that publishes the same marts (issue #21's "limit"; not a publisher).

    .venv/bin/python bench/bare_publish.py --manifest target/manifest.json --warehouse W.duckdb --out FOLDER

Reads every published mart whole (each model declaring ``config.meta.publish`` and every part its
document takes rows from, ``from: MODEL``), groups the rows by file (the path's placeholders),
and writes each file's rows as JSON (``{"rows": [...], "parts": {MODEL: [...]}}``) under FOLDER.
No declaration is folded, nothing is checked, hashed or compared, and no manifest is written:
bench/publisher_bench.py times it beside the product on the same warehouse.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from pathlib import Path

import duckdb

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def parts_of(node: object) -> set[str]:
    """The models a declaration takes rows from (``from:``), at any depth."""
    if isinstance(node, dict):
        own = {node["from"]} if "from" in node else set()
        return own.union(*map(parts_of, node.values()))
    return set()


def read(connection: duckdb.DuckDBPyConnection, relation: str, keys: list[str]) -> dict[tuple, list[dict]]:
    """A mart's rows, whole, grouped by the values of ``keys``."""
    cursor = connection.execute(f"SELECT * FROM {relation}")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    rows.sort(key=lambda row: tuple(str(row[k]) for k in keys))
    return {key: list(group) for key, group in itertools.groupby(rows, key=lambda row: tuple(row[k] for k in keys))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", required=True, help="dbt's target/manifest.json")
    parser.add_argument("--warehouse", required=True, help="the DuckDB file the marts are in")
    parser.add_argument("--out", required=True, help="folder the files are written under")
    args = parser.parse_args()
    nodes = json.loads(Path(args.manifest).read_text())["nodes"]
    relations = {node["name"]: node.get("relation_name") for node in nodes.values() if node["resource_type"] == "model"}
    files = 0
    with duckdb.connect(args.warehouse, read_only=True) as connection:
        for node in nodes.values():
            publish = (node.get("config") or {}).get("meta", {}).get("publish")
            if node["resource_type"] != "model" or not publish:
                continue
            keys = PLACEHOLDER.findall(publish["path"])
            roots = read(connection, node["relation_name"], keys)
            parts = {name: read(connection, relations[name], keys) for name in sorted(parts_of(publish["document"]))}
            for key, rows in roots.items():
                path = Path(args.out) / publish["path"].format(**dict(zip(keys, map(str, key))))
                path.parent.mkdir(parents=True, exist_ok=True)
                document = {"rows": rows, "parts": {name: part.get(key, []) for name, part in parts.items()}}
                path.write_text(json.dumps(document, default=str, ensure_ascii=False, separators=(",", ":")))
                files += 1
    print(f"{files} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
