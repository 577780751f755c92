"""The publisher against a real GCS emulator (fake-gcs-server on a free 127.0.0.1 port, started here).

Stored objects are inspected with plain HTTP calls to the emulator's JSON API, not
with the publisher's own code; faults come from a proxy in front of the emulator.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from fault_proxy import FaultProxy
from gcs_emulator import Emulator, EmulatorError
from publisher.destinations import GZIP_AT, ConflictError, GCSDestination, StoredObject
from publisher.publish import MANIFEST_CACHE_CONTROL, MANIFEST_PATH, Index, manifest_document, write_index
from publisher.report import Tally
from publisher.destinations import RetryPolicy
from publisher_project import GENERATED_AT, make_project, publish, sql, write_run_results

REPO = Path(__file__).resolve().parents[2]
JSON_TYPE = "application/json; charset=utf-8"
FAST = ("--retry-initial", "0.01")


@pytest.fixture(scope="session")
def emulator():
    try:
        server = Emulator().start()
    except EmulatorError as error:
        pytest.fail(f"cannot start the GCS emulator (fake-gcs-server, a dev dependency): {error}")
    yield server
    server.stop()


def api(emulator, method, path, body=None):
    request = urllib.request.Request(f"{emulator.url}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture
def bucket(emulator):
    name = f"test-{uuid.uuid4().hex[:12]}"
    api(emulator, "POST", "/storage/v1/b?project=test", {"name": name})
    return name


@pytest.fixture
def project(tmp_path, monkeypatch, emulator):
    for name in ("DBT_PROFILES_DIR", "TINY_DUCKDB", "DBT_TARGET_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator.url)
    return make_project(tmp_path)


def stored(emulator, bucket, prefix="site/v1/"):
    """name (relative to prefix) -> object resource, every page."""
    found, token = {}, None
    while True:
        query = urllib.parse.urlencode({"prefix": prefix, "maxResults": 3, **({"pageToken": token} if token else {})})
        page = api(emulator, "GET", f"/storage/v1/b/{bucket}/o?{query}")
        for item in page.get("items", []):
            found[item["name"][len(prefix):]] = item
        token = page.get("nextPageToken")
        if not token:
            return found


def generations(emulator, bucket):
    return {name: item["generation"] for name, item in stored(emulator, bucket).items()}


def download(emulator, bucket, name):
    quoted = urllib.parse.quote(f"site/v1/{name}", safe="")
    with urllib.request.urlopen(f"{emulator.url}/storage/v1/b/{bucket}/o/{quoted}?alt=media", timeout=10) as response:
        return response.headers, response.read()


def expected_hash(doc):
    """sha256 of the compact JSON without generated_at (top level only in these documents)."""
    stripped = {k: v for k, v in doc.items() if k != "generated_at"}
    return hashlib.sha256((json.dumps(stripped, ensure_ascii=False, separators=(",", ":")) + "\n").encode()).hexdigest()


def run(project, bucket, *extra, proxy=None, monkeypatch=None, generated_at=GENERATED_AT):
    if proxy is not None:
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", proxy.url)
    return publish(project, f"gs://{bucket}/site", *FAST, *extra, generated_at=generated_at)


ALL = ["latest.json", "manifest.json", "picks/2026-02-20.json", "picks/2026-02-21.json", "schemas/latest.schema.json", "schemas/picks.schema.json",
       "schemas/subsets/performance.schema.json",
       "schemas/systems/models.schema.json", "subsets/performance.json", "systems/models.json"]
CACHE = {"manifest.json": "public, max-age=30", "latest.json": "public, max-age=60",
         "schemas/latest.schema.json": "public, max-age=3600", "picks/2026-02-20.json": "public, max-age=300",
         "picks/2026-02-21.json": "public, max-age=300", "schemas/picks.schema.json": "public, max-age=3600",
         "schemas/subsets/performance.schema.json": "public, max-age=3600",
         "schemas/systems/models.schema.json": "public, max-age=3600",
         "subsets/performance.json": "public, max-age=3600", "systems/models.json": "public, max-age=86400"}


def test_metadata_per_endpoint_and_manifest(project, bucket, emulator):
    assert run(project, bucket, "--all-dates") == 0
    objects = stored(emulator, bucket)
    assert sorted(objects) == ALL
    assert {name: item["cacheControl"] for name, item in objects.items()} == CACHE
    assert {item["contentType"] for item in objects.values()} == {JSON_TYPE}

    headers, data = download(emulator, bucket, "picks/2026-02-21.json")
    assert (headers["Content-Type"], headers["Cache-Control"]) == (JSON_TYPE, "public, max-age=300")
    assert data == (
        '{"date":"2026-02-21","generated_at":"2026-02-21T18:00:00Z","model":"926A","groups":['
        '{"id":1,"name":"Top Pick","picks":[{"player":"Nikola Jokić","line":25.5},{"player":"VJ Edgecombe","line":14.5}]},'
        '{"id":2,"name":"Top 5","picks":[]}]}\n').encode()
    metadata = objects["picks/2026-02-21.json"]["metadata"]
    assert metadata["content-hash"] == expected_hash(json.loads(data))
    assert sorted(metadata) == ["content-hash", "input-hash"] and len(metadata["input-hash"]) == 64
    headers, data = download(emulator, bucket, "schemas/picks.schema.json")
    assert data == (project / "schemas" / "picks.schema.json").read_bytes()

    _, data = download(emulator, bucket, "manifest.json")
    manifest = json.loads(data)
    assert manifest["generated_at"] == GENERATED_AT
    assert manifest["objects"] == {
        name: {"hash": item["metadata"]["content-hash"], "generation": int(item["generation"])}
        for name, item in sorted(objects.items()) if name != "manifest.json"}


def test_two_buckets_admin_objects_only_in_the_private_one(project, bucket, emulator):
    private = f"private-{uuid.uuid4().hex[:12]}"
    api(emulator, "POST", "/storage/v1/b?project=test", {"name": private})
    assert run(project, bucket, "--all-dates", "--admin-dest", f"gs://{private}/ops") == 0
    public = stored(emulator, bucket)
    assert sorted(public) == ALL
    for name in public:  # `grep -c admin/` on every public object, manifest and index: 0
        assert download(emulator, bucket, name)[1].count(b"admin/") == 0, name
    admin = stored(emulator, private, "ops/v1/")
    assert sorted(admin) == ["admin/models.json", "admin/schemas/models.schema.json", "manifest.json"]
    assert {name: item["cacheControl"] for name, item in admin.items()} == {
        "admin/models.json": "private, max-age=86400", "admin/schemas/models.schema.json": "private, max-age=3600",
        "manifest.json": "private, max-age=30"}
    quoted = urllib.parse.quote("ops/v1/manifest.json", safe="")
    with urllib.request.urlopen(f"{emulator.url}/storage/v1/b/{private}/o/{quoted}?alt=media", timeout=10) as response:
        manifest = json.loads(response.read())
    assert manifest["objects"] == {name: {"hash": item["metadata"]["content-hash"], "generation": int(item["generation"])}
                                   for name, item in sorted(admin.items()) if name != "manifest.json"}


def test_unchanged_republish_uploads_nothing_then_one_date_changes(project, bucket, emulator, monkeypatch):
    assert run(project, bucket, "--all-dates") == 0
    first = generations(emulator, bucket)
    with FaultProxy(emulator.url) as proxy:
        assert run(project, bucket, "--all-dates", proxy=proxy, monkeypatch=monkeypatch,
                   generated_at="2026-02-22T09:00:00Z") == 0
        assert proxy.seen[("POST", "upload")] == 0
        assert proxy.seen[("GET", "api")] == 1  # one listing, no download
        assert (proxy.seen[("POST", "lock")], proxy.seen[("DELETE", "lock")]) == (1, 1)  # the bucket lock, taken and released
    assert generations(emulator, bucket) == first

    sql(project, "UPDATE public.picks_daily SET line = 21.5 WHERE date = '2026-02-20'")
    with FaultProxy(emulator.url) as proxy:
        assert run(project, bucket, "--all-dates", proxy=proxy, monkeypatch=monkeypatch) == 0
        assert proxy.seen[("POST", "upload")] == 2
    after = generations(emulator, bucket)
    assert {name for name in after if after[name] != first[name]} == {"picks/2026-02-20.json", "manifest.json"}
    _, data = download(emulator, bucket, "manifest.json")
    assert json.loads(data)["objects"]["picks/2026-02-20.json"]["generation"] == int(after["picks/2026-02-20.json"])


def test_dry_run_writes_nothing(project, bucket, emulator, monkeypatch, capsys):
    with FaultProxy(emulator.url) as proxy:
        assert run(project, bucket, "--all-dates", "--dry-run", proxy=proxy, monkeypatch=monkeypatch) == 0
        assert proxy.seen[("POST", "upload")] == 0
    assert "would create picks/2026-02-20.json" in capsys.readouterr().err
    assert stored(emulator, bucket) == {}


def add_forbidden_key(project):
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    picks = manifest["nodes"]["model.tiny.picks_daily"]["config"]["meta"]["publish"]["document"]
    picks["groups"]["fields"]["picks"]["fields"]["edge"] = "line"
    (project / "target" / "manifest.json").write_text(json.dumps(manifest))
    from publisher.cli import main

    assert main(["schemas", "--project-dir", str(project), "--write"]) == 0  # so only the clean-API rule trips


@pytest.mark.parametrize("breakage", ["forbidden key", "schema violation", "failed upstream test"])
def test_failed_check_uploads_nothing(project, bucket, emulator, monkeypatch, capsys, breakage):
    if breakage == "forbidden key":
        add_forbidden_key(project)
        message = "clean-API violation: picks/2026-02-21.json: $.groups[0].picks[0].edge: key 'edge'"
    elif breakage == "schema violation":
        sql(project, "UPDATE public.picks_daily SET model_codename = NULL")
        message = ('schema violation: picks/2026-02-21.json: $.model (mart picks_daily, column model_codename): '
                   'value None: null is not of type "string"')
    else:
        write_run_results(project, {"test.tiny.not_null_int_picks_line": "fail"})
        message = "run-results gate: 1 cause(s) above blocked 1 endpoint(s): picks_daily"
    with FaultProxy(emulator.url) as proxy:
        assert run(project, bucket, "--json", proxy=proxy, monkeypatch=monkeypatch) == 1
        assert proxy.seen[("POST", "upload")] == 0
    captured = capsys.readouterr()
    assert message in captured.err
    assert stored(emulator, bucket) == {}
    report = json.loads(captured.out)
    assert report["ok"] is False and report["manifest"] == {"public": "not written"}
    assert {e["name"]: e["status"] for e in report["endpoints"]}["picks_daily"] == "failed"


@pytest.mark.parametrize(("fault", "args"), [
    ("fail", (3, 503)), ("fail", (2, 429)), ("fail", (2, 500)), ("drop", (2,)), ("drop", (1, True))])
def test_transient_faults_end_in_success(project, bucket, emulator, monkeypatch, fault, args):
    with FaultProxy(emulator.url) as proxy:
        getattr(proxy, fault)(*args)
        assert run(project, bucket, "--all-dates", proxy=proxy, monkeypatch=monkeypatch) == 0
        assert sum(proxy.injected.values()) == args[0]
        # every object was uploaded once, plus one upload per injected fault
        assert proxy.seen[("POST", "upload")] == len(ALL) + args[0]
    objects = stored(emulator, bucket)
    assert sorted(objects) == ALL
    _, data = download(emulator, bucket, "manifest.json")
    assert set(json.loads(data)["objects"]) == set(ALL) - {"manifest.json"}


def test_past_the_retry_budget_the_manifest_is_untouched_and_a_rerun_finishes(project, bucket, emulator, monkeypatch,
                                                                                capsys):
    assert run(project, bucket, "--all-dates") == 0
    first = generations(emulator, bucket)
    _, manifest_before = download(emulator, bucket, "manifest.json")
    sql(project, "UPDATE public.picks_daily SET line = line + 1")
    sql(project, "UPDATE public.models_public SET hit_rate = 60")
    with FaultProxy(emulator.url) as proxy:
        proxy.fail(3, 503)  # --workers 1: the first changed object fails 3 times, the budget is 3 tries
        assert run(project, bucket, "--all-dates", "--workers", "1", "--retries", "2", "--json",
                   proxy=proxy, monkeypatch=monkeypatch) == 1
    captured = capsys.readouterr()
    assert "gave up after 3 attempts" in captured.err
    assert "NOT writing latest.json nor manifest.json" in captured.err
    report = json.loads(captured.out)
    failed = [o["path"] for o in report["objects"] if o["status"] == "failed"]
    assert len(failed) == 1 and report["manifest"] == {"public": "not written"}
    middle = generations(emulator, bucket)
    assert middle["manifest.json"] == first["manifest.json"]
    assert download(emulator, bucket, "manifest.json")[1] == manifest_before
    changed = {n for n in middle if middle[n] != first[n]}
    assert changed == {"picks/2026-02-20.json", "picks/2026-02-21.json", "systems/models.json"} - set(failed)

    with FaultProxy(emulator.url) as proxy:  # the rerun uploads what is missing, then the manifest
        assert run(project, bucket, "--all-dates", proxy=proxy, monkeypatch=monkeypatch) == 0
        assert proxy.seen[("POST", "upload")] == 2
    final = generations(emulator, bucket)
    assert {n for n in final if final[n] != middle[n]} == {failed[0], "manifest.json"}


def test_large_documents_are_stored_gzip_compressed_and_read_both_ways(emulator, bucket, monkeypatch):
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator.url)
    dest = GCSDestination(f"gs://{bucket}/site", retry=RetryPolicy(2, 0.01))
    large = (json.dumps({"picks": [{"player": f"Player {i}", "line": 20.5} for i in range(1000)]}) + "\n").encode()
    small = b'{"picks":[]}\n'
    assert len(large) >= GZIP_AT > len(small)
    dest.put("large.json", large, "h-large", "public, max-age=300", None)
    dest.put("small.json", small, "h-small", "public, max-age=300", None)
    for name, size in [("at.json", GZIP_AT), ("below.json", GZIP_AT - 1)]:  # the threshold itself is compressed
        dest.put(name, b'{"x":"' + b"a" * (size - 9) + b'"}\n', f"h-{name}", "public, max-age=300", None)
    objects = stored(emulator, bucket)
    assert objects["large.json"].get("contentEncoding") == "gzip" and int(objects["large.json"]["size"]) < len(large) / 10
    assert "contentEncoding" not in objects["small.json"]
    assert objects["at.json"].get("contentEncoding") == "gzip" and "contentEncoding" not in objects["below.json"]
    headers, data = download(emulator, bucket, "large.json")  # a client that does not accept gzip: transcoded
    assert data == large and headers.get("Content-Encoding") is None
    quoted = urllib.parse.quote("site/v1/large.json", safe="")
    request = urllib.request.Request(f"{emulator.url}/storage/v1/b/{bucket}/o/{quoted}?alt=media",
                                     headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:  # one that does: the stored bytes
        assert response.headers["Content-Encoding"] == "gzip" and gzip.decompress(response.read()) == large
    assert download(emulator, bucket, "small.json")[1] == small
    # change detection reads the content hash of the uncompressed document, from the metadata
    assert {path: stored.hash for path, stored in dest.list().items()} == {
        "large.json": "h-large", "small.json": "h-small", "at.json": "h-at.json", "below.json": "h-below.json"}


def test_withdraw_deletes_and_fixes_the_manifest_and_latest(project, bucket, emulator, capsys, monkeypatch):
    assert run(project, bucket, "--all-dates") == 0
    before = generations(emulator, bucket)
    from publisher.cli import main

    withdraw = ["withdraw", "--project-dir", str(project), "--dest", f"gs://{bucket}/site", "picks/2026-02-21.json"]
    assert main(withdraw) == 1 and stored(emulator, bucket).keys() == before.keys()  # an endpoint publishes it
    monkeypatch.setattr("publisher.destinations.LOCK_WAIT", 0.5)
    with GCSDestination(f"gs://{bucket}/site", retry=RetryPolicy(2, 0.01)).locked():  # a publisher run holds the bucket
        capsys.readouterr()
        assert main([*withdraw, "--force"]) == 1
        assert f"error: ConflictError: gs://{bucket}/site/v1.lock is held by another run: " in capsys.readouterr().err
    assert generations(emulator, bucket) == before  # nothing deleted, no index rewritten
    assert main([*withdraw, "--force"]) == 0
    after = generations(emulator, bucket)
    assert sorted(after) == sorted(set(before) - {"picks/2026-02-21.json"})
    assert {name for name in after if after[name] != before[name]} == {"latest.json", "manifest.json"}
    assert json.loads(download(emulator, bucket, "latest.json")[1])["dates"] == {"picks": "2026-02-20"}
    manifest = json.loads(download(emulator, bucket, "manifest.json")[1])["objects"]
    assert manifest == {name: {"hash": item["metadata"]["content-hash"], "generation": int(item["generation"])}
                        for name, item in sorted(stored(emulator, bucket).items()) if name != "manifest.json"}


def test_timeouts_are_retried(emulator, bucket, monkeypatch):
    with FaultProxy(emulator.url) as proxy:
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", proxy.url)
        proxy.delay(1, 1.5)
        monkeypatch.setattr("publisher.destinations.TIMEOUT", (2.0, 0.5))
        dest = GCSDestination(f"gs://{bucket}", retry=RetryPolicy(3, 0.01))
        result = dest.put("a.json", b'{"a":1}\n', "h1", "public, max-age=300", None)
        assert proxy.injected["delay"] == 1
    assert result.path == "a.json" and result.hash == "h1"
    assert stored(emulator, bucket, "v1/")["a.json"]["metadata"] == {"content-hash": "h1"}


def test_preconditions_and_manifest_written_by_another_run(emulator, bucket, monkeypatch):
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator.url)
    dest = GCSDestination(f"gs://{bucket}/p", retry=RetryPolicy(2, 0.01))
    one = dest.put("x.json", b"{}\n", "h0", "public, max-age=300", None)
    with pytest.raises(ConflictError, match="changed since it was listed"):
        dest.put("x.json", b"[]\n", "h1", "public, max-age=300", None)  # it exists now
    listing = dest.list()
    assert listing == {"x.json": StoredObject("x.json", "h0", one.generation, "public, max-age=300")}
    # another run writes the manifest after our listing: ours is rebuilt from a fresh listing, not lost
    other = dest.put("y.json", b"{}\n", "h2", "public, max-age=300", None)
    dest.put("manifest.json", b'{"objects":{}}\n', "other", "public, max-age=30", None)
    index = Index(Tally("(manifest)"), MANIFEST_PATH, lambda found: manifest_document(found, GENERATED_AT),
                  MANIFEST_CACHE_CONTROL)
    status, manifest = write_index(dest, listing, index)
    assert status == "updated"
    objects = stored(emulator, bucket, "p/v1/")
    body = urllib.request.urlopen(
        f"{emulator.url}/storage/v1/b/{bucket}/o/{urllib.parse.quote('p/v1/manifest.json', safe='')}?alt=media").read()
    assert json.loads(body)["objects"] == {"x.json": {"hash": "h0", "generation": one.generation},
                                           "y.json": {"hash": "h2", "generation": other.generation}}
    assert int(objects["manifest.json"]["generation"]) == manifest.generation
    with FaultProxy(emulator.url) as proxy:
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", proxy.url)
        from google.cloud.storage import Client

        list_blobs = Client.list_blobs  # pages of one object: the listing follows every page
        monkeypatch.setattr(Client, "list_blobs", lambda self, *args, **kwargs: list_blobs(self, *args, **kwargs, page_size=1))
        assert sorted(GCSDestination(f"gs://{bucket}/p").list()) == ["manifest.json", "x.json", "y.json"]
        assert proxy.seen[("GET", "api")] == 3  # one request per page


def test_every_storage_call_is_retried_and_a_stale_generation_is_a_conflict(emulator, bucket, monkeypatch):
    """Listing, metadata patches and deletions are retried like uploads. An update at a generation that is no longer
    the stored one is a conflict; patches and deletions carry the listed generation as their precondition, and
    Cloud Storage's 412 for them is a conflict too (the emulator ignores their precondition: the 412 is injected)."""
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator.url)
    first = GCSDestination(f"gs://{bucket}/r").put("x.json", b"{}\n", "h0", "c", None)
    second = GCSDestination(f"gs://{bucket}/r").put("x.json", b"[]\n", "h1", "c", first.generation)  # another run
    with FaultProxy(emulator.url) as proxy:
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", proxy.url)
        dest = GCSDestination(f"gs://{bucket}/r", retry=RetryPolicy(3, 0.01))
        object_path = f"/b/{bucket}/o/r%2Fv1%2Fx.json"
        with pytest.raises(ConflictError, match="changed since it was listed"):
            dest.put("x.json", b"{}\n", "h2", "c", first.generation)
        proxy.fail(2, 503, match=f"/b/{bucket}/o?")
        assert dest.list() == {"x.json": StoredObject("x.json", "h1", second.generation, "c")}
        proxy.fail(2, 503, match=object_path)
        dest.refresh(second, "fingerprint")
        assert proxy.injected["fail"] == 4
        assert dest.list() == {"x.json": StoredObject("x.json", "h1", second.generation, "c", "fingerprint")}
        proxy.fail(2, 412, match=object_path)
        with pytest.raises(ConflictError, match=f"gs://{bucket}/r/v1/x.json: changed since it was listed"):
            dest.refresh(first, "other")
        with pytest.raises(ConflictError, match=f"gs://{bucket}/r/v1/x.json: changed since it was listed"):
            dest.delete(first)
        proxy.fail(2, 503, match=object_path)
        dest.delete(second)
        assert proxy.injected["fail"] == 8 and dest.list() == {}
    preconditions = [int(re.search(r"[?&]ifGenerationMatch=(\d+)", path).group(1)) for method, path in proxy.requests
                     if method in ("PATCH", "DELETE") and object_path in path]
    # the refresh (2 faults, then done), the stale refresh and deletion (412), the deletion (2 faults, then done)
    assert preconditions == [second.generation] * 3 + [first.generation] * 2 + [second.generation] * 3


def patch_metadata(emulator, bucket, name, metadata):
    quoted = urllib.parse.quote(f"site/v1/{name}", safe="")
    return api(emulator, "PATCH", f"/storage/v1/b/{bucket}/o/{quoted}", {"metadata": metadata})


def test_fingerprints_skip_building_and_are_refreshed(project, bucket, emulator, monkeypatch, capsys):
    assert run(project, bucket, "--all-dates") == 0
    capsys.readouterr()
    assert run(project, bucket, "--all-dates") == 0
    assert "picks_daily: 2 file(s) picks/{date}.json (public, after-predictions); 2 known unchanged by fingerprint" \
        in capsys.readouterr().err
    assert run(project, bucket, "--all-dates", "--rebuild") == 0
    assert "known unchanged by fingerprint" not in capsys.readouterr().err
    # an object whose stored fingerprint is not the current one (say, written by an older publisher):
    # rebuilt and checked, found unchanged, not uploaded; only its metadata gets the new fingerprint
    before = stored(emulator, bucket)["picks/2026-02-21.json"]
    patch_metadata(emulator, bucket, "picks/2026-02-21.json", {"input-hash": "old"})
    with FaultProxy(emulator.url) as proxy:
        assert run(project, bucket, "--all-dates", proxy=proxy, monkeypatch=monkeypatch) == 0
        assert proxy.seen[("POST", "upload")] == 0 and proxy.seen[("PATCH", "api")] == 1
    assert "picks_daily: 2 file(s) picks/{date}.json (public, after-predictions); 1 known unchanged by fingerprint" \
        in capsys.readouterr().err
    after = stored(emulator, bucket)["picks/2026-02-21.json"]
    assert after["generation"] == before["generation"]
    assert after["metadata"] == before["metadata"]


def test_a_new_cache_control_is_uploaded(project, bucket, emulator, capsys):
    assert run(project, bucket, "--all-dates") == 0
    first = generations(emulator, bucket)
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    manifest["nodes"]["model.tiny.models_public"]["config"]["meta"]["publish"]["cache_control"] = "public, max-age=600"
    (project / "target" / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    # a dry run plans the manifest against the new generation the update will give the object (same content)
    assert run(project, bucket, "--all-dates", "--dry-run", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["manifest"] == {"public": "updated"} and generations(emulator, bucket) == first
    assert [(o["path"], o["status"]) for o in report["objects"] if o["status"] != "unchanged"] == [
        ("systems/models.json", "updated")]
    assert run(project, bucket, "--all-dates") == 0
    after = stored(emulator, bucket)
    assert after["systems/models.json"]["cacheControl"] == "public, max-age=600"
    assert {n for n in after if after[n]["generation"] != first[n]} == {"systems/models.json", "manifest.json"}


def lock_object(emulator, bucket):
    return stored(emulator, bucket, "site/").get("v1.lock")


def test_a_lock_whose_creation_landed_but_whose_answer_was_lost_is_held_not_waited_for(
        project, bucket, emulator, monkeypatch, capsys):
    """The lock's creation reaches the bucket but its answer is lost (the connection dropped): the retry meets the lock
    it made (412). The holder written in it is this run, so the run holds it and goes on; it must not wait for itself
    until LOCK_WAIT and give up naming itself."""
    monkeypatch.setattr("publisher.destinations.LOCK_WAIT", 1.0)
    with FaultProxy(emulator.url) as proxy:
        proxy.drop(1, after_forward=True, lock=True)
        assert run(project, bucket, "--all-dates", proxy=proxy, monkeypatch=monkeypatch) == 0
        assert proxy.injected["drop-after"] == 1 and proxy.seen[("POST", "lock")] == 2
    assert "waiting up to" not in capsys.readouterr().err
    assert sorted(stored(emulator, bucket)) == ALL and lock_object(emulator, bucket) is None  # released at the end


def test_the_bucket_lock_is_waited_for_renewed_refused_naming_its_holder_and_taken_over_when_stale(
        project, bucket, emulator, monkeypatch, capsys):
    monkeypatch.setattr("publisher.destinations.LOCK_WAIT", 1.0)
    monkeypatch.setattr("publisher.destinations.LOCK_RENEW", 0.2)
    holder = GCSDestination(f"gs://{bucket}/site", retry=RetryPolicy(2, 0.01))
    with holder.locked():
        held = lock_object(emulator, bucket)  # next to v1/, not in it: never listed, never in the manifest
        assert re.fullmatch(rf"pid={os.getpid()} host=\S+ since=\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ "
                            r"run=[0-9a-f]{8} what=publisher", held["metadata"]["holder"])
        capsys.readouterr()
        with pytest.raises(ConflictError) as refused:  # the same process and second: another run all the same
            with GCSDestination(f"gs://{bucket}/site").locked():
                pass
        assert float(lock_object(emulator, bucket)["metadata"]["renewed"]) > float(held["metadata"]["renewed"])
        assert str(refused.value).startswith(f"gs://{bucket}/site/v1.lock is held by another run: "
                                             f"{held['metadata']['holder']} (renewed ")
        assert "waited 1s and gave up" in str(refused.value)
        assert capsys.readouterr().err.splitlines() == [
            f"waiting up to 1s for gs://{bucket}/site/v1.lock, held by {held['metadata']['holder']}"]
        # a publisher run: refused the same way, before listing; nothing uploaded
        assert run(project, bucket, "--all-dates") == 1
        err = capsys.readouterr().err
        assert f"FAILED (manifest): gs://{bucket}/site: ConflictError: gs://{bucket}/site/v1.lock is held by " \
               f"another run: {held['metadata']['holder']}" in err
        assert sorted(stored(emulator, bucket)) == []
    assert lock_object(emulator, bucket) is None  # released
    # the lock of a dead run (killed: never deleted, not renewed for LOCK_STALE seconds) is taken over
    from google.cloud import storage

    dead = storage.Client().bucket(bucket).blob("site/v1.lock")
    renewed = time.time() - 121
    dead.metadata = {"holder": "pid=1 host=gone since=2026-02-21T17:00:00Z what=x", "renewed": f"{renewed:.3f}"}
    dead.upload_from_string("pid=1")
    capsys.readouterr()
    with GCSDestination(f"gs://{bucket}/site").locked():
        # the age is read when the lock is tried, so it is 121s plus the seconds this test took since the upload
        oldest = time.time() - renewed
        took_over = capsys.readouterr().err.splitlines()
        assert [re.sub(r"for \d+s,", "for Ns,", line) for line in took_over] == [
            f"taking over gs://{bucket}/site/v1.lock: not renewed for Ns, its holder is gone "
            "(pid=1 host=gone since=2026-02-21T17:00:00Z what=x)"]
        assert 121 <= int(re.search(r"for (\d+)s,", took_over[0]).group(1)) <= round(oldest)
        assert lock_object(emulator, bucket)["metadata"]["holder"].startswith(f"pid={os.getpid()} ")
    assert run(project, bucket, "--all-dates") == 0 and lock_object(emulator, bucket) is None


def test_two_concurrent_publishers_on_one_bucket_take_turns_and_lose_no_manifest_entry(project, emulator, monkeypatch):
    """Two publisher processes (two machines: no flock in common) with different endpoints, one versioned bucket.
    A third holder keeps the lock until both wait for it; then they take turns: the writes of one all come before
    the other's (uploads are slowed, so without the lock they would interleave), and the manifest lists both."""
    bucket = f"test-{uuid.uuid4().hex[:12]}"
    api(emulator, "POST", "/storage/v1/b?project=test", {"name": bucket, "versioning": {"enabled": True}})
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator.url)
    selections = {"picks": "picks_daily", "others": "models_public,performance"}
    with FaultProxy(emulator.url) as proxy:
        proxy.delay(1000, 0.3)  # every upload
        env = {**os.environ, "STORAGE_EMULATOR_HOST": proxy.url, "PYTHONPATH": str(REPO)}
        errs = {name: (project / f"{name}.err").open("w+") for name in selections}
        with GCSDestination(f"gs://{bucket}/site").locked():
            runs = {name: subprocess.Popen(
                [sys.executable, "-m", "publisher.cli", "--project-dir", str(project), "--profiles-dir", str(project),
                 "--dest", f"gs://{bucket}/site", "--generated-at", GENERATED_AT, "--all-dates", "--json",
                 "--workers", "1", *FAST, "--only", only], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=errs[name],
                text=True) for name, only in selections.items()}
            deadline = time.monotonic() + 120
            while not all("waiting up to" in (project / f"{name}.err").read_text() for name in selections):
                assert time.monotonic() < deadline and all(r.poll() is None for r in runs.values()), \
                    {name: (project / f"{name}.err").read_text() for name in selections}
                time.sleep(0.2)
        reports = {name: json.loads(r.communicate(timeout=120)[0]) for name, r in runs.items()}
    logs = {name: (project / f"{name}.err").read_text() for name in selections}
    assert all(r.returncode == 0 for r in runs.values()), logs
    assert proxy.injected["delay"] > 0
    written = {}  # run -> generations of every object it wrote (documents, schemas, latest.json, manifest.json)
    for name, report in reports.items():
        assert report["ok"], logs[name]
        written[name] = [o["generation"] for o in report["objects"] if o["status"] in ("created", "updated")]
        written[name] += [int(g) for g in re.findall(r"^ +(?:created|updated) +\S+\.json \(generation (\d+)\)$",
                                                     logs[name], re.M)]
    first, second = sorted(written, key=lambda name: min(written[name]))
    assert max(written[first]) < min(written[second])  # no interleaving
    assert "manifest.json (generation" in logs[first] and "manifest.json (generation" in logs[second]
    objects = stored(emulator, bucket)
    manifest = json.loads(download(emulator, bucket, "manifest.json")[1])["objects"]
    assert sorted(manifest) == sorted(set(objects) - {"manifest.json"}) == sorted(set(ALL) - {"manifest.json"})
    for name in ("picks/2026-02-20.json", "picks/2026-02-21.json", "systems/models.json", "subsets/performance.json"):
        assert name in manifest  # both selections
    for name, entry in manifest.items():  # every generation the manifest names exists
        quoted = urllib.parse.quote(f"site/v1/{name}", safe="")
        assert api(emulator, "GET", f"/storage/v1/b/{bucket}/o/{quoted}?generation={entry['generation']}")[
            "metadata"]["content-hash"] == entry["hash"]
    assert lock_object(emulator, bucket) is None
