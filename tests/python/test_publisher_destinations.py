"""destinations: LocalDestination (atomic writes, listing with hashes, preconditions), plan_status, URLs."""

import os

import pytest

from publisher.destinations import (ConflictError, GCSDestination, LocalDestination, StoredObject, open_destination,
                                    parse_url)
from publisher.publish import plan_status
from publisher.serialize import content_hash, serialize

PATH = "picks/2026-02-21.json"
DOC = {"date": "2026-02-21", "generated_at": "2026-02-21T18:00:00Z", "picks": [{"line": 25.5}]}
CC = "public, max-age=300"


def test_list_put_and_preconditions(tmp_path):
    dest = LocalDestination(tmp_path)
    file = tmp_path / "v1" / PATH
    assert dest.list() == {}
    stored = dest.put(PATH, serialize(DOC), content_hash(DOC), CC, None)
    assert file.read_bytes() == serialize(DOC)
    assert stored == StoredObject(PATH, content_hash(DOC), file.stat().st_mtime_ns)
    assert dest.list() == {PATH: stored}
    # a second writer that listed before the first write loses
    with pytest.raises(ConflictError, match="changed since it was listed"):
        dest.put(PATH, serialize(DOC), content_hash(DOC), CC, None)
    with pytest.raises(ConflictError):
        dest.put(PATH, serialize(DOC), content_hash(DOC), CC, stored.generation + 1)
    changed = {**DOC, "picks": []}
    dest.put(PATH, serialize(changed), content_hash(changed), CC, stored.generation)
    assert file.read_bytes() == serialize(changed)
    assert sorted(os.listdir(file.parent)) == ["2026-02-21.json"]  # no temp files left
    current = dest.list()[PATH]
    with pytest.raises(ConflictError, match="changed since it was listed"):  # deleting another generation
        dest.delete(StoredObject(PATH, current.hash, current.generation - 1))
    assert file.read_bytes() == serialize(changed)
    dest.delete(current)
    assert not file.exists() and dest.list() == {}


def test_listing_hash_ignores_generated_at_and_skips_hidden_files(tmp_path):
    dest = LocalDestination(tmp_path)
    (tmp_path / "v1" / "picks").mkdir(parents=True)
    (tmp_path / "v1" / PATH).write_bytes(serialize({**DOC, "generated_at": "2030-01-01T00:00:00Z"}))
    (tmp_path / "v1" / "picks" / ".x.json.123.tmp").write_text("partial")  # a write under way
    abandoned = tmp_path / "v1" / "picks" / ".y.json.456.tmp"  # a killed run's, two hours old
    abandoned.write_text("partial")
    os.utime(abandoned, (abandoned.stat().st_atime, abandoned.stat().st_mtime - 7200))
    (tmp_path / "v1" / "broken.json").write_text("not json")
    listing = dest.list()
    assert sorted(listing) == ["broken.json", PATH]
    # a listing changes nothing (a dry run lists); a run about to write, under the lock, deletes the killed run's
    assert sorted(os.listdir(tmp_path / "v1" / "picks")) == [".x.json.123.tmp", ".y.json.456.tmp", "2026-02-21.json"]
    with dest.locked():
        assert sorted(os.listdir(tmp_path / "v1" / "picks")) == [".x.json.123.tmp", "2026-02-21.json"]
    assert listing[PATH].hash == content_hash(DOC)
    assert listing["broken.json"].hash == "invalid"
    assert plan_status(listing["broken.json"], content_hash(DOC)) == "updated"


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    dest = LocalDestination(tmp_path)
    stored = dest.put(PATH, serialize(DOC), content_hash(DOC), CC, None)

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        dest.put(PATH, serialize({**DOC, "picks": []}), "x", CC, stored.generation)
    file = tmp_path / "v1" / PATH
    assert file.read_bytes() == serialize(DOC)
    assert sorted(os.listdir(file.parent)) == ["2026-02-21.json"]


@pytest.mark.parametrize("bad", ["../x.json", "/x.json", "a//x.json", ""])
def test_unsafe_paths_are_rejected(tmp_path, bad):
    with pytest.raises(ValueError, match="unsafe"):
        LocalDestination(tmp_path).put(bad, serialize(DOC), "h", CC, None)


@pytest.mark.parametrize(("url", "expected"), [
    ("gs://bucket", ("bucket", "v1/")),
    ("gs://bucket/", ("bucket", "v1/")),
    ("gs://bucket/site", ("bucket", "site/v1/")),
    ("gs://bucket/a/b/", ("bucket", "a/b/v1/")),
    ("gs://bucket//a/b", ("bucket", "a/b/v1/")),  # a doubled slash is no empty folder name
])
def test_parse_gcs_url(url, expected):
    assert parse_url(url) == expected


@pytest.mark.parametrize("bad", ["gs://", "gs:///x", "gs://b/../x", "s3://b"])
def test_bad_gcs_urls(bad):
    with pytest.raises(ValueError):
        parse_url(bad)


def test_open_destination(tmp_path, monkeypatch):
    assert isinstance(open_destination(str(tmp_path)), LocalDestination)
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", "http://127.0.0.1:1")  # no credentials needed; nothing is called
    gcs = open_destination("gs://bucket/site")
    assert isinstance(gcs, GCSDestination) and (gcs.bucket_name, gcs.root) == ("bucket", "site/v1/")


def test_listing_takes_the_hash_from_the_manifest_while_the_file_is_unchanged(tmp_path):
    dest = LocalDestination(tmp_path)
    stored = dest.put(PATH, serialize(DOC), content_hash(DOC), CC, None)

    def manifest_says(generation):
        doc = {"generated_at": "x", "objects": {PATH: {"hash": "from-manifest", "generation": generation}}}
        (tmp_path / "v1" / "manifest.json").write_bytes(serialize(doc))

    manifest_says(stored.generation)
    assert dest.list()[PATH].hash == "from-manifest"  # same generation: the file is not read
    manifest_says(stored.generation - 1)
    assert dest.list()[PATH].hash == content_hash(DOC)  # another generation: the file is read
    (tmp_path / "v1" / "manifest.json").write_text("not json")
    assert dest.list()[PATH].hash == content_hash(DOC)
