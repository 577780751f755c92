"""The published endpoints, read from dbt's ``target/manifest.json``.

A model is published when its ``config.meta.publish`` (or ``meta.publish``)
exists. The declaration is validated here; errors name the model and the key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from publisher.documents import SpecError, placeholders, validate_path_template, validate_spec

GROUPS = ("after-predictions", "hourly", "daily", "live")
PUBLISH_KEYS = {"path", "cache_control", "group", "document"}
CACHE_CONTROL = {"public": re.compile(r"public, max-age=\d+"), "admin": re.compile(r"private, max-age=\d+")}


class CatalogError(ValueError):
    """The manifest or a publish declaration is unusable."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    relation: str
    path_template: str
    cache_control: str
    group: str
    document: dict
    visibility: str  # 'public' or 'admin'
    upstream: frozenset[str]  # unique_ids of every upstream node, for a run-results gate
    unique_id: str = ""

    @property
    def placeholders(self) -> tuple[str, ...]:
        return placeholders(self.path_template)


def load_manifest(project_dir: str | Path) -> dict:
    file = Path(project_dir) / "target" / "manifest.json"
    if not file.is_file():
        raise CatalogError(f"{file} not found: run dbt (parse, build) first")
    return json.loads(file.read_text(encoding="utf-8"))


def publish_declaration(node: dict) -> dict | None:
    meta = (node.get("config") or {}).get("meta") or {}
    declaration = meta.get("publish")
    return declaration if declaration is not None else (node.get("meta") or {}).get("publish")


def upstream_ids(unique_id: str, nodes: dict[str, dict]) -> frozenset[str]:
    """Every node (and source) the given node depends on, transitively."""
    seen: set[str] = set()
    pending = list(nodes[unique_id].get("depends_on", {}).get("nodes", []))
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.add(current)
            pending.extend(nodes.get(current, {}).get("depends_on", {}).get("nodes", []))
    return frozenset(seen)


def endpoint_from_node(unique_id: str, nodes: dict[str, dict]) -> Endpoint:
    node = nodes[unique_id]
    name = node.get("name", unique_id)
    declaration = publish_declaration(node)
    try:
        if not isinstance(declaration, dict):
            raise SpecError(f"publish must be a mapping, got {declaration!r}")
        unknown = sorted(set(declaration) - PUBLISH_KEYS)
        missing = sorted(PUBLISH_KEYS - set(declaration))
        if unknown or missing:
            raise SpecError(f"unknown key {unknown[0]!r}" if unknown else f"missing key {missing[0]!r}")
        path = declaration["path"]
        validate_path_template(path)
        visibility = "admin" if path.startswith("admin/") else "public"
        cache_control = declaration["cache_control"]
        if not isinstance(cache_control, str) or not CACHE_CONTROL[visibility].match(cache_control):
            prefix = "private" if visibility == "admin" else "public"
            raise SpecError(f"cache_control {cache_control!r}: a {visibility} path needs '{prefix}, max-age=N'")
        if declaration["group"] not in GROUPS:
            raise SpecError(f"group {declaration['group']!r} is not one of {', '.join(GROUPS)}")
        validate_spec(declaration["document"])
        if not node.get("relation_name"):
            raise SpecError("the model has no relation (ephemeral?)")
    except SpecError as error:
        raise CatalogError(f"model {name} ({unique_id}): publish: {error}") from error
    return Endpoint(name, node["relation_name"], path, cache_control, declaration["group"],
                    declaration["document"], visibility, upstream_ids(unique_id, nodes), unique_id)


def endpoints_from_manifest(manifest: dict) -> list[Endpoint]:
    nodes = manifest.get("nodes", {})
    endpoints = [endpoint_from_node(uid, nodes) for uid, node in nodes.items()
                 if node.get("resource_type") == "model" and publish_declaration(node) is not None]
    by_path: dict[str, str] = {}
    for endpoint in endpoints:
        other = by_path.setdefault(endpoint.path_template, endpoint.name)
        if other != endpoint.name:
            raise CatalogError(f"models {other} and {endpoint.name} both publish {endpoint.path_template!r}")
    return sorted(endpoints, key=lambda e: e.name)


def load_endpoints(project_dir: str | Path = ".") -> list[Endpoint]:
    return endpoints_from_manifest(load_manifest(project_dir))
