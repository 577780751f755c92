"""JSON Schema of every endpoint, generated from its declaration and its mart contract (a column without a
not_null constraint may be null; every declared key is required, no other), committed under schemas/, and the
validator of the documents."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import jsonschema_rs

from publisher.catalog import LATEST_SCHEMA, SCHEMA_DIR, SCHEMA_SUFFIX, Column, Endpoint
from publisher.documents import Node

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
CONTEXT_VALUES = {  # run context values ("@name" nodes): kind, description
    "generated_at": ("timestamp", "When the publisher wrote this file (UTC); unchanged files keep theirs."),
    "updated_at": ("timestamp", "When the publisher last wrote this file (UTC)."),
}
TYPE_NAMES = {
    "string": ("string", "text", "varchar", "char", "character varying", "character", "bpchar"),
    "integer": ("int64", "integer", "int", "bigint", "smallint", "tinyint", "hugeint", "int32", "int16", "int8",
                "int4", "int2", "ubigint", "uinteger", "usmallint", "utinyint"),
    "number": ("float64", "double", "double precision", "float", "float4", "float8", "real", "numeric",
               "decimal", "bignumeric", "bigdecimal", "number"),
    "date": ("date",),
    "timestamp": ("timestamp", "timestamptz", "timestamp with time zone", "timestamp without time zone",
                  "datetime", "timestamp_ns", "timestamp_ms", "timestamp_s"),
    "boolean": ("boolean", "bool"),
}
KIND_OF_TYPE = {name: kind for kind, names in TYPE_NAMES.items() for name in names}
JSON_OF_KIND: dict[str, dict[str, Any]] = {
    "string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
    "date": {"type": "string", "format": "date"}, "timestamp": {"type": "string", "format": "date-time"},
    "boolean": {"type": "boolean"}}
Model = tuple[str, dict[str, Column]]  # whose columns a node reads: the root model's or a part's


class SchemaError(ValueError):
    """A schema cannot be generated (undeclared column, unknown type)."""


def column_kind(data_type: str | None) -> str | None:
    """'DECIMAL(4,1)' -> 'number'; None for an unknown or missing type."""
    return KIND_OF_TYPE.get(re.sub(r"\(.*\)$", "", str(data_type).strip().lower()).strip()) if data_type else None


def _column_schema(model: Model, column: str, where: str, digits: int | None = None) -> dict:
    name, columns = model
    declared = columns.get(column)
    if declared is None:
        raise SchemaError(f"model {name}: {where} reads column {column!r}, which its contract does not declare")
    kind = column_kind(declared.data_type)
    if kind is None:
        raise SchemaError(f"model {name}: column {column!r} has data_type {declared.data_type!r}, "
                          f"not one of {', '.join(sorted(KIND_OF_TYPE))}")
    if digits is not None and kind in ("integer", "number"):
        kind = "integer" if digits == 0 else "number"
    schema = JSON_OF_KIND[kind]
    schema = dict(schema) if declared.not_null else {**schema, "type": [schema["type"], "null"]}
    if declared.values is not None:  # accepted_values lets null through
        schema["enum"] = [*declared.values, *([] if declared.not_null else [None])]
    return {**schema, "description": declared.description} if declared.description else schema


def _object_schema(endpoint: Endpoint, model: Model, node: Node, where: str) -> dict:
    properties = {key: _node_schema(endpoint, model, child, f"{where}.{key}") for key, child in node.fields.items()}
    return {"type": "object", "properties": properties, "required": list(node.fields), "additionalProperties": False}


def _node_schema(endpoint: Endpoint, model: Model, node: Node, where: str) -> dict:
    """A node's schema; columns are typed by the contract of the model the node reads (the root or a part)."""
    if node.kind in ("column", "value"):
        return _column_schema(model, node.name, where, node.digits)
    if node.kind == "context":
        if node.name not in CONTEXT_VALUES:
            raise SchemaError(f"model {endpoint.name}: {where}: unknown run context value '@{node.name}'")
        kind, description = CONTEXT_VALUES[node.name]
        return {**JSON_OF_KIND[kind], "description": description}
    if node.part:
        model = (node.part, endpoint.parts[node.part].columns)
    element = _object_schema(endpoint, model, node, where)
    if node.kind == "object":
        return {**element, "type": ["object", "null"]} if node.null_if else element
    if node.kind == "list":
        return {"type": "array", "items": element}
    key = _column_schema(model, node.name, where)  # a map: its keys are the map column's values, as text
    names: dict[str, Any] | None = {"date": {"format": "date"}, "integer": {"pattern": r"^-?[0-9]+$"}}.get(
        column_kind(model[1][node.name].data_type) or "")
    if "enum" in key:
        names = {"enum": [str(value) for value in key["enum"] if value is not None]}
    return {"type": "object", "additionalProperties": element, **({"propertyNames": names} if names else {})}


def endpoint_schema(endpoint: Endpoint) -> dict:
    """The JSON Schema of every document of the endpoint (deterministic)."""
    return {"$schema": SCHEMA_DIALECT, "title": endpoint.path_template,
            "$comment": "Generated from the publish declaration and contract of "  # a public file names no table
                        f"{'model ' + endpoint.name if endpoint.visibility == 'admin' else 'its mart'} "
                        "by `python -m publisher.cli schemas --write`; do not edit.",
            **_object_schema(endpoint, (endpoint.name, endpoint.columns), endpoint.tree, "document")}


def latest_schema(prefixes: Iterable[str]) -> dict:
    """The JSON Schema of v1/latest.json: each public {date} endpoint's newest published date, by its prefix."""
    dates = {prefix: dict(JSON_OF_KIND["date"]) for prefix in sorted(prefixes)}
    return {"$schema": SCHEMA_DIALECT, "title": "latest.json",
            "$comment": "Generated from the public {date} endpoints by `python -m publisher.cli schemas --write`; "
                        "do not edit.",
            "type": "object",
            "properties": {"generated_at": dict(JSON_OF_KIND["timestamp"]),
                           "dates": {"type": "object", "properties": dates, "additionalProperties": False}},
            "required": ["generated_at", "dates"], "additionalProperties": False}


def published_path(relative: str) -> str:
    """Where a schema file (relative to schemas/) is published, relative to v1/."""
    if relative.startswith("admin/"):
        return f"admin/{SCHEMA_DIR}/{relative.removeprefix('admin/')}"
    return f"{SCHEMA_DIR}/{relative}"


def pretty(value: Any, level: int = 0) -> str:
    """Indented JSON, with lists of scalars (types, required keys) kept on one line."""
    pad = "  " * level
    flat = isinstance(value, dict) and not any(isinstance(v, dict) or (isinstance(v, list) and any(
        isinstance(x, (dict, list)) for x in v)) for v in value.values())
    if isinstance(value, dict) and value and not flat:
        items = [f"{pad}  {json.dumps(k, ensure_ascii=False)}: {pretty(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(f"{pad}  {pretty(v, level + 1)}" for v in value) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def schema_bytes(schema: Mapping[str, Any]) -> bytes:
    """The committed (and published) form: indented, keys in generated order, UTF-8, final newline."""
    return (pretty(schema) + "\n").encode("utf-8")


def all_schema_files(endpoints: list[Endpoint]) -> dict[str, bytes]:
    """Every committed schema, schemas/-relative file name -> bytes: the endpoints' (one file each: the catalog
    refuses two endpoints whose paths give one schema file), then latest.json's."""
    files = {endpoint.schema_file: schema_bytes(endpoint_schema(endpoint)) for endpoint in endpoints}
    return {**files, LATEST_SCHEMA: schema_bytes(latest_schema(e.latest_key for e in endpoints if e.latest_key))}


def compare_with_repo(schema_dir: Path, expected: Mapping[str, bytes], orphans: bool = True,
                      write: bool = False) -> list[str]:
    """Missing and differing files of the repo's schemas/ (and with ``orphans`` the unexpected ones);
    with ``write``, each is fixed: written from the generated schema, or removed."""
    found = []
    for name, data in expected.items():
        file = schema_dir / name
        if not file.is_file():
            found.append(f"{file}: missing")
        elif file.read_bytes() != data:
            found.append(f"{file}: differs from the schema generated from the contract")
        else:
            continue
        if write:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)
    files = sorted(schema_dir.rglob(f"*{SCHEMA_SUFFIX}")) if orphans and schema_dir.is_dir() else []
    for file in [file for file in files if file.relative_to(schema_dir).as_posix() not in expected]:
        found.append(f"{file}: no published model has this schema")
        if write:
            file.unlink()
    return found


class Validator:
    """A document's JSON Schema (Draft 2020-12) violations: jsonschema-rs, compiled once per schema, checks
    formats as the standard has them (a date that does not exist is not a "date"); a document it accepts
    costs one call. That every generated schema is valid Draft 2020-12 is a test (test_publisher_schemas),
    not a check repeated by every run."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self.compiled = jsonschema_rs.Draft202012Validator(dict(schema), validate_formats=True)

    def validate(self, file_path: str, doc: Any, limit: int = 10,
                 origin: Callable[[Sequence[str | int]], str] | None = None) -> list[str]:
        """The schema violations of one (JSON-native) document, each naming the key path (and, with ``origin``, the
        mart and column it comes from) and the value."""
        if self.compiled.is_valid(doc):
            return []
        errors = sorted(self.compiled.iter_errors(doc), key=lambda e: [str(p) for p in e.instance_path])[:limit]
        return [f"{file_path}: {_key_path(e.instance_path)}{f' ({origin(e.instance_path)})' if origin else ''}: "
                f"value {_shorten(repr(e.instance), 80)}: {_shorten(e.message, 200)}" for e in errors]


def _key_path(parts: Iterable[Any]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
