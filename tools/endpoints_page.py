"""docs/endpoints.md, the page the website team reads, generated from the endpoints' JSON Schemas.

    .venv/bin/python -m tools.endpoints_page [--project-dir .] [--write]

Every endpoint (public, then admin, then latest.json) with its path, cache-control, trigger group and
every field of its schema (type, nullability, allowed values, description). The schemas come from the
publish declarations and contracts of target/manifest.json (run `dbt parse` first), as
`python -m publisher.cli schemas` generates them. Without --write, exit 1 when the page differs.
A development tool: documentation, never published, so it lives outside the publisher package
(`make schemas` runs it after `python -m publisher.cli schemas --write`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from publisher.catalog import LATEST_SCHEMA, CatalogError, Endpoint, endpoints_from_manifest, load_manifest, schema_file
from publisher.schemas import SchemaError, compare_with_repo, endpoint_schema, latest_schema, published_path

DOCS_PAGE = "docs/endpoints.md"
PAGE_HEAD = """# Published endpoints

Generated from the JSON Schemas in `schemas/` (themselves generated from each mart's publish
declaration and contract: types, nullability, the values of its `accepted_values` tests, its column
docs) by `python -m tools.endpoints_page --write` (`make schemas`); do not edit.
`python -m tools.endpoints_page` fails when this page differs from what the contracts generate. Paths
are relative to `v1/` of a destination (contract §4); the schemas are published beside the files, under
`v1/schemas/` (the admin ones under `v1/admin/schemas/`, in the private destination).
`v1/manifest.json` (`public, max-age=30`; in the admin destination `private, max-age=30`) lists
every object of its destination with its content hash and generation.
"""


def endpoints_page(endpoints: list[Endpoint]) -> str:
    """docs/endpoints.md: every endpoint (public, then admin) with its cache-control, trigger group and every field
    of its schema (type, null or not, allowed values, description), then latest.json."""
    lines = [PAGE_HEAD]
    latest = ("latest.json", "public, max-age=60", "every run", latest_schema(e.latest_key for e in endpoints if e.latest_key))
    for audience, title in (("public", "Public (the public destination)"), ("admin", "Admin (the private destination)")):
        lines.append(f"## {title}\n")
        listed = [(e.path_template, e.cache_control, e.group, endpoint_schema(e)) for e in endpoints if e.visibility == audience]
        for path, cache_control, group, schema in listed + ([latest] if audience == "public" else []):
            lines += [f"### `{path}`\n", f"Cache-Control `{cache_control}`, trigger group `{group}`, schema "
                      f"`{published_path(schema_file(path) if path != latest[0] else LATEST_SCHEMA)}`.\n",
                      "| field | type | null | values | description |", "|---|---|---|---|---|",
                      *_field_rows(schema, ""), ""]
    return "\n".join(lines)


def _field_rows(schema: Mapping[str, Any], prefix: str) -> Iterator[str]:
    for key, field in schema.get("properties", {}).items():
        types = field["type"] if isinstance(field["type"], list) else [field["type"]]
        kind = field.get("format", types[0])
        names, children = field.get("propertyNames", {}), field.get("items") or field.get("additionalProperties")
        if isinstance(children, dict):
            keys = ", ".join(f"`{v}`" for v in names.get("enum", [])) or names.get("format", "text")
            kind = f"list of objects ({prefix}{key}[])" if kind == "array" else f"object by key ({keys})"
        values = ", ".join("`null`" if v is None else f"`{v}`" for v in field.get("enum", []))
        yield (f"| `{prefix}{key}` | {kind} | {'yes' if 'null' in types else 'no'} | {values} | "
               f"{field.get('description', '')} |")
        if isinstance(children, dict):
            yield from _field_rows(children, f"{prefix}{key}{'[]' if field['type'] == 'array' else '.*'}.")
        elif "properties" in field:
            yield from _field_rows(field, f"{prefix}{key}.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.endpoints_page", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project-dir", default=".", help="dbt project folder holding target/manifest.json")
    parser.add_argument("--write", action="store_true", help=f"write {DOCS_PAGE} when it differs")
    args = parser.parse_args(argv)
    try:
        page = endpoints_page(endpoints_from_manifest(load_manifest(args.project_dir))).encode("utf-8")
    except (CatalogError, SchemaError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    problems = compare_with_repo(Path(args.project_dir), {DOCS_PAGE: page}, orphans=False, write=args.write)
    for problem in problems:
        print(f"fixed {problem}" if args.write else problem, file=sys.stderr)
    print(f"{DOCS_PAGE}: {'up to date' if not problems else 'written' if args.write else 'OUT OF DATE (--write)'}",
          file=sys.stderr)
    return 1 if problems and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
