"""What dbt says. The published endpoints, from target/manifest.json: every model's ``config.meta.publish``,
checked (errors name the model and the key), with its contract, its parts and its upstream nodes and tests.
The run-results gate, from target/run_results.json and the build log: an endpoint is published only when the
build of those results built it (root and parts) and ran every data test of it and of everything upstream, and
no node it depends on failed or was skipped."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

from publisher.documents import (PLACEHOLDER, Node, SpecError, parse, placeholders, template_pattern,
                                 validate_path_template, walk)
from publisher.report import log

LATEST_SUFFIX = "/{date}.json"
# What the publisher writes besides the endpoints' documents, under v1/: the indexes, and the schemas (public ones
# under schemas/, admin ones under admin/schemas/). No endpoint may publish there.
MANIFEST_PATH, LATEST_PATH, SCHEMA_DIR = "manifest.json", "latest.json", "schemas"
SCHEMA_SUFFIX = ".schema.json"
LATEST_SCHEMA = "latest" + SCHEMA_SUFFIX  # the schema of latest.json
GROUPS = ("after-predictions", "hourly", "daily", "live")
REQUIRED_KEYS = {"path", "cache_control", "group", "document"}
PUBLISH_KEYS = REQUIRED_KEYS | {"as_of"}
CACHE_CONTROL = {"public": re.compile(r"public, max-age=\d+"), "admin": re.compile(r"private, max-age=\d+")}


class CatalogError(ValueError):
    """The manifest or a publish declaration is unusable."""


@dataclass(frozen=True)
class Column:
    data_type: str | None  # as the manifest has it (rendered for the target), None when undeclared
    not_null: bool  # a not_null constraint in the contract
    description: str = ""  # the column's doc
    values: tuple | None = None  # allowed values: its accepted_values data test (without a where), if any


@dataclass(frozen=True)
class Part:
    """A model a document takes some of its rows from (a ``from:`` node)."""
    unique_id: str
    relation: str
    columns: dict[str, Column] = field(default_factory=dict, compare=False)


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
    as_of: str | None = None  # column filtered on the run's as-of date
    columns: dict[str, Column] = field(default_factory=dict, compare=False)
    tests: frozenset[str] = frozenset()  # data tests on the model or anything upstream (not unit tests: code)
    parts: dict[str, Part] = field(default_factory=dict, compare=False)  # from: models, by name

    @cached_property
    def tree(self) -> Node:
        """The checked declaration (documents.parse)."""
        return parse(self.document)

    @property
    def placeholders(self) -> tuple[str, ...]:
        return placeholders(self.path_template)

    @cached_property
    def pattern(self) -> re.Pattern:
        """A regex matching the paths it publishes, a named group per placeholder."""
        return template_pattern(self.path_template)

    @property
    def latest_key(self) -> str | None:
        """Its key in v1/latest.json: 'picks/{date}.json' -> 'picks'; None unless public and dated."""
        dated = self.visibility == "public" and self.path_template.endswith(LATEST_SUFFIX)
        return self.path_template.removesuffix(LATEST_SUFFIX) if dated else None

    @property
    def schema_file(self) -> str:
        """Its JSON Schema's file, relative to schemas/: 'picks/{date}.json' -> 'picks.schema.json'."""
        return schema_file(self.path_template)


def schema_file(path_template: str) -> str:
    """'picks/{date}.json' -> 'picks.schema.json'; 'best-bets/all.json' -> 'best-bets/all.schema.json'."""
    parts = [PLACEHOLDER.sub("", part).strip("-_.") for part in path_template.removesuffix(".json").split("/")]
    if not any(parts):
        raise SpecError(f"path {path_template!r} has no name left once its placeholders are removed")
    return "/".join(part for part in parts if part) + SCHEMA_SUFFIX


def check_not_reserved(path_template: str) -> None:
    """An endpoint's path is not one the publisher writes itself, nor is its schema file latest.json's."""
    if path_template in (MANIFEST_PATH, LATEST_PATH) or path_template.removeprefix("admin/").startswith(
            f"{SCHEMA_DIR}/"):
        raise SpecError(f"path {path_template!r} is the publisher's own (v1/{MANIFEST_PATH}, v1/{LATEST_PATH}, "
                        f"v1/{SCHEMA_DIR}/, v1/admin/{SCHEMA_DIR}/): choose another path")
    if schema_file(path_template) == LATEST_SCHEMA:
        raise SpecError(f"path {path_template!r} would publish its schema as {LATEST_SCHEMA}, the schema of "
                        f"v1/{LATEST_PATH}: choose another path")


def target_dir(project_dir: str | Path) -> Path:
    """dbt's target folder: $DBT_TARGET_PATH (relative to the project dir) as dbt has it, else target/."""
    return Path(project_dir) / os.environ.get("DBT_TARGET_PATH", "target")


def load_manifest(project_dir: str | Path) -> dict:
    file = target_dir(project_dir) / "manifest.json"
    if not file.is_file():
        raise CatalogError(f"{file} not found: run dbt (parse, build) first")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):  # JSON, but not dbt's: every later read takes it for a mapping
            raise ValueError(f"a JSON {type(manifest).__name__}, not dbt's manifest object")
        return manifest
    except ValueError as error:  # a write cut short (disk full, a killed dbt): dbt writes it again
        raise CatalogError(f"{file}: unreadable ({error}): run dbt (parse, build) again") from None


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


def endpoint_from_node(unique_id: str, nodes: dict[str, dict], tests: Tests) -> Endpoint:
    node = nodes[unique_id]
    name = node.get("name", unique_id)
    declaration = publish_declaration(node)
    try:
        if not isinstance(declaration, dict):
            raise SpecError(f"publish must be a mapping, got {declaration!r}")
        unknown = sorted(set(declaration) - PUBLISH_KEYS)
        missing = sorted(REQUIRED_KEYS - set(declaration))
        if unknown or missing:
            raise SpecError(f"unknown key {unknown[0]!r}" if unknown else f"missing key {missing[0]!r}")
        path = declaration["path"]
        validate_path_template(path)
        check_not_reserved(path)
        visibility = "admin" if path.startswith("admin/") else "public"
        cache_control = declaration["cache_control"]
        if not isinstance(cache_control, str) or not CACHE_CONTROL[visibility].match(cache_control):
            prefix = "private" if visibility == "admin" else "public"
            raise SpecError(f"cache_control {cache_control!r}: a {visibility} path needs '{prefix}, max-age=N'")
        if declaration["group"] not in GROUPS:
            raise SpecError(f"group {declaration['group']!r} is not one of {', '.join(GROUPS)}")
        tree = parse(declaration["document"])
        as_of = declaration.get("as_of")
        if as_of is not None and (not isinstance(as_of, str) or not re.fullmatch(r"[A-Za-z_]\w*", as_of)):
            raise SpecError(f"as_of must be a column name, got {as_of!r}")
        if not node.get("relation_name"):
            raise SpecError("the model has no relation (ephemeral?)")
        upstream = upstream_ids(unique_id, nodes)
        columns = contract_columns(unique_id, nodes, tests)
        parts = resolve_parts(tree, name, columns, upstream, nodes, tests,
                              [*placeholders(path), *([as_of] if as_of else [])])
    except SpecError as error:
        raise CatalogError(f"model {name} ({unique_id}): publish: {error}") from error
    # a part is a parent of the root (resolve_parts), so the root's upstream holds the part's own
    tested = frozenset(test for uid in upstream | {unique_id} for test in tests.on.get(uid, ()))
    return Endpoint(name, node["relation_name"], path, cache_control, declaration["group"],
                    declaration["document"], visibility, upstream, unique_id, as_of, columns, tested, parts)


def resolve_parts(tree: Node, root: str, root_columns: dict[str, Column], upstream: frozenset[str],
                  nodes: dict[str, dict], tests: Tests, filters: list[str]) -> dict[str, Part]:
    """The ``from:`` models of a declaration, checked: known, parents of the root, with the columns
    the run filters on and their join columns in their contracts."""
    by_name = {n.get("name"): uid for uid, n in nodes.items() if n.get("resource_type") == "model"}
    parts: dict[str, Part] = {}

    for path, node, model in walk(tree, root):
        if not node.part:
            continue
        uid = by_name.get(node.part)
        if uid is None or not nodes[uid].get("relation_name"):
            raise SpecError(f"{path}.from: unknown part {node.part!r} (no model with a relation of that name)")
        if uid not in upstream:
            raise SpecError(f"{path}.from: part {node.part} is not a parent of {root}: add "
                            f"`-- depends_on: {{{{ ref('{node.part}') }}}}` to {root}'s SQL, so "
                            "`dbt build --selector GROUP` builds and tests it")
        part = parts.setdefault(node.part, Part(uid, nodes[uid]["relation_name"], contract_columns(uid, nodes, tests)))
        enclosing = root_columns if model == root else parts[model].columns  # the enclosing rows' contract
        needs = [(model, enclosing, c, "join column") for c in node.join[0]]
        needs += [(node.part, part.columns, c, "join column") for c in node.join[1]]
        needs += [(node.part, part.columns, c, "filter column (path placeholder or as_of)") for c in filters]
        for owner, contract, column, role in needs:
            if column not in contract:
                raise SpecError(f"{path}.join: model {owner} has no {role} {column!r} in its contract")
    return parts


def contract_columns(unique_id: str, nodes: dict[str, dict], tests: Tests) -> dict[str, Column]:
    columns = {}
    for name, column in (nodes[unique_id].get("columns") or {}).items():
        name = column.get("name") or name
        constraints = [c.get("type") for c in column.get("constraints") or [] if isinstance(c, dict)]
        description = " ".join(str(column.get("description") or "").split())
        columns[name] = Column(column.get("data_type"), "not_null" in constraints, description,
                               tests.values.get((unique_id, name)))
    return columns


@dataclass
class Tests:
    """The manifest's data tests (unit tests test code: data builds exclude them): unique_id -> the tests that
    depend on it, and (model, column) -> the values of its accepted_values test."""
    on: dict[str, set[str]] = field(default_factory=dict)
    values: dict[tuple[str, str], tuple] = field(default_factory=dict)

    @classmethod
    def of(cls, manifest: dict) -> Tests:
        found = cls()
        for uid, test in manifest.get("nodes", {}).items():
            if test.get("resource_type") != "test":
                continue
            for parent in (test.get("depends_on") or {}).get("nodes", []):
                found.on.setdefault(parent, set()).add(uid)
            metadata = test.get("test_metadata") or {}
            if metadata.get("name") == "accepted_values" and not (test.get("config") or {}).get("where"):
                values = (metadata.get("kwargs") or {}).get("values")
                found.values[(test.get("attached_node"), test.get("column_name"))] = tuple(values or ())
        return found


def endpoints_from_manifest(manifest: dict) -> list[Endpoint]:
    nodes, tests = manifest.get("nodes", {}), Tests.of(manifest)
    endpoints = [endpoint_from_node(uid, nodes, tests) for uid, node in nodes.items()
                 if node.get("resource_type") == "model" and publish_declaration(node) is not None]
    by_path: dict[str, Endpoint] = {}
    for endpoint in endpoints:
        for key in (endpoint.path_template, endpoint.schema_file):
            other = by_path.setdefault(key, endpoint)
            if other is endpoint:
                continue
            if key == endpoint.path_template:
                raise CatalogError(f"models {other.name} and {endpoint.name} both publish {key!r}")
            raise CatalogError(f"models {other.name} and {endpoint.name} both publish their schema as {key} (paths "
                               f"{other.path_template!r} and {endpoint.path_template!r}): rename one path")
    return sorted(endpoints, key=lambda e: e.name)


def select_endpoints(endpoints: list[Endpoint], only: set[str] | None, group: str | None) -> list[Endpoint]:
    """The endpoints named in ``only`` (None: all) of ``group`` (None: any); an unknown name is an error."""
    unknown = sorted((only or set()) - {e.name for e in endpoints})
    if unknown:
        raise CatalogError(f"--only: no published model named {', '.join(unknown)}; the published models are "
                           f"{', '.join(sorted(e.name for e in endpoints))}")
    return [e for e in endpoints if (only is None or e.name in only) and group in (None, e.group)]


# The run-results gate: target/run_results.json of the build that built the endpoints, and the build log.
BLOCKING_STATUSES = frozenset({"error", "fail", "skipped", "runtime error"})
GATE = "run-results gate: "
SHOWN_TESTS = 3  # nodes named in a refusal; the rest are counted


class GateError(RuntimeError):
    """run_results.json is missing or unreadable."""


@dataclass(frozen=True)
class RunResults:
    file: Path
    statuses: dict[str, tuple[str, str]]  # unique_id -> (status, first line of the message)
    invocation: str
    command: str  # dbt's subcommand: build, run, test, ...


def load_run_results(file: Path) -> RunResults:
    if not file.is_file():
        raise GateError(f"{file} not found: run dbt build before publishing (or --allow-failed-upstream)")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        statuses = {r["unique_id"]: (str(r.get("status")), first_line(r.get("message"))) for r in data["results"]}
        return RunResults(file, statuses, str(data["metadata"].get("invocation_id")),
                          str(data.get("args", {}).get("which")))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise GateError(f"{file}: unreadable run results: {error}") from error


def first_line(message: object) -> str:
    lines = str(message or "").strip().splitlines()
    return lines[0][:200] if lines else ""


def refusals(endpoints: list[Endpoint], results: RunResults, builds: dict[str, tuple[str, str]],
             log_relation: str) -> dict[str, set[str]]:
    """Why each endpoint may not be published, root causes first: cause -> the endpoints it blocks. The build whose
    results these are must have built the endpoint's relations (root and parts: ``builds``, relation -> (invocation,
    finished at), from the build log of dbt's on-run-end hook) and run every data test of the endpoint or anything
    upstream of it, with no failed or skipped node among them. A failed node is a cause of its own; the nodes dbt
    skipped after it are one cause per set of endpoints they block, and a relation whose node failed or was skipped
    is not named again for the build log: on-call reads the root cause first, not under a hundred consequences."""
    causes: dict[str, set[str]] = {}
    skipped: dict[str, set[str]] = {}  # a skipped node -> the endpoints it blocks
    file, statuses = results.file, results.statuses
    for endpoint in endpoints:
        for uid in sorted((endpoint.upstream | endpoint.tests | {endpoint.unique_id}) & statuses.keys()):
            status, message = statuses[uid]
            if status in BLOCKING_STATUSES:
                cause = f"{file}: {uid}: status {status!r}" + (f": {message}" if message else "")
                (skipped.setdefault(uid, set()) if status == "skipped" else causes.setdefault(cause, set())).add(
                    endpoint.name)
    for names in dict.fromkeys(frozenset(blocked) for blocked in skipped.values()):  # in order, each set once
        uids = sorted(uid for uid, blocked in skipped.items() if blocked == names)
        causes[f"{file}: {len(uids)} node(s) skipped: {listed(uids)}"] = set(names)
    missing = {e.name: e.tests - statuses.keys() for e in endpoints}
    if union := sorted(set().union(*missing.values())):
        causes[f"{file} (`dbt {results.command}`, invocation {results.invocation}): {len(union)} data test(s) "
               f"upstream did not run: {listed(union)}; publish after a `dbt build` that selects them (`dbt build "
               "--selector GROUP`)"] = {name for name, tests in missing.items() if tests}
    for endpoint in endpoints:
        for uid, relation in [(endpoint.unique_id, endpoint.relation),
                              *((part.unique_id, part.relation) for part in endpoint.parts.values())]:
            invocation, finished = builds.get(relation, (None, None))
            if invocation == results.invocation or statuses.get(uid, ("",))[0] in BLOCKING_STATUSES:
                continue  # built by this build, or its node failed or was skipped: a cause above
            causes.setdefault(
                f"{relation}: no build of it in the build log {log_relation}: run `dbt build`, which records it"
                if invocation is None else f"{relation} was last built by invocation {invocation} (at {finished}), "
                f"not by the build of {file} (invocation {results.invocation}): publish right after the build that "
                "builds it", set()).add(endpoint.name)
    return causes


def listed(ids: list[str]) -> str:
    """The first SHOWN_TESTS ids, then how many more."""
    return ", ".join(ids[:SHOWN_TESTS]) + (f" and {len(ids) - SHOWN_TESTS} more" if len(ids) > SHOWN_TESTS else "")


def gate(endpoints: list[Endpoint], file: Path, last_builds: Callable[[], tuple[str, dict[str, tuple[str, str]]]],
         override: bool) -> dict[str, list[str]]:
    """The gate's failures, by endpoint name, each cause logged once, first, then what it blocked;
    ``override`` (--allow-failed-upstream) only warns, loudly."""
    try:
        results = load_run_results(file)
        log_relation, builds = last_builds()
        causes = refusals(endpoints, results, builds, log_relation)
    except Exception as error:  # noqa: BLE001 - no run results, or no build log: every endpoint is blocked
        causes = {str(error) if isinstance(error, GateError) else
                  f"cannot read the build log: {error}; run `dbt build` (its on-run-end hook record_builds "
                  "writes it)": {e.name for e in endpoints}}
    blocked = sorted(set().union(*causes.values()))
    prefix = "WARNING: --allow-failed-upstream: ignoring " if override else "FAILED "
    for cause in causes:
        log(f"{prefix}{GATE}{cause}")
    if blocked and not override:
        log(f"FAILED {GATE}{len(causes)} cause(s) above blocked {len(blocked)} endpoint(s): {', '.join(blocked)}")
        return {name: [GATE + cause for cause, names in causes.items() if name in names] for name in blocked}
    if override:
        log("WARNING: " + "!" * 70)
        log(f"WARNING: run-results gate OVERRIDDEN (--allow-failed-upstream): {len(causes)} cause(s) ignored, "
            f"{len(blocked)} endpoint(s) published anyway")
        log("WARNING: " + "!" * 70)
    return {}
