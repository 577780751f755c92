"""Fold flat mart rows into JSON documents, following a model's publish declaration.

A declaration maps output keys (in order) to nodes:

* ``"col"``                                     the value of column ``col`` in the first row
* ``"@name"``                                   a run context value (``@generated_at``)
* ``{column: col, round: n}``                   the column, rounded half away from zero (null stays null)
* ``{fields: {...}, null_if: col?}``            a nested object over the same rows
* ``{list: [keys], order_by: [...]?, fields}``  one element per distinct non-null key tuple
* ``{map: col, order_by: [...]?, fields}``      an object keyed by the column's value

``order_by`` sorts ascending, descending with a leading ``-``; None sorts last; ties break on the key.
A list, map or object node may take its rows from another model (a *part*, read for the same file):
``from: MODEL`` with ``join: [col, ...]`` or ``join: {parent_col: part_col}`` selects the part's rows
whose join columns equal the enclosing rows'. ``parse`` checks a declaration once, into ``Node``s.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from operator import itemgetter
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

Row = Mapping[str, Any]
JOIN_KEYS = {"from", "join"}  # not `on`: YAML 1.1 (dbt, PyYAML) reads a bare on as true
NODE_KEYS = {
    "value": {"column", "round"},
    "object": {"fields", "null_if"} | JOIN_KEYS,
    "list": {"list", "order_by", "fields"} | JOIN_KEYS,
    "map": {"map", "order_by", "fields"} | JOIN_KEYS,
}
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SAFE_PATH_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class SpecError(ValueError):
    """The publish declaration is malformed."""


class FoldError(ValueError):
    """The rows do not fit the declaration (missing column, bad path value, ...)."""


@dataclass(frozen=True)
class Node:
    """One checked declaration node: column, context, value, object, list or map."""
    kind: str
    name: str = ""  # the column of a column / value node, the context value's name, the map column
    digits: int | None = None  # value: round to this many decimals
    keys: tuple[str, ...] = ()  # list: the key columns; map: its column
    order_by: tuple[str, ...] = ()  # '-col' sorts descending
    null_if: str | None = None
    part: str | None = None  # from: the model whose rows this node reads
    join: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # (enclosing rows' columns, the part's), pairwise
    fields: dict[str, Node] = field(default_factory=dict)

    @cached_property
    def columns(self) -> tuple[tuple[str, ...], Callable[[Row], tuple]]:
        """The keys of its fields that are bare columns, and what reads their values from a row at once."""
        keys = tuple(key for key, child in self.fields.items() if child.kind == "column")
        return keys, getter([self.fields[key].name for key in keys])

    @cached_property
    def join_key(self) -> Callable[[Row], tuple]:
        """Reads the join columns of an enclosing row (a part's node)."""
        return getter(self.join[0])

    @cached_property
    def nested(self) -> list[tuple[str, Node]]:
        """Its other fields (context, value, object, list, map), in declared order."""
        return [(key, child) for key, child in self.fields.items() if child.kind != "column"]


def getter(columns: Sequence[str]) -> Callable[[Row], tuple]:
    """row -> the tuple of its values of ``columns``, read by itemgetter (in C; for one column it gives the bare
    value, hence the wrapper)."""
    if len(columns) == 1:
        read = itemgetter(columns[0])
        return lambda row: (read(row),)
    return itemgetter(*columns) if columns else lambda row: ()


def parse(fields: Any, where: str = "document") -> Node:
    """A declaration (a mapping of output keys to nodes) as an object Node; SpecError names the bad key."""
    if not isinstance(fields, dict) or not fields:
        raise SpecError(f"{where}: fields must be a non-empty mapping, got {fields!r}")
    for key in fields:
        if not isinstance(key, str) or not key:
            raise SpecError(f"{where}: output keys must be non-empty strings, got {key!r}")
    return Node("object", fields={key: _parse_node(node, f"{where}.{key}") for key, node in fields.items()})


def _parse_node(node: Any, path: str) -> Node:
    if isinstance(node, str) and node.startswith("@"):
        if not re.fullmatch(r"@[A-Za-z_]\w*", node):
            raise SpecError(f"{path}: bad context name {node!r}")
        return Node("context", node[1:])
    if isinstance(node, str) and node:
        return Node("column", node)
    if not isinstance(node, dict):
        raise SpecError(f"{path}: unknown node form {node!r}")
    kinds = [kind for kind, marker in (("list", "list"), ("map", "map"), ("value", "column")) if marker in node]
    kinds = kinds or (["object"] if "fields" in node else [])
    if len(kinds) != 1:
        raise SpecError(f"{path}: unknown node form with keys {sorted(node)}")
    kind = kinds[0]
    extra = sorted(set(node) - NODE_KEYS[kind])
    if extra:
        raise SpecError(f"{path}: unknown key {extra[0]!r} in a {kind} node")
    if kind == "value":
        digits = node.get("round")
        if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 0):
            raise SpecError(f"{path}.round: must be a non-negative integer, got {digits!r}")
        return Node("value", _names([node["column"]], f"{path}.column")[0], digits)
    keys = _names(node[kind] if kind == "list" else [node[kind]], f"{path}.{kind}") if kind != "object" else ()
    order_by = _names(node["order_by"], f"{path}.order_by", descending=True) if "order_by" in node else ()
    null_if = _names([node["null_if"]], f"{path}.null_if")[0] if "null_if" in node else None
    if "fields" not in node:
        raise SpecError(f"{path}: a {kind} node needs fields")
    if ("from" in node) != ("join" in node):
        raise SpecError(f"{path}: `from` and `join` go together (a part and its join columns)")
    part = _names([node["from"]], f"{path}.from")[0] if "from" in node else None
    join = _join_columns(node["join"], path) if part else ((), ())
    return Node(kind, keys[0] if kind == "map" else "", None, keys, order_by, null_if, part, join,
                parse(node["fields"], f"{path}.fields").fields)


def _names(names: Any, where: str, descending: bool = False) -> tuple[str, ...]:
    def ok(name: Any) -> bool:
        bare = name.removeprefix("-") if descending and isinstance(name, str) else name
        return isinstance(bare, str) and bool(bare) and not bare.startswith("-")

    if not isinstance(names, list) or not names or not all(ok(n) for n in names):
        raise SpecError(f"{where}: expected a non-empty list of column names, got {names!r}")
    return tuple(names)


def _join_columns(on: Any, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    pairs = list(on.items()) if isinstance(on, dict) else [(c, c) for c in on] if isinstance(on, list) else []
    if not pairs or not all(isinstance(c, str) and IDENTIFIER.fullmatch(c) for pair in pairs for c in pair):
        raise SpecError(f"{where}.join: expected a non-empty list of column names or a mapping "
                        f"parent column -> part column, got {on!r}")
    return tuple(a for a, _ in pairs), tuple(b for _, b in pairs)


def walk(root: Node, model: str, where: str = "document") -> Iterator[tuple[str, Node, str]]:
    """Every node below ``root``, depth first: (its key path, the node, the model whose rows enclose it)."""
    for key, node in root.fields.items():
        yield f"{where}.{key}", node, model
        yield from walk(node, node.part or model, f"{where}.{key}.fields")


def origin(root: Node, model: str, key_path: Sequence[str | int]) -> str:
    """Where the value at a document's key path comes from: 'mart MODEL, column COLUMN' (the model whose rows enclose
    it: ``model`` for the root, a part's name below its ``from``), for an error that names the table to correct."""
    node, column, item = root, None, False
    for step in key_path:
        if item:  # a list's index or a map's key: the element's fields come next
            item = False
            continue
        child = node.fields.get(str(step))
        if child is None:  # a key the declaration has not (an extra field): the enclosing rows
            break
        model, node = child.part or model, child
        column, item = (node.name if node.kind in ("column", "value") else None), node.kind in ("list", "map")
    return f"mart {model}" + (f", column {column}" if column else "")


def columns_by_model(root: Node, model: str) -> dict[str, set[str]]:
    """Every column a declaration reads, by model: ``model`` for the root, the part's name below ``from``."""
    found: dict[str, set[str]] = {model: set()}
    for _, node, parent in walk(root, model):
        found[parent].update([node.name] if node.kind in ("column", "value") else node.join[0])
        if node.kind in ("object", "list", "map"):
            below = found.setdefault(node.part or parent, set())
            below.update(node.join[1], node.keys, (column.removeprefix("-") for column in node.order_by))
            below.update([node.null_if] if node.null_if else [])
    return found


def fold(rows: Sequence[Row], root: Node, context: Mapping[str, Any], source: str = "rows",
         parts: Mapping[str, Sequence[Row]] | None = None) -> dict:
    """Build one document from its root rows and its parts' rows (pure). Raises FoldError naming ``source``."""
    if not rows:
        raise FoldError(f"{source}: no rows to build a document from")
    indexes: dict[tuple, dict[tuple, list[Row]]] = {}  # each part's rows by join key, made once per join

    def joined(part: str, columns: tuple[str, ...], key: tuple) -> list[Row]:
        if (part, columns) not in indexes:
            index = indexes[(part, columns)] = {}
            key_of = getter(columns)
            for row in (parts or {}).get(part, ()):
                index.setdefault(key_of(row), []).append(row)
        return indexes[(part, columns)].get(key, [])

    def fields(node: Node, rows: Sequence[Row]) -> dict:
        """An object over rows: its bare columns read from the first row at once, then the other fields; the keys
        in declared order (fromkeys places them, update keeps their places)."""
        keys, read = node.columns
        if not node.nested:  # bare columns only: one dict in C
            return dict(zip(keys, read(rows[0])))
        doc = dict.fromkeys(node.fields)
        doc.update(zip(keys, read(rows[0])))
        for key, child in node.nested:
            doc[key] = value(child, rows, key)
        return doc

    def value(node: Node, rows: Sequence[Row], key: str) -> Any:  # noqa: C901 - one branch per node form
        if node.kind == "context":
            if node.name not in context:
                raise FoldError(f"{source}: {key}: the run context has no value '@{node.name}'")
            return context[node.name]
        if node.kind == "value":
            try:
                return round_value(rows[0][node.name], node.digits)
            except FoldError as error:
                raise FoldError(f"{source}: {key}: {error}") from error
        if node.part:
            join_key, columns = node.join_key(rows[0]), node.join[1]
            rows = joined(node.part, columns, join_key)
            if not rows and node.kind == "object" and not node.null_if:
                raise FoldError(f"{source}: {key}: no row of part {node.part} where "
                                f"{', '.join(f'{c} = {v!r}' for c, v in zip(columns, join_key))}")
        if node.kind == "object":
            return None if node.null_if and (not rows or rows[0][node.null_if] is None) else fields(node, rows)
        groups = sorted_groups(rows, node.keys, node.order_by or node.keys, f"{source}: {key}")
        if node.kind == "list":
            return [fields(node, group) for group in groups]
        return {str(group[0][node.name]): fields(node, group) for group in groups}  # JSON-native: dates are text

    try:
        return fields(root, rows)
    except KeyError as error:
        raise FoldError(f"{source}: column {error.args[0]!r} declared in the document is not in the rows") from None


def sorted_groups(rows: Sequence[Row], keys: Sequence[str], order_by: Sequence[str], where: str) -> list[list[Row]]:
    """Rows grouped by key tuple (all-null keys dropped), sorted by order_by then key; None last."""
    if not rows:  # a part's node often joins no row
        return []
    groups: dict[tuple, list[Row]] = {}
    key_of, no_key = getter(keys), (None,) * len(keys)
    for row in rows:
        key = key_of(row)
        if key != no_key:
            groups.setdefault(key, []).append(row)
    ordered = list(groups.values())
    columns = [*order_by, *keys] if len(ordered) > 1 else []
    read = getter([column.removeprefix("-") for column in columns])
    if not any(c.startswith("-") for c in columns) and not any(None in read(group[0]) for group in ordered):
        with suppress(TypeError):  # all ascending, no None: one sort; values that cannot be ordered: see below
            ordered.sort(key=lambda group: read(group[0]))
            return ordered
    for column in reversed(columns):  # stable sorts, the last tie-breaker first
        name, descending = column.removeprefix("-"), column.startswith("-")
        try:  # (None last, value): reversed as a whole for a descending column, so None stays last
            ordered.sort(key=lambda group: ((group[0][name] is None) != descending, group[0][name]),  # noqa: B023
                         reverse=descending)
        except TypeError as error:
            raise FoldError(f"{where}: cannot order the values in column {name!r}: {error}") from error
    return ordered


def round_value(value: Any, digits: int | None) -> Any:
    """Round half away from zero on the decimal text; float for digits > 0, int for 0."""
    if value is None or digits is None:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise FoldError(f"cannot round non-number {value!r}")
    number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    if not number.is_finite():
        return float(number)
    rounded = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


def placeholders(path_template: str) -> tuple[str, ...]:
    """Column names of the ``{col}`` placeholders, in order."""
    return tuple(PLACEHOLDER.findall(path_template))


def template_pattern(path_template: str) -> re.Pattern:
    """'picks/{date}.json' -> a regex matching its paths, with a named group per placeholder."""
    parts = PLACEHOLDER.split(path_template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts)))


def validate_path_template(path_template: Any) -> None:
    """A relative path under v1/, ending in .json, with only ``{column}`` placeholders."""
    if not isinstance(path_template, str) or not path_template.endswith(".json"):
        raise SpecError(f"path must be a string ending in .json, got {path_template!r}")
    bare = PLACEHOLDER.sub("x", path_template)
    if "{" in bare or "}" in bare or "\\" in bare or bare.startswith("/"):
        raise SpecError(f"path {path_template!r}: bad placeholder or separator")
    if any(part in ("", ".", "..") for part in bare.split("/")):
        raise SpecError(f"path {path_template!r}: empty, '.' or '..' segment")


def stream_groups(rows: Iterable[Row], names: Sequence[str], path_template: str = "",
                  source: str = "rows") -> Iterator[tuple[tuple, list[Row]]]:
    """Consecutive rows with equal values in ``names``, as (values, rows); no names: every row at once."""
    try:
        for key, group in itertools.groupby(rows, key=getter(names)):
            yield key, list(group)
    except KeyError as error:
        raise FoldError(f"{source}: path {path_template!r} names column {error.args[0]!r}, "
                        "which is not in the rows") from None


def stream_partitions(rows: Iterable[Row], path_template: str,
                      source: str = "rows") -> Iterator[tuple[str, list[Row]]]:
    """Rows sorted by the placeholder columns, split into one row set per rendered path: each file's rows
    are yielded as soon as they are complete, so only one document's rows are in memory at a time."""
    def value(match: re.Match) -> str:  # a placeholder's value in the file's rows (dates as YYYY-MM-DD)
        raw = group[0][match.group(1)]
        text = raw.isoformat() if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime) else raw
        text = str(text) if isinstance(text, int) and not isinstance(text, bool) else text
        if not isinstance(text, str) or not SAFE_PATH_VALUE.fullmatch(text) or ".." in text:
            raise FoldError(f"{source}: path {path_template!r}: unsafe value {raw!r} "
                            f"for placeholder {match.group(1)!r}")
        return text

    seen: set[str] = set()
    for _, group in stream_groups(rows, placeholders(path_template), path_template, source):
        path = PLACEHOLDER.sub(value, path_template)
        if path in seen:
            raise FoldError(f"{source}: rows of {path} are not contiguous (sort them by the path's placeholders)")
        seen.add(path)
        yield path, group


class PartRows:
    """A part's rows, sorted by the path's placeholders like the root's, handed out file by file."""

    def __init__(self, name: str, rows: Iterable[Row], path_template: str, source: str) -> None:
        self.source = f"{source}: part {name}"
        self.groups = stream_groups(rows, placeholders(path_template), path_template, f"{source} (part {name})")
        self.pending = next(self.groups, None)

    def take(self, key: tuple) -> list[Row]:
        """The part's rows of the file whose placeholders are ``key`` (files come in sorted order)."""
        if self.pending is not None and self.pending[0] < key:
            self.finish()
        if self.pending is None or self.pending[0] != key:
            return []
        rows, self.pending = self.pending[1], next(self.groups, None)
        return rows

    def finish(self) -> None:
        """Rows left once every file of the root is built (or skipped by it) belong to no file: an error."""
        if self.pending is not None:
            raise FoldError(f"{self.source} has rows for {self.pending[0]!r} that the root model has none for")
