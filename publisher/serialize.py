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


def to_json_value(value: Any, path: str = "$") -> Any:
    """A JSON-ready copy of ``value``; raises SerializeError naming the key path."""
    if isinstance(value, dict):
        return {_key(k, path): to_json_value(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SerializeError(f"{path}: {value!r} is not a finite number")
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise SerializeError(f"{path}: {value!r} is not a finite number")
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
        return to_json_value(value.item(), path)
    if type(value).__module__.startswith("numpy") and hasattr(value, "tolist"):
        return to_json_value(value.tolist(), path)
    raise SerializeError(f"{path}: cannot serialize {type(value).__name__} value {value!r}")


def _key(key: Any, path: str) -> str:
    if not isinstance(key, str):
        raise SerializeError(f"{path}: object key {key!r} is not a string")
    return key


def serialize(doc: Any) -> bytes:
    """Compact UTF-8 JSON plus a newline; same document, same bytes."""
    text = json.dumps(to_json_value(doc), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text + "\n").encode("utf-8")


def without_volatile(value: Any) -> Any:
    """A copy without generated_at / updated_at at any level."""
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, (list, tuple)):
        return [without_volatile(v) for v in value]
    return value


def content_hash(doc: Any) -> str:
    """sha256 (hex) of the serialized document with the volatile timestamps removed."""
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
