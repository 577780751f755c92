"""destinations.LocalDestination: atomic writes and change detection."""

import os

import pytest

from publisher.destinations import LocalDestination, plan_status
from publisher.serialize import content_hash, serialize

PATH = "picks/2026-02-21.json"
DOC = {"date": "2026-02-21", "generated_at": "2026-02-21T18:00:00Z", "picks": [{"line": 25.5}]}


def test_created_then_unchanged_then_updated(tmp_path):
    dest = LocalDestination(tmp_path)
    file = tmp_path / "v1" / PATH
    assert dest.get_hash(PATH) is None
    assert dest.put(PATH, serialize(DOC), "public, max-age=300") == "created"
    assert file.read_bytes() == serialize(DOC)
    assert dest.get_hash(PATH) == content_hash(DOC)

    later = {**DOC, "generated_at": "2026-02-21T19:00:00Z"}
    assert dest.put(PATH, serialize(later), "public, max-age=300") == "unchanged"
    assert file.read_bytes() == serialize(DOC)  # not rewritten: generated_at stays

    changed = {**later, "picks": [{"line": 26.5}]}
    assert dest.put(PATH, serialize(changed), "public, max-age=300") == "updated"
    assert file.read_bytes() == serialize(changed)
    assert sorted(os.listdir(file.parent)) == ["2026-02-21.json"]  # no temp files left


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    dest = LocalDestination(tmp_path)
    dest.put(PATH, serialize(DOC), "public, max-age=300")

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        dest.put(PATH, serialize({**DOC, "picks": []}), "public, max-age=300")
    file = tmp_path / "v1" / PATH
    assert file.read_bytes() == serialize(DOC)
    assert sorted(os.listdir(file.parent)) == ["2026-02-21.json"]


def test_unreadable_existing_file_is_updated(tmp_path):
    dest = LocalDestination(tmp_path)
    (tmp_path / "v1").mkdir()
    (tmp_path / "v1" / "x.json").write_text("not json")
    assert dest.put("x.json", serialize(DOC), "public, max-age=300") == "updated"


@pytest.mark.parametrize("bad", ["../x.json", "/x.json", "a//x.json", ""])
def test_unsafe_paths_are_rejected(tmp_path, bad):
    with pytest.raises(ValueError, match="unsafe"):
        LocalDestination(tmp_path).put(bad, serialize(DOC), "public, max-age=300")


def test_plan_status():
    assert plan_status(None, "a") == "created"
    assert plan_status("a", "a") == "unchanged"
    assert plan_status("a", "b") == "updated"
