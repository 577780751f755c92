"""Google Cloud Storage destination (``gs://bucket/prefix`` -> objects ``prefix/v1/<path>``).

Each object is uploaded with ``Content-Type``, ``Cache-Control`` and its content
hash in custom metadata (``x-goog-meta-content-hash``), so one listing of the
prefix tells which objects changed. Uploads carry a generation precondition
(``ifGenerationMatch``: the listed generation, 0 for a new object) and are retried
with exponential backoff (publisher.retry). A 412 on a retry whose first attempt
did land is recognised by reading the object's metadata back: same hash, done.

Credentials: Application Default Credentials; with ``STORAGE_EMULATOR_HOST`` set
(tests, benchmark) the client talks to that emulator without credentials.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from publisher.destinations import (JSON_CONTENT_TYPE, PREFIX, ConflictError, Destination, LocalDestination, StoredObject,
                                   check_relative_path)
from publisher.retry import RetryPolicy, call_with_retries

HASH_METADATA_KEY = "content-hash"
INPUT_METADATA_KEY = "input-hash"
TIMEOUT = (10.0, 60.0)  # connect, read (seconds)


def parse_url(url: str) -> tuple[str, str]:
    """'gs://bucket/a/b/' -> ('bucket', 'a/b/v1/'); 'gs://bucket' -> ('bucket', 'v1/')."""
    if not url.startswith("gs://"):
        raise ValueError(f"not a gs:// URL: {url!r}")
    bucket, _, prefix = url[len("gs://"):].partition("/")
    prefix = prefix.strip("/")
    if not bucket or any(part in (".", "..") for part in prefix.split("/") if part):
        raise ValueError(f"bad GCS destination {url!r}: expected gs://bucket[/prefix]")
    return bucket, f"{prefix}/{PREFIX}/" if prefix else f"{PREFIX}/"


def default_client_factory() -> Callable[[], Any]:
    """A factory of storage clients sharing one credentials object (clients themselves are per thread)."""
    import os

    from google.cloud import storage

    if os.environ.get("STORAGE_EMULATOR_HOST"):
        return lambda: storage.Client()
    import google.auth

    credentials, project = google.auth.default()
    return lambda: storage.Client(project=project, credentials=credentials)


class GCSDestination:
    def __init__(self, url: str, retry: RetryPolicy | None = None, log: Callable[[str], None] = lambda m: None,
                 client_factory: Callable[[], Any] | None = None, timeout: tuple[float, float] = TIMEOUT,
                 page_size: int | None = None) -> None:
        self.url = url
        self.bucket_name, self.root = parse_url(url)
        self.retry = retry or RetryPolicy()
        self.log = log
        self.timeout = timeout
        self.page_size = page_size  # listing page size (None: the server's, 1,000 on GCS)
        self._factory = client_factory or default_client_factory()
        self._local = threading.local()

    def _bucket(self):
        """A bucket handle of this thread's client (the HTTP session is not shared between threads)."""
        bucket = getattr(self._local, "bucket", None)
        if bucket is None:
            bucket = self._local.bucket = self._factory().bucket(self.bucket_name)
        return bucket

    def _retrying(self, fn: Callable[[], Any], what: str) -> Any:
        return call_with_retries(fn, self.retry, what, self.log)

    def _stored(self, blob: Any) -> StoredObject:
        metadata = blob.metadata or {}
        return StoredObject(blob.name[len(self.root):], metadata.get(HASH_METADATA_KEY),
                            int(blob.generation) if blob.generation is not None else None, int(blob.size or 0),
                            blob.cache_control, metadata.get(INPUT_METADATA_KEY))

    def list(self) -> dict[str, StoredObject]:
        def listing() -> dict[str, StoredObject]:
            blobs = self._bucket().client.list_blobs(self.bucket_name, prefix=self.root, retry=None, timeout=self.timeout,
                                                     page_size=self.page_size,
                                                     fields="items(name,generation,size,cacheControl,metadata),nextPageToken")
            return {stored.path: stored for stored in map(self._stored, blobs)}

        return self._retrying(listing, f"listing gs://{self.bucket_name}/{self.root}")

    def put(self, path: str, data: bytes, content_hash: str, cache_control: str,
            expected_generation: int | None, content_type: str = JSON_CONTENT_TYPE,
            input_hash: str | None = None) -> StoredObject:
        from google.api_core.exceptions import PreconditionFailed

        check_relative_path(path)
        name = self.root + path
        precondition = expected_generation if expected_generation is not None else 0

        def upload() -> StoredObject:
            blob = self._bucket().blob(name)
            blob.cache_control = cache_control
            blob.metadata = metadata(content_hash, input_hash)
            blob.upload_from_string(data, content_type=content_type, if_generation_match=precondition,
                                    retry=None, timeout=self.timeout, checksum=None)
            return StoredObject(path, content_hash, int(blob.generation), len(data), cache_control, input_hash)

        try:
            return self._retrying(upload, f"upload of {path}")
        except PreconditionFailed as error:
            current = self._retrying(lambda: self._bucket().get_blob(name, retry=None, timeout=self.timeout),
                                     f"metadata of {path}")
            if current is not None and (current.metadata or {}).get(HASH_METADATA_KEY) == content_hash:
                return self._stored(current)  # an earlier attempt of ours landed
            seen = None if current is None else current.generation
            raise ConflictError(f"gs://{self.bucket_name}/{name}: changed since it was listed "
                                f"(generation {seen}, expected {expected_generation})") from error

    def refresh(self, stored: StoredObject, input_hash: str) -> None:
        """Patch the input hash into the metadata of an object whose content did not change
        (the metageneration moves, the generation does not)."""
        from google.api_core.exceptions import PreconditionFailed

        def patch() -> None:
            blob = self._bucket().blob(self.root + stored.path)
            blob.metadata = metadata(stored.hash, input_hash)
            blob.patch(if_generation_match=stored.generation, retry=None, timeout=self.timeout)

        try:
            self._retrying(patch, f"metadata of {stored.path}")
        except PreconditionFailed as error:
            raise ConflictError(f"gs://{self.bucket_name}/{self.root}{stored.path}: changed since it was listed") from error


def metadata(content_hash: str | None, input_hash: str | None) -> dict[str, str]:
    found = {HASH_METADATA_KEY: content_hash, INPUT_METADATA_KEY: input_hash}
    return {key: value for key, value in found.items() if value}


def open_destination(dest: str, **gcs_options: Any) -> Destination:
    """``gs://bucket[/prefix]`` -> GCSDestination; anything else is a local folder."""
    return GCSDestination(dest, **gcs_options) if dest.startswith("gs://") else LocalDestination(dest)
