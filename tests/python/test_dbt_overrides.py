"""The dbt internals this project overrides (macros/overrides/) are pinned to the upstream
macros they copy, wrap or rely on: when an upgrade of dbt-core or dbt-bigquery changes that
macro, this test fails, naming the file and what to re-check in the override.

The hash covers the upstream macro's own text (``{% macro NAME(...) %} ... {% endmacro %}``),
so other macros of the same upstream file may change freely.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

import dbt.include  # the installed dbt-core; dbt-bigquery and dbt-duckdb add their folders beside its own

INCLUDE = Path(dbt.include.__path__[0])
PROJECT = Path(__file__).resolve().parents[2]

# override in macros/overrides/, upstream file (under dbt/include/), upstream macros it copies, their sha256
PINNED = [
    ("tests_window.sql", "global_project/macros/materializations/tests/where_subquery.sql",
     ["get_where_subquery", "default__get_where_subquery"],
     "get_where_subquery's dispatch and default__get_where_subquery's `where` subquery (dbt-core 1.12.0)",
     "c426fbf483d33205b0efcea3fae45d8db80cb0c07cf9f5c5e8f80b8c03b130d3"),
    ("bigquery_insert_overwrite.sql", "bigquery/macros/materializations/incremental_strategy/insert_overwrite.sql",
     ["bq_generate_incremental_insert_overwrite_build_sql"],
     "the body after the override's first block, the signature, and the static / dynamic branches "
     "(dbt-bigquery 1.12.1)",
     "583a929b7dea115bdad21b17a34c4a9f7367614d061e4b72964f74acb689287d"),
    ("record_column_types.sql", "global_project/macros/materializations/models/incremental/on_schema_change.sql",
     ["check_for_schema_changes", "default__check_for_schema_changes", "default__process_schema_changes"],
     "the dispatcher's signature, the keys of the changes it returns (new_target_types, target_columns, "
     "target_not_in_source), and that default__process_schema_changes still calls check_for_schema_changes by "
     "name (dbt-core 1.12.0)",
     "0a5e986a6a1ff5ecc759c3337c4ab253afae99a988ac232a28863084896cf92c"),
    ("record_column_types.sql", "bigquery/macros/materializations/models/incremental/on_schema_change.sql",
     ["bigquery__check_for_schema_changes", "bigquery__process_schema_changes"],
     "the keys of the changes bigquery__check_for_schema_changes returns, and that bigquery__process_schema_changes "
     "still calls check_for_schema_changes by name (dbt-bigquery 1.12.1)",
     "283a04f136936d555d6a1cd654e0ee41bddf865241c78f3add856dfe0f41bc16"),
]


def macro_text(source: str, name: str) -> str:
    found = re.search(r"\{%-?\s*macro\s+" + re.escape(name) + r"\(.*?\{%-?\s*endmacro\s*-?%\}", source, re.S)
    if found is None:
        raise AssertionError(f"macro {name} is gone from the upstream file")
    return found.group(0)


def upstream_hash(relative: str, macros: list[str]) -> str:
    source = (INCLUDE / relative).read_text(encoding="utf-8")
    return hashlib.sha256("\n".join(macro_text(source, name) for name in macros).encode("utf-8")).hexdigest()


@pytest.mark.parametrize(("override", "upstream", "macros", "recheck", "pinned"), PINNED,
                         ids=[f"{p[0]}:{p[1].split('/')[0]}" for p in PINNED])
def test_upstream_macro_is_the_one_the_override_copies(override, upstream, macros, recheck, pinned):
    assert (PROJECT / "macros" / "overrides" / override).is_file()
    assert upstream_hash(upstream, macros) == pinned, (
        f"dbt/include/{upstream}: upstream {', '.join(macros)} changed since macros/overrides/{override} copied it. "
        f"Re-check {recheck} against the new text, update the override, then pin the new hash here.")


def test_no_adapter_dispatches_its_own_where_subquery():
    """The override replaces the dispatcher itself: an adapter's own <adapter>__get_where_subquery would be hidden."""
    defined = sorted(str(f.relative_to(INCLUDE)) for f in INCLUDE.rglob("*.sql")
                     if re.search(r"macro\s+(?!default__)\w+__get_where_subquery\(", f.read_text(encoding="utf-8")))
    assert defined == [], f"{defined}: an adapter now has its own get_where_subquery; merge it into tests_window.sql"


def test_every_adapter_checks_schema_changes_through_pinned_macros():
    """record_column_types.sql is reached through <adapter>__process_schema_changes and reads what
    <adapter>__check_for_schema_changes returns: an adapter's new own one, which the pins above do not cover, may not
    call check_for_schema_changes by name or return its keys, and the record's columns would go unchecked."""
    defined = sorted(name for f in INCLUDE.rglob("*.sql") for name in re.findall(
        r"macro\s+(\w+__(?:process|check_for)_schema_changes)\(", f.read_text(encoding="utf-8")))
    assert defined == ["bigquery__check_for_schema_changes", "bigquery__process_schema_changes",
                       "default__check_for_schema_changes", "default__process_schema_changes"], (
        f"{defined}: re-check each against macros/overrides/record_column_types.sql, then pin it above")


def test_graph_is_the_dict_every_node_of_an_invocation_shares():
    """invocation_cache() (macros/incremental.sql) keeps values asked at compile time, a table's test window among
    them, in `graph`, which dbt-core 1.12 gives every node's context as the same dict (manifest.flat_graph). Should a
    dbt upgrade hand each node a copy, the values stay right but are asked again each time (about 0.6 s of a daily
    cycle): re-check the cache."""
    import dbt.context.providers

    source = Path(dbt.context.providers.__file__).read_text(encoding="utf-8")
    graph = re.search(r"def graph\(self\)[^\n]*\n(.*?)\n    @", source, re.S)
    assert graph is not None, "dbt.context.providers has no `graph` context property any more: re-check tests_window.sql"
    body = [line.strip() for line in graph.group(1).splitlines() if line.strip().startswith("return")]
    assert body == ["return self.manifest.flat_graph"], (
        f"the `graph` of a node's context is now {body}: check that invocation_cache() is still shared "
        "between the nodes of one invocation, then update this test")
