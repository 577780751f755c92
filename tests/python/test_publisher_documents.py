"""documents.fold (with parts) / partitions / validation, with expected values worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from publisher.documents import fold as fold_tree
from publisher.documents import (
    FoldError,
    Node,
    PartRows,
    SpecError,
    columns_by_model,
    origin,
    parse,
    placeholders,
    round_value,
    stream_partitions,
    validate_path_template,
)

DAY = dt.date(2026, 2, 21)


def fold(rows, spec, context, **options):
    """documents.fold of a declaration as written in YAML (parsed first, as the catalog does)."""
    return fold_tree(rows, parse(spec), context, **options)


CONTEXT = {"generated_at": "2026-02-21T18:00:00Z"}

SPEC = {
    "date": "date",
    "generated_at": "@generated_at",
    "model": "model_codename",
    "groups": {
        "list": ["group_id"],
        "order_by": ["group_order"],
        "fields": {
            "id": "group_id",
            "name": "group_name",
            "record": {
                "null_if": "rec_wins",
                "fields": {"season": {"fields": {"wins": "rec_wins", "pct": {"column": "rec_pct", "round": 1}}}},
            },
            "picks": {
                "list": ["pick_rank"],
                "order_by": ["pick_rank"],
                "fields": {"player": "player_name", "line": "line"},
            },
        },
    },
}


def row(group_id, group_order, name, wins, pct, rank, player, line):
    return {"date": DAY, "model_codename": "926A", "group_id": group_id, "group_order": group_order,
            "group_name": name, "rec_wins": wins, "rec_pct": pct, "pick_rank": rank,
            "player_name": player, "line": line}


ROWS = [
    row(2, 1, "Top 5", 20, Decimal("66.65"), 2, "Player B", 20.5),
    row(3, None, "Top 10", None, None, None, None, None),  # a group without picks: one row, null pick columns
    row(1, 2, "Top Pick", 10, 66.6667, 1, "Nikola Jokić", 25.5),
    row(2, 1, "Top 5", 20, Decimal("66.65"), 1, "Player A", 18.5),
]



def partition(rows, path_template, source="rows"):
    """The publisher's stream_partitions over rows sorted by the path's placeholders."""
    names = placeholders(path_template)
    return dict(stream_partitions(sorted(rows, key=lambda r: tuple(str(r.get(c)) for c in names)), path_template, source))


def test_fold_nested_lists_null_if_round_and_order():
    assert fold(ROWS, SPEC, CONTEXT) == {
        "date": DAY,
        "generated_at": "2026-02-21T18:00:00Z",
        "model": "926A",
        "groups": [
            # group_order 1, 2, then None last
            {"id": 2, "name": "Top 5", "record": {"season": {"wins": 20, "pct": 66.7}},
             "picks": [{"player": "Player A", "line": 18.5}, {"player": "Player B", "line": 20.5}]},
            {"id": 1, "name": "Top Pick", "record": {"season": {"wins": 10, "pct": 66.7}},
             "picks": [{"player": "Nikola Jokić", "line": 25.5}]},
            {"id": 3, "name": "Top 10", "record": None, "picks": []},
        ],
    }


def test_fold_keeps_declared_key_order():
    doc = fold(ROWS, SPEC, CONTEXT)
    assert list(doc) == ["date", "generated_at", "model", "groups"]
    assert list(doc["groups"][0]) == ["id", "name", "record", "picks"]


def test_list_with_only_null_keys_is_empty():
    spec = {"items": {"list": ["k"], "fields": {"k": "k"}}}
    assert fold([{"k": None}, {"k": None}], spec, {}) == {"items": []}


def test_list_default_order_is_the_key_and_duplicates_fold():
    spec = {"items": {"list": ["a", "b"], "fields": {"a": "a", "b": "b"}}}
    rows = [{"a": 2, "b": "x"}, {"a": 1, "b": None}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}]
    assert fold(rows, spec, {})["items"] == [{"a": 1, "b": "y"}, {"a": 1, "b": None}, {"a": 2, "b": "x"}]


def test_descending_order_keeps_none_last():
    spec = {"weeks": {"list": ["w"], "order_by": ["-w"], "fields": {"w": "w"}}}
    rows = [{"w": dt.date(2026, 2, 2)}, {"w": None}, {"w": dt.date(2026, 2, 16)}, {"w": dt.date(2026, 2, 9)}]
    # the all-null key row adds nothing
    assert [e["w"].day for e in fold(rows, spec, {})["weeks"]] == [16, 9, 2]
    spec = {"items": {"list": ["k"], "order_by": ["-o"], "fields": {"k": "k"}}}
    rows = [{"k": "a", "o": None}, {"k": "b", "o": 1}, {"k": "c", "o": 3}]
    assert [e["k"] for e in fold(rows, spec, {})["items"]] == ["c", "b", "a"]


def test_map_is_keyed_by_value_and_ordered_by_order_by():
    spec = {"windows": {"map": "window_name", "order_by": ["window_order"],
                        "fields": {"start_date": "start_date", "n": "n"}}}
    rows = [
        {"window_name": "season", "window_order": 3, "start_date": dt.date(2025, 10, 21), "n": 5},
        {"window_name": "last_7_days", "window_order": 1, "start_date": dt.date(2026, 2, 15), "n": 1},
        {"window_name": "last_30_days", "window_order": 2, "start_date": dt.date(2026, 1, 23), "n": 2},
    ]
    windows = fold(rows, spec, {})["windows"]
    assert list(windows) == ["last_7_days", "last_30_days", "season"]
    assert windows["season"] == {"start_date": dt.date(2025, 10, 21), "n": 5}


def test_map_keys_from_dates_are_iso():
    spec = {"days": {"map": "d", "fields": {"n": "n"}}}
    rows = [{"d": dt.date(2026, 2, 2), "n": 2}, {"d": dt.date(2026, 2, 1), "n": 1}]
    assert fold(rows, spec, {}) == {"days": {"2026-02-01": {"n": 1}, "2026-02-02": {"n": 2}}}


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (2.675, 2, 2.68),  # decimal text, not binary float: half away from zero
        (Decimal("66.65"), 1, 66.7),
        (-0.25, 1, -0.3),
        (52, 1, 52.0),
        (7.5, 0, 8),
        (None, 1, None),
    ],
)
def test_round_value(value, digits, expected):
    result = round_value(value, digits)
    assert result == expected and type(result) is type(expected)


def test_missing_column_names_the_mart_and_the_column():
    rows = [{k: v for k, v in r.items() if k != "line"} for r in ROWS]
    with pytest.raises(FoldError, match=r"mart picks_daily: column 'line' declared in the document is not in the rows"):
        fold(rows, SPEC, CONTEXT, source="mart picks_daily")


def test_missing_context_value_is_an_error():
    with pytest.raises(FoldError, match="@generated_at"):
        fold(ROWS, SPEC, {})


def test_columns_read_by_a_declaration():
    assert columns_by_model(parse(SPEC), "picks_daily") == {"picks_daily": {
        "date", "model_codename", "group_id", "group_order", "group_name", "rec_wins", "rec_pct",
        "pick_rank", "player_name", "line"}}


def test_parse_makes_a_tree():
    tree = parse({"a": "col", "t": "@generated_at", "r": {"column": "x", "round": 1},
                  "m": {"map": "k", "order_by": ["-o"], "fields": {"n": "n"}}})
    assert tree.fields["a"] == Node("column", "col")
    assert tree.fields["t"] == Node("context", "generated_at")
    assert tree.fields["r"] == Node("value", "x", 1)
    assert tree.fields["m"] == Node("map", "k", keys=("k",), order_by=("-o",), fields={"n": Node("column", "n")})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"x": {"lists": ["a"]}}, r"document\.x: unknown node form"),
        ({"x": {"fields": {}}}, r"document\.x\.fields: fields must be a non-empty mapping"),
        ({}, "non-empty mapping"),
        ({"x": {"list": ["a"], "fields": {"a": "a"}, "sort": ["a"]}}, r"document\.x: unknown key 'sort'"),
        ({"x": {"list": [], "fields": {"a": "a"}}}, r"document\.x\.list"),
        ({"x": {"list": ["a"]}}, r"document\.x: a list node needs fields"),
        ({"x": {"column": "a", "round": -1}}, r"document\.x\.round"),
        ({"x": {"map": "a", "list": ["b"], "fields": {"a": "a"}}}, "unknown node form"),
        ({"x": 3}, "unknown node form"),
        ({"x": {"fields": {"y": {"map": "m", "order_by": "o", "fields": {"a": "a"}}}}}, r"document\.x\.fields\.y\.order_by"),
    ],
)
def test_parse_rejects(spec, message):
    with pytest.raises(SpecError, match=message):
        parse(spec)


def test_parse_accepts_the_example():
    assert list(parse(SPEC).fields) == list(SPEC)


def test_partition_renders_dates_and_sorts_paths():
    rows = [{"date": dt.date(2026, 2, 22), "v": 1}, {"date": DAY, "v": 2}, {"date": dt.date(2026, 2, 22), "v": 3}]
    files = partition(rows, "picks/{date}.json")
    assert list(files) == ["picks/2026-02-21.json", "picks/2026-02-22.json"]
    assert [r["v"] for r in files["picks/2026-02-22.json"]] == [1, 3]


def test_partition_without_placeholders_keeps_all_rows():
    rows = [{"a": 1}, {"a": 2}]
    assert partition(rows, "systems/models.json") == {"systems/models.json": rows}


def test_partition_with_several_placeholders():
    rows = [{"kind": "x", "n": 7}]
    assert list(partition(rows, "a/{kind}/{n}.json")) == ["a/x/7.json"]


@pytest.mark.parametrize("bad", ["a/b", "..", "x..y", "", None, ".hidden", "a b"])
def test_partition_rejects_unsafe_placeholder_values(bad):
    with pytest.raises(FoldError, match="placeholder 'date'|unsafe value"):
        partition([{"date": bad}], "picks/{date}.json", source="mart picks")


def test_partition_unknown_placeholder_column():
    with pytest.raises(FoldError, match=r"mart picks: .*'day'"):
        partition([{"date": DAY}], "picks/{day}.json", source="mart picks")


@pytest.mark.parametrize("bad", ["../x.json", "/abs.json", "a//b.json", "x.txt", "picks/{date:%Y}.json", "a/./b.json", 3])
def test_validate_path_template_rejects(bad):
    with pytest.raises(SpecError):
        validate_path_template(bad)


def test_validate_path_template_accepts():
    validate_path_template("admin/picks/{date}.json")


def test_round_of_a_non_number_names_the_source_and_key():
    with pytest.raises(FoldError, match=r"mart m: pct: cannot round non-number 'x'"):
        fold([{"p": "x"}], {"pct": {"column": "p", "round": 1}}, {}, source="mart m")


def test_descending_marker_only_in_order_by():
    with pytest.raises(SpecError, match=r"document\.x\.list"):
        parse({"x": {"list": ["-k"], "fields": {"k": "k"}}})
    parse({"x": {"list": ["k"], "order_by": ["-k"], "fields": {"k": "k"}}})


@pytest.mark.parametrize("order_by", [["o"], ["-o"]])
def test_values_that_cannot_be_ordered_name_the_column(order_by):
    spec = {"items": {"list": ["k"], "order_by": order_by, "fields": {"k": "k"}}}
    with pytest.raises(FoldError, match=r"mart m: items: cannot order .* in column 'o'"):
        fold([{"k": 1, "o": 1}, {"k": 2, "o": "a"}], spec, {}, source="mart m")


def test_stream_partitions_groups_sorted_rows():
    from publisher.documents import stream_partitions

    rows = [{"date": dt.date(2026, 2, 20), "v": 1}, {"date": dt.date(2026, 2, 20), "v": 2}, {"date": DAY, "v": 3}]
    assert [(p, [r["v"] for r in rs]) for p, rs in stream_partitions(iter(rows), "picks/{date}.json")] == [
        ("picks/2026-02-20.json", [1, 2]), ("picks/2026-02-21.json", [3])]
    assert list(stream_partitions(iter(rows), "systems/x.json")) == [("systems/x.json", rows)]
    assert list(stream_partitions(iter([]), "systems/x.json")) == []
    with pytest.raises(FoldError, match="rows of picks/2026-02-20.json are not contiguous"):
        list(stream_partitions(iter([*rows, rows[0]]), "picks/{date}.json", source="mart m"))
    with pytest.raises(FoldError, match="names column 'day'"):
        list(stream_partitions(iter(rows), "picks/{day}.json", source="mart m"))


def test_output_keys_must_be_strings():
    with pytest.raises(SpecError, match="output keys must be non-empty strings"):
        parse({1: "a"})


# ---- composed documents: parts joined on declared columns (season -> weeks -> days -> picks)

COMPOSED = {
    "date": "date",
    "today": {"from": "picks", "join": {"date": "day"}, "list": ["rank"], "fields": {"rank": "rank", "who": "who"}},
    "weeks": {"from": "weeks", "join": ["season"], "list": ["week"], "order_by": ["-week"], "fields": {
        "week": "week", "wins": "wins",
        "days": {"from": "days", "join": ["week"], "list": ["day"], "fields": {
            "day": "day",
            "picks": {"from": "picks", "join": ["day"], "list": ["rank"], "fields": {"rank": "rank", "who": "who"}}}}}},
    "streak": {"from": "streaks", "join": ["season"], "null_if": "kind", "fields": {"kind": "kind"}},
}
ROOT = [{"date": "2026-02-10", "season": "2025-26"}]
PARTS = {
    "weeks": [{"season": "2025-26", "week": "2026-02-02", "wins": 1}, {"season": "2025-26", "week": "2026-02-09", "wins": 0},
              {"season": "2024-25", "week": "2025-02-03", "wins": 9}],
    "days": [{"week": "2026-02-09", "day": "2026-02-10"}, {"week": "2026-02-02", "day": "2026-02-03"},
             {"week": "2026-02-02", "day": "2026-02-02"}],
    "picks": [{"day": "2026-02-10", "rank": 2, "who": "B"}, {"day": "2026-02-10", "rank": 1, "who": "A"},
              {"day": "2026-02-03", "rank": 1, "who": "C"}],
    "streaks": [],
}


def test_fold_composes_parts_joined_on_declared_columns():
    doc = fold(ROOT, COMPOSED, {}, parts=PARTS)
    assert doc == {
        "date": "2026-02-10",
        "today": [{"rank": 1, "who": "A"}, {"rank": 2, "who": "B"}],
        "weeks": [
            {"week": "2026-02-09", "wins": 0, "days": [
                {"day": "2026-02-10", "picks": [{"rank": 1, "who": "A"}, {"rank": 2, "who": "B"}]}]},
            {"week": "2026-02-02", "wins": 1, "days": [
                {"day": "2026-02-02", "picks": []}, {"day": "2026-02-03", "picks": [{"rank": 1, "who": "C"}]}]}],
        "streak": None,  # no row of the part: null, as null_if allows
    }


def test_columns_by_model_and_join_errors():
    assert columns_by_model(parse(COMPOSED), "root") == {
        "root": {"date", "season"}, "picks": {"day", "rank", "who"}, "weeks": {"season", "week", "wins"},
        "days": {"week", "day"}, "streaks": {"season", "kind"}}
    with pytest.raises(SpecError, match=r"document.x: `from` and `join` go together"):
        parse({"x": {"from": "p", "list": ["k"], "fields": {"k": "k"}}})
    with pytest.raises(SpecError, match=r"document.x.join: expected a non-empty list"):
        parse({"x": {"from": "p", "join": [], "list": ["k"], "fields": {"k": "k"}}})
    with pytest.raises(FoldError, match=r"mart m: x: no row of part p where k = 1"):
        fold([{"k": 1}], {"x": {"from": "p", "join": ["k"], "fields": {"v": "v"}}}, {}, source="mart m", parts={"p": []})
    with pytest.raises(FoldError, match=r"mart m: column 'v' declared in the document is not in the rows"):
        fold([{"k": 1}], {"x": {"from": "p", "join": ["k"], "fields": {"v": "v"}}}, {}, source="mart m",
             parts={"p": [{"k": 1}]})


def test_part_rows_follow_the_root_file_by_file():
    rows = [{"date": DAY, "n": 1}, {"date": DAY, "n": 2}, {"date": dt.date(2026, 2, 23), "n": 3}]
    part = PartRows("p", iter(rows), "picks/{date}.json", "mart m")
    assert part.take((dt.date(2026, 2, 20),)) == []
    assert [r["n"] for r in part.take((DAY,))] == [1, 2]
    assert part.take((dt.date(2026, 2, 22),)) == []
    with pytest.raises(FoldError, match=r"mart m: part p has rows for \(datetime.date\(2026, 2, 23\),\) that the root"):
        part.finish()
    assert PartRows("q", iter([]), "picks/{date}.json", "mart m").take((DAY,)) == []
    skipped = PartRows("p", iter(rows), "picks/{date}.json", "mart m")
    with pytest.raises(FoldError, match=r"part p has rows for \(datetime.date\(2026, 2, 21\),\)"):
        skipped.take((dt.date(2026, 2, 22),))  # the root has no file for the 21st: those part rows belong nowhere
    with pytest.raises(FoldError, match=r"mart m \(part p\): path 'picks/\{day\}.json' names column 'day'"):
        PartRows("p", iter(rows), "picks/{day}.json", "mart m")


def test_sorted_groups_agree_with_a_column_by_column_comparison():
    """Stable sorts, last tie-breaker first, against the rule read literally: the first column that differs
    decides, None last, descending columns reversed."""
    import functools
    import random

    from publisher.documents import sorted_groups

    def reference(groups, columns):
        def compare(a, b):
            for column in columns:
                name, sign = column.removeprefix("-"), -1 if column.startswith("-") else 1
                x, y = a[0][name], b[0][name]
                if x != y:
                    return (1 if x is None else -1) if x is None or y is None else sign * ((x > y) - (x < y))
            return 0
        return sorted(groups, key=functools.cmp_to_key(compare))

    rng = random.Random(7)
    for _ in range(300):
        rows = [{"k": rng.randint(0, 6), "a": rng.choice([None, 1, 2, 3]), "b": rng.choice([None, "x", "y"])}
                for _ in range(rng.randint(0, 12))]
        order_by = rng.sample(["a", "-a", "b", "-b"], rng.randint(0, 2))
        found = sorted_groups(rows, ["k"], order_by or ["k"], "w")
        first = {}
        for row in rows:
            first.setdefault(row["k"], [row])
        assert [g[0]["k"] for g in found] == [g[0]["k"] for g in reference(list(first.values()), [*(order_by or ["k"]), "k"])]


@pytest.mark.parametrize(("key_path", "expected"), [
    (["date"], "mart root, column date"),
    (["weeks", 1, "wins"], "mart weeks, column wins"),
    (["weeks", 0, "days", 2, "picks", 0, "who"], "mart picks, column who"),
    (["weeks", 0, "days", 1], "mart days"),  # a whole element: its rows, no one column
    (["streak", "kind"], "mart streaks, column kind"),
    (["today"], "mart picks"),
    (["weeks", 0, "extra"], "mart weeks"),  # a key the declaration has not: the rows enclosing it
    ([], "mart root"),
])
def test_origin_names_the_mart_and_column_a_value_comes_from(key_path, expected):
    """A schema violation's key path, read back through the declaration: the part whose rows hold it (below each
    from:), a list's index or a map's key skipped."""
    assert origin(parse(COMPOSED), "root", key_path) == expected
