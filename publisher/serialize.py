"""Deterministic JSON bytes for documents, and the content hash used for change detection.

Values are converted first: date -> 'YYYY-MM-DD'; datetime -> UTC 'YYYY-MM-DDTHH:MM:SSZ'
(naive datetimes are taken as UTC); Decimal -> int when integral else float;
numpy / pandas scalars -> Python; NaN and infinity are errors naming the key path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from decimal import Decimal
from typing import Any

VOLATILE_KEYS = frozenset({"generated_at", "updated_at"})


class SerializeError(ValueError):
    """A value that has no faithful JSON form."""


def format_timestamp(value: dt.datetime) -> str:
    """UTC ISO-8601 with a Z and whole seconds; naive means UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Bad(Exception):
    """A conversion failure on its way up; ``where`` grows into the key path."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message, self.where = message, ""


def to_json_value(value: Any, path: str = "$") -> Any:
    """A JSON-ready copy of ``value``; raises SerializeError naming the key path."""
    try:
        return _convert(value)
    except _Bad as bad:
        raise SerializeError(f"{path}{bad.where}: {bad.message}") from None


def _convert(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the common case first, no isinstance chain
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _Bad(f"{value!r} is not a finite number")
        return value
    if isinstance(value, dict):
        converted = {}
        for key, child in value.items():
            if not isinstance(key, str):
                raise _Bad(f"object key {key!r} is not a string")
            try:
                converted[key] = _convert(child)
            except _Bad as bad:
                bad.where = f".{key}{bad.where}"
                raise
        return converted
    if isinstance(value, (list, tuple)):
        items = []
        for index, child in enumerate(value):
            try:
                items.append(_convert(child))
            except _Bad as bad:
                bad.where = f"[{index}]{bad.where}"
                raise
        return items
    return _convert_scalar(value)


def _convert_scalar(value: Any) -> Any:
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad(f"{value!r} is not a finite number")
        return float(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _Bad(f"{value!r} is not a finite number")
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        if type(value).__name__ == "NaTType":
            return None
        return format_timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if type(value).__module__.startswith("numpy") and hasattr(value, "item"):
        return _convert(value.item())
    if type(value).__module__.startswith("numpy") and hasattr(value, "tolist"):
        return _convert(value.tolist())
    raise _Bad(f"cannot serialize {type(value).__name__} value {value!r}")


def _default(value: Any) -> Any:
    """json.dumps hook for the non-JSON scalars (dates, Decimal, numpy); anything odd goes the slow way."""
    if isinstance(value, (dict, list, tuple)):
        raise _Bad("container subclass")
    return _convert_scalar(value)


def serialize(doc: Any, string_keys: bool = False) -> bytes:
    """Compact UTF-8 JSON plus a newline; same document, same bytes.

    The C encoder does the walk; on any problem (NaN, a key that is not a string, an
    unknown type) the document is converted again the slow way, which names the key path.
    """
    try:
        if not string_keys and not _string_keys(doc):  # string_keys: the caller guarantees it (a fold)
            raise _Bad("non-string key")
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_default)
    except (TypeError, ValueError, _Bad):
        text = json.dumps(to_json_value(doc), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text + "\n").encode("utf-8")


def _string_keys(value: Any) -> bool:
    """Every object key is a str (json.dumps would silently turn 1 into "1")."""
    kind = type(value)
    if kind is dict:
        for key, child in value.items():
            if type(key) is not str or (type(child) not in _LEAVES and not _string_keys(child)):
                return False
        return True
    if kind is list or kind is tuple:
        return all(type(child) in _LEAVES or _string_keys(child) for child in value)
    return True


def without_volatile(value: Any) -> Any:
    """A copy without generated_at / updated_at at any level (scalars are shared, not copied)."""
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else without_volatile(v)
                for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _LEAVES else without_volatile(v) for v in value]
    return value


_LEAVES = frozenset({str, int, float, bool, type(None)})


def content_hash(doc: Any, nested: bool = True) -> str:
    """sha256 (hex) of the serialized document with the volatile timestamps removed.

    ``nested=False``: the caller knows no volatile key exists below the top level (from the
    declaration), so only the top-level keys are dropped: same hash, no deep copy."""
    if not nested and isinstance(doc, dict):
        stripped = {k: v for k, v in doc.items() if k not in VOLATILE_KEYS}
    else:
        stripped = without_volatile(doc)
    try:  # a JSON-native document (as published) serializes the same without conversion
        text = json.dumps(stripped, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"
        data = text.encode("utf-8")
    except (TypeError, ValueError):
        data = serialize(stripped)
    return hashlib.sha256(data).hexdigest()


def content_hash_of_bytes(data: bytes) -> str:
    """content_hash of a serialized JSON document (as stored by a destination)."""
    return content_hash(json.loads(data.decode("utf-8")))
