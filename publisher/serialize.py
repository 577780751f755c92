"""JSON-native values (made once, where rows are read), deterministic JSON bytes, and the content hash:
sha256 of the bytes without generated_at / updated_at, which decides whether an object changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from decimal import Decimal
from typing import Any

import orjson

VOLATILE_KEYS = frozenset({"generated_at", "updated_at"})
PLAIN = frozenset({str, int, float, bool})  # JSON-native already (a float may still be NaN: serialize says where)
ORJSON_REFUSES = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
EXPONENT = re.compile(rb"e-[0-9](?![0-9])")  # a one-digit negative exponent: json.dumps writes e-05, orjson e-5
NUMBER_BEFORE = re.compile(rb"[:,\[]-?[0-9.]+\Z")  # ... of a number, not of a string (a UUID "...0e-3a...")


class SerializeError(ValueError):
    """A value that has no faithful JSON form."""


def format_timestamp(value: dt.datetime) -> str:
    """UTC ISO-8601 with a Z and whole seconds; naive means UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


def json_native(value: Any) -> Any:
    """The value as JSON has it (dates and Decimals converted, containers copied); anything else unchanged."""
    if value is None or type(value) in PLAIN:
        return value
    if isinstance(value, dt.datetime):
        return format_timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return [json_native(item) for item in value]
    if isinstance(value, dict):
        return {key: json_native(item) for key, item in value.items()}
    return value


def serialize(doc: Any) -> bytes:
    """Compact UTF-8 JSON plus a newline; same document, same bytes."""
    try:
        return (json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")
    except (TypeError, ValueError) as error:
        raise SerializeError(_first_problem(doc, "$") or str(error)) from None


def encode(doc: dict) -> tuple[bytes, str]:
    """``serialize(doc)`` and ``content_hash(doc)``, fast: orjson writes each member of the document once (the JSON of
    an object is its members' joined, so the hashed text is the same members but the volatile ones). orjson's bytes
    are the json module's (every string and int, every float from 1e-4 up) but for what falls back here to the two
    functions above: a float below 1e-4 (1e-05 is 0.00001 there; text that merely looks like one costs only the
    fallback), what orjson refuses (an int beyond 64 bits, any other type), a volatile key below the top level (none is
    declared). orjson writes NaN as null: rows holding one are refused where they are read (warehouse)."""
    try:
        members = [(key, orjson.dumps(key) + b":" + orjson.dumps(value, option=ORJSON_REFUSES))
                   for key, value in doc.items()]
    except TypeError:  # orjson.JSONEncodeError too
        members = []
    kept = b",".join(text for key, text in members if key not in VOLATILE_KEYS)
    if not members and doc or any(map(_orjson_differs, (text for _, text in members))) \
            or any(f'"{key}":'.encode() in kept for key in VOLATILE_KEYS):
        return serialize(doc), content_hash(doc)
    data = b"{" + b",".join(text for _, text in members) + b"}\n"
    return data, hashlib.sha256(b"{" + kept + b"}\n").hexdigest()


def _orjson_differs(text: bytes) -> bool:
    """Whether ``text`` may hold a float that orjson writes unlike json.dumps: one below 1e-4 (literal searches first:
    they are fast)."""
    return b"0.0000" in text or any(NUMBER_BEFORE.search(text, max(0, found.start() - 32), found.start())
                                    for found in EXPONENT.finditer(text))


def _first_problem(value: Any, path: str) -> str | None:
    """Where the encoder failed: the key path of the first value without a JSON form."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found = _first_problem(child, f"{path}.{key}" if isinstance(value, dict) else f"{path}[{key}]")
        if found:
            return found
    if isinstance(value, float) and not math.isfinite(value):
        return f"{path}: {value!r} is not a finite number"
    if not isinstance(value, (str, int, float, bool, dict, list, type(None))):
        return f"{path}: cannot serialize {type(value).__name__} value {value!r}"
    return None


def without_volatile(value: Any) -> Any:
    """A copy without generated_at / updated_at at any level."""
    if isinstance(value, dict):
        return {key: without_volatile(item) for key, item in value.items() if key not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [without_volatile(item) for item in value]
    return value


def content_hash(doc: Any) -> str:
    """sha256 (hex) of the serialized document with the volatile timestamps removed."""
    return hashlib.sha256(serialize(without_volatile(doc))).hexdigest()
