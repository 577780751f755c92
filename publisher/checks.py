"""The clean public API rule (contract §4) on every non-admin document; the forbidden terms are data
(clean_api.yml)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


def segments(name: str) -> tuple[str, ...]:
    """'edgeTier' / 'edge-tier' / 'edge_tier' -> ('edge', 'tier')."""
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return tuple(part for part in re.split(r"[_\-\s.]+", snake.lower()) if part)


RULES = yaml.safe_load(Path(__file__).with_name("clean_api.yml").read_text(encoding="utf-8"))
FORBIDDEN_KEYS = tuple(segments(term) for term in RULES["forbidden_keys"])
FORBIDDEN_VALUES = tuple((label, re.compile(pattern, re.IGNORECASE))
                         for label, pattern in RULES["forbidden_values"].items())


@lru_cache(maxsize=65536)  # keys and strings repeat a lot (field names, player names): each is judged once
def forbidden_key_term(key: str) -> str | None:
    """The forbidden term a key contains as consecutive segments, if any."""
    parts = segments(key)
    for term in FORBIDDEN_KEYS:
        if any(parts[i : i + len(term)] == term for i in range(len(parts) - len(term) + 1)):
            return "_".join(term)
    return None


@lru_cache(maxsize=65536)
def forbidden_value_label(text: str) -> str | None:
    """The label of the first forbidden pattern found in the text."""
    return next((label for label, pattern in FORBIDDEN_VALUES if pattern.search(text)), None)


def check_document(file_path: str, doc: Any) -> list[str]:
    """Every violation in one document (none for admin files), naming the file, the key path and the offender."""
    if file_path.startswith("admin/"):
        return []
    label = forbidden_value_label(file_path)
    found = [f"{file_path}: (file path): path {file_path!r} (matches {label})"] if label else []
    _check(doc, "$", file_path, found)
    return found


def _check(value: Any, path: str, file: str, found: list[str]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            name, where = str(key), f"{path}.{key}"
            term, label = forbidden_key_term(name), forbidden_value_label(name)
            if term or label:
                reason = f"forbidden term {term!r}" if term else f"matches {label}"
                found.append(f"{file}: {where}: key {name!r} ({reason})")
            _check(child, where, file, found)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _check(child, f"{path}[{index}]", file, found)
    elif isinstance(value, str) and (label := forbidden_value_label(value)):
        found.append(f"{file}: {path}: value {value!r} (matches {label})")
