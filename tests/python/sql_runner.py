"""Run the project's compiled SQL directly in DuckDB, in dependency order, without dbt.

dbt costs seconds per invocation; the property-based test builds hundreds of small
random warehouses, so it compiles the project once (a real `dbt build` on a fixture
warehouse named warehouse.duckdb) and then replays each model's compiled SQL on every
random warehouse: the same SQL dbt runs, minus dbt's own overhead.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from sample_data.schema import SCHEMAS, TABLES, to_arrow


class CompiledProject:
    def __init__(self, target: Path, built_warehouse: Path, marts: list[str]):
        manifest = json.loads((target / "manifest.json").read_text())
        self.manifest = manifest
        self.built_warehouse = built_warehouse
        nodes = manifest["nodes"]
        wanted: set[str] = set()
        stack = [uid for uid, n in nodes.items() if n["resource_type"] == "model" and n["name"] in marts]
        while stack:
            uid = stack.pop()
            if uid in wanted or not uid.startswith("model."):
                continue
            wanted.add(uid)
            stack.extend(nodes[uid]["depends_on"]["nodes"])
        order: list[str] = []
        seen: set[str] = set()

        def visit(uid: str) -> None:
            if uid in seen or uid not in wanted:
                return
            seen.add(uid)
            for parent in nodes[uid]["depends_on"]["nodes"]:
                visit(parent)
            order.append(uid)

        for uid in sorted(wanted):
            visit(uid)
        self.models = [nodes[uid] for uid in order]
        self.seeds = [n for n in nodes.values() if n["resource_type"] == "seed"]
        self.schemas = sorted({n["schema"] for n in self.models + self.seeds})

    def build(self, tables: dict[str, list[dict]]) -> duckdb.DuckDBPyConnection:
        """An in-memory warehouse catalogued `warehouse` with the given source rows and
        every wanted model built from its compiled SQL."""
        con = duckdb.connect()
        con.execute("attach ':memory:' as warehouse")
        con.execute(f"attach '{self.built_warehouse}' as built (read_only)")
        con.execute("use warehouse")
        for schema in SCHEMAS + tuple(self.schemas):
            con.execute(f"create schema if not exists {schema}")
        for table, columns in TABLES.items():
            con.execute(f"create table {table} ({', '.join(f'{c} {t}' for c, t in columns)})")
            rows = tables.get(table, [])
            if rows:
                con.register("incoming", to_arrow(table, rows))
                con.execute(f"insert into {table} select * from incoming")
                con.unregister("incoming")
        for seed in self.seeds:
            con.execute(f"create table {seed['schema']}.{seed['alias']} as "
                        f"select * from built.{seed['schema']}.{seed['alias']}")
        for node in self.models:
            kind = "view" if node["config"]["materialized"] == "view" else "table"
            con.execute(f"create or replace {kind} {node['relation_name']} as {node['compiled_code']}")
        return con
