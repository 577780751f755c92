"""Where documents go: a local folder or gs://bucket/prefix, objects under <root>/v1/. ``list`` gives every
object's content hash and generation in one pass (no download); ``put`` writes under a generation precondition
(ConflictError when another writer came first); ``refresh`` records a new fingerprint on an unchanged object.
Storage calls are retried (``call_with_retries``) with google-api-core's ``retry_target`` loop and its
``if_transient_error`` / ``if_exception_type`` predicates, plus what api-core has no option for: a budget
counted in attempts, not seconds (``--retries N`` means N retries), each retry logged with its wait, and
``RetryBudgetExceeded`` naming the call once the budget is spent. The storage client's own retries are off."""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import os
import random
import socket
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from publisher.report import log
from publisher.serialize import content_hash

PREFIX = "v1"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
HASH_METADATA_KEY, INPUT_METADATA_KEY = "content-hash", "input-hash"  # GCS custom metadata
TIMEOUT = (10.0, 60.0)  # GCS connect, read (seconds)
# Documents of this many bytes or more are stored gzip-compressed with Content-Encoding: gzip; GCS serves them
# compressed to clients that accept gzip and decompressed to the others (decompressive transcoding). Below it,
# compression gains little: a response under ~14 KB arrives in the first round trip anyway (TCP's initial window,
# 10 segments), while a transcoded object loses Range requests and costs a decompression per such client.
GZIP_AT = 16 * 1024
# The lock of a bucket destination (GCSDestination.locked), in seconds: how long a run waits for another run's lock,
# how often the holder renews it, and after how long without renewal it is a dead run's (killed, its machine gone).
LOCK_WAIT, LOCK_RENEW, LOCK_STALE = 600.0, 15.0, 120.0
ABANDONED_TEMP = 3600.0  # seconds: a folder's temporary file this old is a killed run's (a write takes milliseconds)
T = TypeVar("T")


class RetryBudgetExceeded(RuntimeError):
    """Every attempt failed with a retryable error; the last one is the cause."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # total tries, the first included
    initial: float = 0.5  # seconds before the first retry
    multiplier: float = 2.0
    maximum: float = 20.0  # cap of one wait
    jitter: float = 0.25  # each wait is scaled by a random factor in [1 - jitter, 1 + jitter]

    def delay(self, retry: int) -> float:
        """Wait before retry number ``retry`` (1-based)."""
        base = min(self.maximum, self.initial * self.multiplier ** (retry - 1))
        return base * (1 - self.jitter + 2 * self.jitter * random.random())


def is_retryable(error: BaseException) -> bool:
    """Transient errors, also when wrapped as the cause of another error: api-core's if_transient_error, and what it
    does not cover: 502 / 504, 408 (no api-core exception class: told by its code), timeouts and broken HTTP
    exchanges. Imported on use, as the storage client is: a folder destination never needs them."""
    import http.client

    import requests
    import urllib3
    from google.api_core import exceptions
    from google.api_core.retry import if_transient_error

    also = (exceptions.BadGateway, exceptions.GatewayTimeout, ConnectionError, TimeoutError, http.client.HTTPException,
            requests.Timeout, urllib3.exceptions.HTTPError)
    if isinstance(error, Exception) and (if_transient_error(error) or isinstance(error, also)
                                         or getattr(error, "code", None) == 408):
        return True
    cause = error.__cause__
    return cause is not None and cause is not error and is_retryable(cause)


def call_with_retries(fn: Callable[[], T], policy: RetryPolicy, what: str) -> T:
    """``fn()``, retried on retryable errors up to ``policy.attempts`` tries in all."""
    errors: list[Exception] = []

    def retry_allowed(error: Exception) -> bool:
        errors.append(error)
        return is_retryable(error) and len(errors) < policy.attempts

    def waits() -> Iterator[float]:
        for retry in itertools.count(1):
            wait = policy.delay(retry)
            log(f"  retry {retry}/{policy.attempts - 1} of {what} in {wait:.2f}s: {brief(errors[-1])}")
            yield wait

    def final_error(found: list[Exception], reason: object, timeout: object) -> tuple[Exception, Exception | None]:
        last = found[-1]
        if is_retryable(last):
            return RetryBudgetExceeded(f"{what}: gave up after {len(errors)} attempts: {brief(last)}"), last
        return last, last.__cause__ if isinstance(last.__cause__, Exception) else None

    from google.api_core.retry import retry_target

    return retry_target(fn, retry_allowed, waits(), timeout=None, exception_factory=final_error)


def brief(error: BaseException) -> str:
    """The error's type and the first line of its message (retry logs stay one line each)."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:160] if text else ''}"


class ConflictError(RuntimeError):
    """The object changed since it was listed (a concurrent writer)."""


@dataclass(frozen=True)
class StoredObject:
    path: str  # relative to v1/
    hash: str | None  # content hash; None when unknown (not written by the publisher)
    generation: int | None
    cache_control: str | None = None  # None: not stored (local folders)
    input_hash: str | None = None  # the fingerprint of what the document was built from (build.Fingerprint)


def check_relative_path(path: str) -> None:
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in path.split("/")):
        raise ValueError(f"unsafe destination path {path!r}")


def write_whole(file: Path, data: bytes) -> None:
    """Write ``file`` at once: a hidden temporary file beside it (fsync), then a rename; readers see the old file or
    the new one, and a failed write leaves no temporary file (a killed one does: LocalDestination.list sweeps it)."""
    fd, temp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, file)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class LocalDestination:
    """Files under ``<root>/v1/``, written atomically (temp file, fsync, rename); the generation is the mtime in
    nanoseconds. No metadata is kept, so every run rebuilds every document (and compares content hashes). The
    listing reads a file only when the last v1/manifest.json has no hash for its generation. Taking the lock (a run
    that writes) deletes the temporary files a killed run left (older than ABANDONED_TEMP); a dry run changes nothing."""
    keeps_fingerprints = False

    def __init__(self, root: str | os.PathLike) -> None:
        self.base = Path(root) / PREFIX
        self.url = str(self.base)

    def list(self) -> dict[str, StoredObject]:
        known = self._manifest_hashes()
        found = {}
        for file in sorted(self.base.rglob("*")) if self.base.is_dir() else []:
            path = file.relative_to(self.base).as_posix()
            if not file.is_file() or any(part.startswith(".") for part in path.split("/")):
                continue  # folders, and the temporary files of a write
            stat = file.stat()
            digest = known.get(path, {}).get(stat.st_mtime_ns)
            if digest is None:
                try:
                    digest = content_hash(json.loads(file.read_bytes()))
                except ValueError:  # not JSON: a hash nothing equals, so it gets rewritten
                    digest = "invalid"
            found[path] = StoredObject(path, digest, stat.st_mtime_ns)
        return found

    def _manifest_hashes(self) -> dict[str, dict[int, str]]:
        """{path: {generation: hash}} as the last run's v1/manifest.json has them ({} when unreadable)."""
        try:
            objects = json.loads((self.base / "manifest.json").read_bytes())["objects"]
            return {path: {entry["generation"]: entry["hash"]} for path, entry in objects.items()
                    if isinstance(entry.get("hash"), str) and isinstance(entry.get("generation"), int)}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def put(self, path: str, data: bytes, content_hash: str, cache_control: str, expected_generation: int | None,
            input_hash: str | None = None) -> StoredObject:
        check_relative_path(path)
        file = self.base / path
        current = file.stat().st_mtime_ns if file.is_file() else None
        if current != expected_generation:
            raise ConflictError(f"{file}: changed since it was listed (generation {current}, "
                                f"expected {expected_generation})")
        file.parent.mkdir(parents=True, exist_ok=True)
        write_whole(file, data)
        return StoredObject(path, content_hash, file.stat().st_mtime_ns)

    def refresh(self, stored: StoredObject, input_hash: str) -> None:
        """Nothing to do: a folder keeps no metadata."""

    @contextmanager
    def locked(self) -> Iterator[None]:
        """No lock of its own: a folder is one machine's (or NFS's), where `make`'s flock lock (ops/locked.sh)
        serializes runs. A run about to write deletes the temporary files a killed run left, never renamed into place."""
        for file in self.base.rglob(".*.tmp") if self.base.is_dir() else []:
            if file.is_file() and time.time() - file.stat().st_mtime > ABANDONED_TEMP:
                file.unlink(missing_ok=True)
        yield

    def delete(self, stored: StoredObject) -> None:
        check_relative_path(stored.path)
        file = self.base / stored.path
        if file.stat().st_mtime_ns != stored.generation:
            raise ConflictError(f"{file}: changed since it was listed")
        file.unlink()


def parse_url(url: str) -> tuple[str, str]:
    """'gs://bucket/a/b/' -> ('bucket', 'a/b/v1/'); 'gs://bucket' -> ('bucket', 'v1/')."""
    if not url.startswith("gs://"):
        raise ValueError(f"not a gs:// URL: {url!r}")
    bucket, _, prefix = url[len("gs://"):].partition("/")
    prefix = prefix.strip("/")
    if not bucket or any(part in (".", "..") for part in prefix.split("/") if part):
        raise ValueError(f"bad GCS destination {url!r}: expected gs://bucket[/prefix]")
    return bucket, f"{prefix}/{PREFIX}/" if prefix else f"{PREFIX}/"


class GCSDestination:
    """Objects ``prefix/v1/<path>`` with Content-Type, Cache-Control and, in custom metadata, the content hash and
    the fingerprint. Every call is retried (``call_with_retries``); writes and deletions carry ``ifGenerationMatch``
    (0 for a new object), so a 412 is a concurrent writer (ConflictError), unless it follows a retried upload whose
    first attempt did land, which reading the object's metadata back recognises."""
    keeps_fingerprints = True

    def __init__(self, url: str, retry: RetryPolicy | None = None) -> None:
        from google.cloud import storage

        self.url, (self.bucket_name, self.root) = url, parse_url(url)
        self.retry, self.timeout = retry or RetryPolicy(), TIMEOUT
        self._local = threading.local()
        self._client: Callable[[], Any] = storage.Client  # STORAGE_EMULATOR_HOST: that emulator, no credentials
        if not os.environ.get("STORAGE_EMULATOR_HOST"):  # one set of Application Default Credentials for all threads
            import google.auth

            credentials, project = google.auth.default()
            self._client = functools.partial(storage.Client, project=project, credentials=credentials)

    def _bucket(self) -> Any:
        """A bucket handle of this thread's client (the HTTP session is not shared between threads)."""
        if getattr(self._local, "bucket", None) is None:
            self._local.bucket = self._client().bucket(self.bucket_name)
        return self._local.bucket

    def _call(self, call: Callable[[], T], what: str) -> T:
        return call_with_retries(call, self.retry, what)

    def _get(self, name: str, what: str) -> Any:
        """The object's current blob (metadata, generation), or None."""
        return self._call(lambda: self._bucket().get_blob(name, retry=None, timeout=self.timeout), what)

    def _stored(self, blob: Any) -> StoredObject:
        found = blob.metadata or {}
        return StoredObject(blob.name[len(self.root):], found.get(HASH_METADATA_KEY),
                            None if blob.generation is None else int(blob.generation), blob.cache_control,
                            found.get(INPUT_METADATA_KEY))

    def list(self) -> dict[str, StoredObject]:
        def listing() -> dict[str, StoredObject]:
            blobs = self._bucket().client.list_blobs(
                self.bucket_name, prefix=self.root, retry=None, timeout=self.timeout,
                fields="items(name,generation,size,cacheControl,metadata),nextPageToken")
            return {stored.path: stored for stored in map(self._stored, blobs)}

        return self._call(listing, f"listing gs://{self.bucket_name}/{self.root}")

    def put(self, path: str, data: bytes, content_hash: str, cache_control: str, expected_generation: int | None,
            input_hash: str | None = None) -> StoredObject:
        check_relative_path(path)
        blob = self._bucket().blob(self.root + path)
        blob.cache_control, blob.metadata = cache_control, metadata(content_hash, input_hash)
        compressed = len(data) >= GZIP_AT  # the content hash stays the one of the document, uncompressed
        blob.content_encoding = "gzip" if compressed else None
        data = gzip.compress(data, mtime=0) if compressed else data
        from google.api_core.exceptions import PreconditionFailed

        try:
            self._call(lambda: blob.upload_from_string(data, content_type=JSON_CONTENT_TYPE, checksum=None, retry=None,
                                                       if_generation_match=expected_generation or 0,
                                                       timeout=self.timeout), f"upload of {path}")
            return StoredObject(path, content_hash, int(blob.generation), cache_control, input_hash)
        except PreconditionFailed as error:
            current = self._get(blob.name, f"metadata of {path}")
            if current is not None and (current.metadata or {}).get(HASH_METADATA_KEY) == content_hash:
                return self._stored(current)  # an earlier attempt of ours landed
            seen = None if current is None else current.generation
            raise ConflictError(f"gs://{self.bucket_name}/{blob.name}: changed since it was listed "
                                f"(generation {seen}, expected {expected_generation})") from error

    def refresh(self, stored: StoredObject, input_hash: str) -> None:
        """Patch the fingerprint into the metadata of an unchanged object (the generation does not move)."""
        blob = self._bucket().blob(self.root + stored.path)
        blob.metadata = metadata(stored.hash, input_hash)
        self._unless_changed(lambda: blob.patch(if_generation_match=stored.generation, retry=None,
                                                timeout=self.timeout), f"metadata of {stored.path}", stored.path)

    def delete(self, stored: StoredObject) -> None:
        """Delete the object at the listed generation (a concurrent writer makes it a ConflictError)."""
        blob = self._bucket().blob(self.root + stored.path)
        self._unless_changed(lambda: blob.delete(if_generation_match=stored.generation, retry=None,
                                                 timeout=self.timeout), f"deletion of {stored.path}", stored.path)

    def _unless_changed(self, call: Callable[[], None], what: str, path: str) -> None:
        """``call`` under a generation precondition, retried; a 412 (changed since it was listed) is a conflict."""
        from google.api_core.exceptions import PreconditionFailed

        try:
            self._call(call, what)
        except PreconditionFailed as error:
            raise ConflictError(f"gs://{self.bucket_name}/{self.root}{path}: changed since it was listed") from error

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the destination's lock for the block, so that one run at a time lists, uploads and writes the indexes,
        from any machine: the object ``<prefix>/v1.lock`` (next to v1/), created only where there is none
        (ifGenerationMatch=0), renewed every LOCK_RENEW seconds, deleted at the end. Another run's lock is waited for up
        to LOCK_WAIT seconds (then ConflictError, naming its holder); one not renewed for LOCK_STALE seconds is taken
        over."""
        from google.api_core.exceptions import NotFound, PreconditionFailed

        name = self.root[:-1] + ".lock"
        url, deadline, waiting, generation = f"gs://{self.bucket_name}/{name}", time.monotonic() + LOCK_WAIT, False, 0
        # who holds it, to find that run; not its command line: a public bucket's lock is public (--admin-dest)
        # (a random run id too: two lockers of one process may start within the same second)
        me = (f"pid={os.getpid()} host={socket.gethostname()} "
              f"since={time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} run={os.urandom(4).hex()} what=publisher")

        def write(generation: int) -> int:  # create (generation 0) or renew the lock; returns its generation
            blob = self._bucket().blob(name)
            blob.metadata = {"holder": me, "renewed": f"{time.time():.3f}"}
            if generation:
                blob.patch(if_generation_match=generation, retry=None, timeout=self.timeout)
            else:
                blob.upload_from_string(me, if_generation_match=0, retry=None, timeout=self.timeout)
            return blob.generation

        while not generation:
            try:
                generation = self._call(lambda: write(0), f"lock {url}")
            except PreconditionFailed:
                lock = self._get(name, f"lock {url}")
                holder = (lock.metadata or {}) if lock is not None else {}
                age = time.time() - float(holder.get("renewed") or 0)
                if lock is None or holder.get("holder") == me:  # gone meanwhile, or an earlier attempt of ours landed
                    generation = lock.generation if lock is not None else 0
                elif age > LOCK_STALE:
                    log(f"taking over {url}: not renewed for {age:.0f}s, its holder is gone ({holder.get('holder')})")
                    try:
                        lock.delete(if_generation_match=lock.generation, retry=None, timeout=self.timeout)
                    except (NotFound, PreconditionFailed):
                        pass  # another run took it over first
                elif time.monotonic() >= deadline:
                    raise ConflictError(f"{url} is held by another run: {holder.get('holder')} (renewed {age:.0f}s "
                                        f"ago); waited {LOCK_WAIT:.0f}s and gave up. A dead holder's lock is taken "
                                        f"over {LOCK_STALE:.0f}s after its last renewal") from None
                else:
                    if not waiting:
                        log(f"waiting up to {LOCK_WAIT:.0f}s for {url}, held by {holder.get('holder')}")
                    waiting = True
                    time.sleep(1.0)
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(LOCK_RENEW):
                try:
                    write(generation)
                except Exception as error:  # noqa: BLE001 - said; past LOCK_STALE another run may take it over
                    log(f"WARNING: {url} not renewed: {brief(error)}")

        renewer = threading.Thread(target=renew, name="lock", daemon=True)
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            try:
                self._call(lambda: self._bucket().blob(name).delete(if_generation_match=generation, retry=None,
                                                                    timeout=self.timeout), f"unlock {url}")
            except NotFound:
                pass  # an earlier attempt of ours landed
            except Exception as error:  # noqa: BLE001 - the run is done; its lock goes stale in LOCK_STALE seconds
                log(f"WARNING: {url} not deleted: {brief(error)}; the next run takes it over in {LOCK_STALE:.0f}s")


def metadata(content_hash: str | None, input_hash: str | None) -> dict[str, str]:
    found = {HASH_METADATA_KEY: content_hash, INPUT_METADATA_KEY: input_hash}
    return {key: value for key, value in found.items() if value}


Destination = LocalDestination | GCSDestination


def shares_storage(public: str, private: str) -> bool:
    """Whether a private destination would be readable with the public one: the same bucket, or a folder inside it."""
    if public.startswith("gs://") or private.startswith("gs://"):
        both = public.startswith("gs://") and private.startswith("gs://")
        return both and parse_url(public)[0] == parse_url(private)[0]
    return Path(private).resolve().is_relative_to(Path(public).resolve())


def open_destination(dest: str, retry: RetryPolicy | None = None) -> Destination:
    """``gs://bucket[/prefix]`` -> GCSDestination; anything else is a local folder."""
    return GCSDestination(dest, retry) if dest.startswith("gs://") else LocalDestination(dest)
