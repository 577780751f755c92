"""The clean public API rule (contract §4), applied to every non-admin document.

The forbidden terms are data (``clean_api.yml``). ``check_document`` returns every
violation, each naming the file path, the JSON key path and the offending key or
value; the CLI aborts the whole run before writing anything when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping

import yaml

RULES_FILE = Path(__file__).with_name("clean_api.yml")


@dataclass(frozen=True, eq=False)  # hashed by identity: a cheap key for the lru caches below
class Rules:
    forbidden_keys: tuple[tuple[str, ...], ...]  # each term as its segments
    forbidden_values: tuple[tuple[str, re.Pattern], ...]  # (label, pattern)


@dataclass(frozen=True)
class Violation:
    file: str
    key_path: str
    offender: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key_path}: {self.offender} ({self.reason})"


def segments(name: str) -> tuple[str, ...]:
    """'edgeTier' / 'edge-tier' / 'edge_tier' -> ('edge', 'tier')."""
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return tuple(part for part in re.split(r"[_\-\s.]+", snake.lower()) if part)


@lru_cache(maxsize=None)
def load_rules(path: Path = RULES_FILE) -> Rules:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    keys = tuple(segments(term) for term in data["forbidden_keys"])
    values = tuple((label, re.compile(pattern, re.IGNORECASE)) for label, pattern in data["forbidden_values"].items())
    return Rules(keys, values)


def is_admin(path: str) -> bool:
    return path.startswith("admin/")


@lru_cache(maxsize=65536)
def forbidden_key_term(key: str, rules: Rules) -> str | None:
    """The forbidden term a key contains as consecutive segments, if any (cached: keys repeat)."""
    parts = segments(key)
    for term in rules.forbidden_keys:
        n = len(term)
        if any(parts[i : i + n] == term for i in range(len(parts) - n + 1)):
            return "_".join(term)
    return None


@lru_cache(maxsize=65536)
def forbidden_value_label(text: str, rules: Rules) -> str | None:
    """The label of the first forbidden pattern found in the text (cached: values repeat)."""
    for label, pattern in rules.forbidden_values:
        if pattern.search(text):
            return label
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, str | None, Any]]:
    """Yield (key path, key or None, value) for every key and leaf."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            child_path = f"{path}.{key}"
            yield child_path, str(key), None
            yield from _walk(child, child_path)
    elif isinstance(value, (list, tuple)):
        for index, child in enumerate(value):
            yield from _walk(child, f"{path}[{index}]")
    else:
        yield path, None, value


PLAIN_SCALARS = (int, float, bool, type(None))


def _collect(value: Any, keys: set, strings: set) -> bool:
    """Gather every key and string value (plain dicts, lists, tuples); False when something else is met."""
    kind = type(value)
    if kind is dict:
        keys.update(value)
        children = value.values()
    elif kind is list or kind is tuple:
        children = value
    elif kind is str:
        strings.add(value)
        return True
    else:
        return kind in PLAIN_SCALARS
    for child in children:
        child_kind = type(child)
        if child_kind is str:
            strings.add(child)
        elif child_kind not in PLAIN_SCALARS and not _collect(child, keys, strings):
            return False
    return True


def _looks_clean(doc: Any, rules: Rules) -> bool:
    """A quick pass over the distinct keys and strings; the detailed walk runs only when it fails."""
    keys: set = set()
    strings: set = set()
    if not _collect(doc, keys, strings) or not all(isinstance(key, str) for key in keys):
        return False
    if any(forbidden_key_term(key, rules) or forbidden_value_label(key, rules) for key in keys):
        return False
    return not any(forbidden_value_label(text, rules) for text in strings)


def check_document(file_path: str, doc: Any, rules: Rules | None = None) -> list[Violation]:
    """Violations of the clean-API rule in one document (none for admin files)."""
    if is_admin(file_path):
        return []
    rules = rules or load_rules()
    found: list[Violation] = []
    label = forbidden_value_label(file_path, rules)
    if label:
        found.append(Violation(file_path, "(file path)", f"path {file_path!r}", f"matches {label}"))
    elif _looks_clean(doc, rules):
        return []
    for key_path, key, value in _walk(doc, "$"):
        if key is not None:
            term = forbidden_key_term(key, rules)
            label = forbidden_value_label(key, rules)
            if term or label:
                reason = f"forbidden term {term!r}" if term else f"matches {label}"
                found.append(Violation(file_path, key_path, f"key {key!r}", reason))
        elif isinstance(value, str):
            label = forbidden_value_label(value, rules)
            if label:
                found.append(Violation(file_path, key_path, f"value {value!r}", f"matches {label}"))
    return found
