"""serialize: JSON-native values, byte-exact output, NaN rejection, content hash, and the fast path (encode)."""

import datetime as dt
import hashlib
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.serialize import SerializeError, content_hash, encode, json_native, serialize

UTC = dt.timezone.utc


def test_rows_become_json_native_and_serialize_byte_exact():
    row = {
        "date": dt.date(2026, 2, 21),
        "generated_at": dt.datetime(2026, 2, 21, 18, 5, 9, 123456, tzinfo=UTC),
        "player": "Nikola Jokić",
        "line": Decimal("25.5"),
        "wins": Decimal("10.00"),
        "pct": 66.7,
        "tip_off": dt.datetime(2026, 2, 21, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        "naive": dt.datetime(2026, 1, 2, 3, 4, 5),
        "result": None,
        "is_champion": True,
        "tags": ("a", dt.date(2026, 2, 22)),
        "picks": [],
    }
    native = json_native(row)
    assert native["wins"] == 10 and type(native["wins"]) is int and native["line"] == 25.5
    expected = (
        '{"date":"2026-02-21","generated_at":"2026-02-21T18:05:09Z","player":"Nikola Jokić",'
        '"line":25.5,"wins":10,"pct":66.7,"tip_off":"2026-02-22T01:00:00Z","naive":"2026-01-02T03:04:05Z",'
        '"result":null,"is_champion":true,"tags":["a","2026-02-22"],"picks":[]}\n'
    ).encode("utf-8")
    assert serialize(native) == expected
    assert b"Joki\xc4\x87" in serialize(native)  # UTF-8, not \u escapes
    nan = json_native(Decimal("NaN"))
    assert type(nan) is float and math.isnan(nan)  # a float NaN, rejected when serialized


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), json_native(Decimal("-Infinity"))])
def test_non_finite_numbers_are_rejected_with_the_key_path(bad):
    with pytest.raises(SerializeError, match=r"^\$\.groups\[1\]\.pct: .* is not a finite number"):
        serialize({"groups": [{"pct": 1.0}, {"pct": bad}]})


def test_unknown_types_are_rejected_with_the_key_path():
    with pytest.raises(SerializeError, match=r"^\$\.x: cannot serialize object value"):
        serialize({"x": object()})


def test_content_hash_ignores_generated_at_and_updated_at_at_every_level():
    a = {"generated_at": "2026-02-21T18:00:00Z", "picks": [{"updated_at": "x", "line": 1.5}]}
    b = {"generated_at": "2026-02-22T09:00:00Z", "picks": [{"updated_at": "y", "line": 1.5}]}
    c = {"generated_at": "2026-02-21T18:00:00Z", "picks": [{"updated_at": "x", "line": 2.5}]}
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(c)
    # sha256 of '{"picks":[{"line":1.5}]}\n': the compact JSON without the volatile keys
    assert content_hash(a) == "a07b83a87565847ab357a09fb2ec45fb68b18941f2dffd69974d9aeea206b05e"


# JSON documents as the build folds them: text keys (the volatile ones among them, at any level), and values of every
# JSON type, floats from subnormal to huge (below 1e-4 orjson and json.dumps write them apart), integers beyond 64 bits
# (orjson refuses them), text that looks like a number's exponent
KEYS = st.sampled_from(["generated_at", "updated_at", "date", "pct", "e-5"]) | st.text(max_size=8)
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=12) | st.sampled_from(["0e-3a", ":1e-5", "[2e-7"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=12)


@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_the_fast_path_gives_the_bytes_of_serialize_and_the_hash_of_content_hash(doc):
    """encode, which writes every document the build makes, against the two plain functions it stands for: the same
    bytes as serialize (the json module) and the same hash as content_hash (the volatile keys left out)."""
    assert encode(doc) == (serialize(doc), content_hash(doc))


def test_the_fast_path_leaves_the_volatile_keys_out_of_the_hash():
    """Worked by hand: the two documents differ in generated_at and updated_at only, so their hash is the one of
    '{"picks":[1e-05]}\n' (a float json.dumps writes with an exponent, orjson without)."""
    a = {"generated_at": "2026-02-21T18:00:00Z", "updated_at": "a", "picks": [0.00001]}
    b = {"generated_at": "2026-02-22T09:00:00Z", "updated_at": "b", "picks": [0.00001]}
    assert encode(a)[0] == b'{"generated_at":"2026-02-21T18:00:00Z","updated_at":"a","picks":[1e-05]}\n'
    assert encode(a)[1] == encode(b)[1] == hashlib.sha256(b'{"picks":[1e-05]}\n').hexdigest()
