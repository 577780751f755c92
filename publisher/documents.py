"""Fold flat mart rows into JSON documents, following a model's publish declaration.

A declaration maps output keys (in order) to nodes. Node forms (recursive):

* ``"col"``                                  the value of column ``col`` in the first row
* ``"@name"``                                a run context value (e.g. ``@generated_at``)
* ``{column: col, round: n}``                the column, rounded to n decimals (null stays null)
* ``{fields: {...}, null_if: col?}``         a nested object over the same rows
* ``{list: [keys], order_by: [...]?, fields}``  one element per distinct non-null key tuple
* ``{map: col, order_by: [...]?, fields}``      an object keyed by the column's value

``order_by`` columns sort ascending, or descending with a leading ``-``
(``-week_start``); None always sorts last; ties break on the key.

Composed documents: a list, map or object node may take its rows from another model
(a *part*) with ``from: MODEL`` and ``join: [col, ...]`` (same column names) or
``join: {parent_col: part_col}``: its rows are the part's rows whose ``join`` columns equal
the enclosing rows' (the root's, or the enclosing part's). Below it, columns are the
part's. Each part is a model at its own grain, read for the same file as the root.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal
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


def node_kind(node: Any, where: str) -> str:
    """Return column, context, value, object, list or map; raise SpecError otherwise."""
    if isinstance(node, str) and node:
        return "context" if node.startswith("@") else "column"
    if isinstance(node, dict):
        kinds = [kind for kind, marker in (("list", "list"), ("map", "map"), ("value", "column")) if marker in node]
        if not kinds and "fields" in node:
            kinds = ["object"]
        if len(kinds) != 1:
            raise SpecError(f"{where}: unknown node form with keys {sorted(node)}")
        extra = sorted(set(node) - NODE_KEYS[kinds[0]])
        if extra:
            raise SpecError(f"{where}: unknown key {extra[0]!r} in a {kinds[0]} node")
        return kinds[0]
    raise SpecError(f"{where}: unknown node form {node!r}")


def validate_spec(fields: Any, where: str = "document") -> None:
    """Check a declaration (a mapping of output keys to nodes); raise SpecError naming the bad key."""
    if not isinstance(fields, dict) or not fields:
        raise SpecError(f"{where}: fields must be a non-empty mapping, got {fields!r}")
    for key, node in fields.items():
        path = f"{where}.{key}"
        if not isinstance(key, str) or not key:
            raise SpecError(f"{where}: output keys must be non-empty strings, got {key!r}")
        kind = node_kind(node, path)
        if kind == "context" and not re.fullmatch(r"@[A-Za-z_]\w*", node):
            raise SpecError(f"{path}: bad context name {node!r}")
        if kind == "value":
            _require_names([node["column"]], f"{path}.column")
            digits = node.get("round")
            if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 0):
                raise SpecError(f"{path}.round: must be a non-negative integer, got {digits!r}")
        if kind in ("list", "map"):
            _require_names(node[kind] if kind == "list" else [node[kind]], f"{path}.{kind}")
            if "order_by" in node:
                _require_names(node["order_by"], f"{path}.order_by", descending_allowed=True)
        if kind == "object" and "null_if" in node:
            _require_names([node["null_if"]], f"{path}.null_if")
        if kind in ("object", "list", "map"):
            if "fields" not in node:
                raise SpecError(f"{path}: a {kind} node needs fields")
            if ("from" in node) != ("join" in node):
                raise SpecError(f"{path}: `from` and `join` go together (a part and its join columns)")
            if "from" in node:
                _require_names([node["from"]], f"{path}.from")
                join_columns(node, path)
            validate_spec(node["fields"], f"{path}.fields")


def _require_names(names: Any, where: str, descending_allowed: bool = False) -> None:
    def ok(name: Any) -> bool:
        bare = name.removeprefix("-") if descending_allowed and isinstance(name, str) else name
        return isinstance(bare, str) and bool(bare) and not bare.startswith("-")

    if not isinstance(names, list) or not names or not all(ok(n) for n in names):
        raise SpecError(f"{where}: expected a non-empty list of column names, got {names!r}")


def join_columns(node: Mapping[str, Any], where: str = "node") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A ``from`` node's join: (columns of the enclosing rows, columns of the part), pairwise."""
    on = node["join"]
    pairs = list(on.items()) if isinstance(on, dict) else [(c, c) for c in on] if isinstance(on, list) else []
    if not pairs or not all(isinstance(c, str) and IDENTIFIER.fullmatch(c) for pair in pairs for c in pair):
        raise SpecError(f"{where}.join: expected a non-empty list of column names or a mapping "
                        f"parent column -> part column, got {on!r}")
    return tuple(a for a, _ in pairs), tuple(b for _, b in pairs)


def columns_by_model(fields: Mapping[str, Any], model: str) -> dict[str, set[str]]:
    """Every column a (valid) declaration reads, by model: ``model`` for the root, the part's name below ``from``."""
    found: dict[str, set[str]] = {model: set()}

    def walk(fields: Mapping[str, Any], model: str) -> None:
        columns = found.setdefault(model, set())
        for key, node in fields.items():
            kind = node_kind(node, key)
            if kind in ("column", "value"):
                columns.add(node if kind == "column" else node["column"])
                continue
            if kind == "context":
                continue
            inner = model
            if "from" in node:
                parent_columns, part_columns = join_columns(node)
                columns.update(parent_columns)
                inner = node["from"]
                found.setdefault(inner, set()).update(part_columns)
            below = found.setdefault(inner, set())
            below.update(node["list"] if kind == "list" else [node["map"]] if kind == "map" else [])
            below.update(c.removeprefix("-") for c in node.get("order_by", []))
            below.update([node["null_if"]] if node.get("null_if") else [])
            walk(node["fields"], inner)

    walk(fields, model)
    return found


def required_columns(fields: Mapping[str, Any]) -> set[str]:
    """Every column a (valid) declaration reads from its root model."""
    return columns_by_model(fields, "")[""]


class Inputs:
    """What one document is built from besides its root rows: the run context and each part's rows."""

    def __init__(self, context: Mapping[str, Any], parts: Mapping[str, Sequence[Row]] | None = None) -> None:
        self.context, self.parts = context, parts or {}
        self._indexes: dict[tuple, dict[tuple, list[Row]]] = {}

    def joined(self, part: str, columns: tuple[str, ...], key: tuple) -> list[Row]:
        """The part's rows whose ``columns`` equal ``key`` (each part indexed once per join)."""
        index = self._indexes.get((part, columns))
        if index is None:
            index = self._indexes[(part, columns)] = {}
            for row in self.parts.get(part, ()):
                index.setdefault(tuple(row[c] for c in columns), []).append(row)
        return index.get(key, [])


Folder = Callable[[Sequence[Row], Inputs], Any]


def fold(rows: Sequence[Row], spec: Mapping[str, Any], context: Mapping[str, Any], source: str = "rows",
         parts: Mapping[str, Sequence[Row]] | None = None) -> dict:
    """Build one document from its root rows and its parts' rows (pure). Raises FoldError naming
    ``source`` and the column."""
    validate_spec(spec)
    if not rows:
        raise FoldError(f"{source}: no rows to build a document from")
    for model, columns in columns_by_model(spec, "").items():
        model_rows = rows if model == "" else (parts or {}).get(model, ())
        missing = sorted(columns - set(model_rows[0])) if model_rows else []
        if missing:
            raise FoldError(f"{source}{f' (part {model})' if model else ''}: column(s) "
                            f"{', '.join(map(repr, missing))} declared in the document are not in the rows")
    return _compile_fields(spec, source)(rows, Inputs(context, parts))


def _compile_fields(fields: Mapping[str, Any], source: str) -> Folder:
    """The declaration as nested closures (rows, inputs) -> value, so each row group pays no dispatch."""
    parts = [(key, _compile_node(node, source, key)) for key, node in fields.items()]
    return lambda rows, inputs: {key: part(rows, inputs) for key, part in parts}


def _compile_node(node: Any, source: str, key: str) -> Folder:  # noqa: C901 - one branch per node form
    kind = node_kind(node, key)
    if kind == "column":
        return lambda rows, inputs: rows[0][node]
    if kind == "context":
        name = node[1:]

        def context_value(rows: Sequence[Row], inputs: Inputs) -> Any:
            if name not in inputs.context:
                raise FoldError(f"{source}: {key}: the run context has no value {node!r}")
            return inputs.context[name]
        return context_value
    if kind == "value":
        column, digits = node["column"], node.get("round")

        def value(rows: Sequence[Row], inputs: Inputs) -> Any:
            try:
                return round_value(rows[0][column], digits)
            except FoldError as error:
                raise FoldError(f"{source}: {key}: {error}") from error
        return value
    shaped = _compile_shape(node, kind, source, key)
    if "from" not in node:
        return shaped
    part, (parent_columns, part_columns) = node["from"], join_columns(node)

    def joined(rows: Sequence[Row], inputs: Inputs) -> Any:
        found = inputs.joined(part, part_columns, tuple(rows[0][c] for c in parent_columns))
        if not found and kind == "object":
            if node.get("null_if"):
                return None
            raise FoldError(f"{source}: {key}: no row of part {part} where "
                            f"{', '.join(f'{c} = {rows[0][p]!r}' for p, c in zip(parent_columns, part_columns))}")
        return shaped(found, inputs)
    return joined


def _compile_shape(node: Mapping[str, Any], kind: str, source: str, key: str) -> Folder:
    fields = _compile_fields(node["fields"], source)
    if kind == "object":
        null_if = node.get("null_if")
        if not null_if:
            return fields
        return lambda rows, inputs: None if rows[0][null_if] is None else fields(rows, inputs)
    keys = node["list"] if kind == "list" else [node["map"]]
    order_by, where = node.get("order_by") or keys, f"{source}: {key}"
    if kind == "list":
        return lambda rows, inputs: [fields(g, inputs) for g in sorted_groups(rows, keys, order_by, where)]
    column = node["map"]
    return lambda rows, inputs: {map_key(g[0][column]): fields(g, inputs)
                                 for g in sorted_groups(rows, keys, order_by, where)}


def sorted_groups(rows: Sequence[Row], keys: Sequence[str], order_by: Sequence[str], where: str) -> list[list[Row]]:
    """Rows grouped by key tuple (all-null keys dropped), sorted by order_by then key; None last."""
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        key = tuple(row[c] for c in keys)
        if any(v is not None for v in key):
            groups.setdefault(key, []).append(row)
    columns = [c.removeprefix("-") for c in order_by] + list(keys)
    descending = [c.startswith("-") for c in order_by] + [False] * len(keys)
    if len(groups) < 2:
        return list(groups.values())
    if not any(descending):  # the common case: a plain key sort (None last); odd values take the slow path
        try:
            return sorted(groups.values(), key=lambda g: tuple((g[0][c] is None, g[0][c]) for c in columns))
        except TypeError:
            pass

    def compare(a: list[Row], b: list[Row]) -> int:
        for column, desc in zip(columns, descending):
            x, y = a[0][column], b[0][column]
            if x == y:
                continue
            if x is None or y is None:
                return 1 if x is None else -1
            try:
                result = (x > y) - (x < y)
            except TypeError as error:
                raise FoldError(f"{where}: cannot order {x!r} and {y!r} in column {column!r}") from error
            if result:
                return -result if desc else result
        return 0

    return sorted(groups.values(), key=functools.cmp_to_key(compare))


def map_key(value: Any) -> str:
    """A JSON object key for a map node value (dates as YYYY-MM-DD)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def round_value(value: Any, digits: int | None) -> Any:
    """Round half away from zero on the decimal text; float for digits > 0, int for 0."""
    if value is None or digits is None:
        return value
    if hasattr(value, "item") and type(value).__module__.startswith("numpy"):
        value = value.item()
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


def validate_path_template(path_template: Any) -> None:
    """A relative path under v1/, ending in .json, with only ``{column}`` placeholders."""
    if not isinstance(path_template, str) or not path_template.endswith(".json"):
        raise SpecError(f"path must be a string ending in .json, got {path_template!r}")
    bare = PLACEHOLDER.sub("x", path_template)
    if "{" in bare or "}" in bare or "\\" in bare or bare.startswith("/"):
        raise SpecError(f"path {path_template!r}: bad placeholder or separator")
    if any(part in ("", ".", "..") for part in bare.split("/")):
        raise SpecError(f"path {path_template!r}: empty, '.' or '..' segment")


def render_path(path_template: str, row: Row, source: str = "rows") -> str:
    """The file path of a row: placeholders take the row's values (dates as YYYY-MM-DD)."""
    def value(match: re.Match) -> str:
        column = match.group(1)
        if column not in row:
            raise FoldError(f"{source}: path {path_template!r} names column {column!r}, which is not in the rows")
        raw = row[column]
        text = raw.isoformat() if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime) else raw
        text = str(text) if isinstance(text, int) and not isinstance(text, bool) else text
        if not isinstance(text, str) or not SAFE_PATH_VALUE.fullmatch(text) or ".." in text:
            raise FoldError(f"{source}: path {path_template!r}: unsafe value {raw!r} for placeholder {column!r}")
        return text

    return PLACEHOLDER.sub(value, path_template)


def stream_partitions(rows: Iterable[Row], path_template: str,
                      source: str = "rows") -> Iterator[tuple[str, list[Row]]]:
    """Rows sorted by the placeholder columns, split into one row set per rendered path: each file's rows
    are yielded as soon as they are complete, so only one document's rows are in memory at a time."""
    seen: set[str] = set()
    for _, group in stream_groups(rows, placeholders(path_template), path_template, source):
        yield _claim(render_path(path_template, group[0], source), seen, source), group


def stream_groups(rows: Iterable[Row], names: Sequence[str], path_template: str = "",
                  source: str = "rows") -> Iterator[tuple[tuple, list[Row]]]:
    """Consecutive rows with equal values in ``names``, as (values, rows); no names: every row at once."""
    current_key: tuple | None = None
    current: list[Row] = []
    for row in rows:
        try:
            key = tuple(row[name] for name in names)
        except KeyError:
            render_path(path_template, row, source)  # raises the FoldError naming the column
            raise
        if key != current_key and current:
            yield (current_key if current_key is not None else ()), current
            current = []
        current_key = key
        current.append(row)
    if current:
        yield (current_key if current_key is not None else ()), current


class PartRows:
    """A part's rows, sorted by the path's placeholders like the root's, handed out file by file."""

    def __init__(self, name: str, rows: Iterable[Row], names: Sequence[str], source: str) -> None:
        self.name, self.source = name, source
        self.groups = stream_groups(rows, names, "", f"{source} (part {name})")
        self.pending = next(self.groups, None)

    def take(self, key: tuple) -> list[Row]:
        """The part's rows of the file whose placeholders are ``key`` (files come in sorted order)."""
        if self.pending is not None and self.pending[0] < key:
            raise FoldError(f"{self.source}: part {self.name} has rows for {self.pending[0]!r} "
                            "that the root model has none for")
        if self.pending is None or self.pending[0] != key:
            return []
        rows, self.pending = self.pending[1], next(self.groups, None)
        return rows

    def finish(self) -> None:
        """Rows left once every file of the root is built belong to no file: an error."""
        if self.pending is not None:
            raise FoldError(f"{self.source}: part {self.name} has rows for {self.pending[0]!r} "
                            "that the root model has none for")


def _claim(path: str, seen: set[str], source: str) -> str:
    if path in seen:
        raise FoldError(f"{source}: rows of {path} are not contiguous (sort them by the path's placeholders)")
    seen.add(path)
    return path


def keys_below_top(fields: Mapping[str, Any]) -> set[str] | None:
    """Every output key of a (valid) declaration below the top level; None when a map node
    makes keys out of data (then any key may appear)."""
    found: set[str] = set()
    for node in fields.values():
        kind = node_kind(node, "document")
        if kind == "map":
            return None
        if kind in ("object", "list"):
            below = keys_below_top(node["fields"])
            if below is None:
                return None
            found |= set(node["fields"]) | below
    return found
