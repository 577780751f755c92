"""serialize: byte-exact output, conversions, NaN rejection, content hash."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from publisher.serialize import SerializeError, content_hash, serialize

UTC = dt.timezone.utc


def test_serialize_is_byte_exact():
    doc = {
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
        "picks": [],
    }
    expected = (
        '{"date":"2026-02-21","generated_at":"2026-02-21T18:05:09Z","player":"Nikola Jokić",'
        '"line":25.5,"wins":10,"pct":66.7,"tip_off":"2026-02-22T01:00:00Z","naive":"2026-01-02T03:04:05Z",'
        '"result":null,"is_champion":true,"picks":[]}\n'
    ).encode("utf-8")
    assert serialize(doc) == expected
    assert b"Joki\xc4\x87" in serialize(doc)  # UTF-8, not \u escapes


def test_numpy_and_pandas_scalars():
    doc = {"a": np.int64(3), "b": np.float64(1.5), "c": np.bool_(True), "d": pd.NaT,
           "e": pd.Timestamp("2026-02-21 10:00", tz="US/Eastern")}
    assert serialize(doc) == b'{"a":3,"b":1.5,"c":true,"d":null,"e":"2026-02-21T15:00:00Z"}\n'


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN"), np.float64("nan")])
def test_non_finite_numbers_are_rejected_with_the_key_path(bad):
    with pytest.raises(SerializeError, match=r"\$\.groups\[1\]\.pct"):
        serialize({"groups": [{"pct": 1.0}, {"pct": bad}]})


def test_unknown_types_are_rejected():
    with pytest.raises(SerializeError, match=r"\$\.x"):
        serialize({"x": object()})


def test_content_hash_ignores_generated_at_and_updated_at_at_every_level():
    a = {"generated_at": "2026-02-21T18:00:00Z", "picks": [{"updated_at": "x", "line": 1.5}]}
    b = {"generated_at": "2026-02-22T09:00:00Z", "picks": [{"updated_at": "y", "line": 1.5}]}
    c = {"generated_at": "2026-02-21T18:00:00Z", "picks": [{"updated_at": "x", "line": 2.5}]}
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(c)
    assert len(content_hash(a)) == 64


def test_keys_must_be_strings_at_any_level():
    with pytest.raises(SerializeError, match=r"\$\.a\[0\]: object key 1 is not a string"):
        serialize({"a": [{1: "x"}]})


def test_fast_and_slow_paths_agree():
    doc = {"d": dt.date(2026, 2, 21), "n": Decimal("2.50"), "i": np.int64(7), "t": (1, 2), "s": "é"}
    from publisher.serialize import to_json_value
    import json
    assert serialize(doc) == (json.dumps(to_json_value(doc), ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def test_top_level_only_hash_equals_the_deep_one_without_nested_volatile_keys():
    doc = {"generated_at": "x", "a": [{"b": 1}], "updated_at": "y"}
    assert content_hash(doc, nested=False) == content_hash(doc) == content_hash({"a": [{"b": 1}]})
