"""The object store: uploads in an S3-compatible bucket, behind the folder store's methods.

Chosen by ``PORTAL_STORAGE_URL=s3://bucket/prefix``; ``PORTAL_S3_ENDPOINT_URL`` points at
a store that is not Amazon's (MinIO, SeaweedFS, Ceph, a cloud provider's own), and the
credentials and region come from the usual AWS variables (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``) or an instance role, as boto3 finds
them. Objects are named ``<prefix>/<name>`` with the same generated names as the folder
store. A single PUT is atomic, so there are no temporaries to sweep.
"""
from __future__ import annotations

import io
import secrets
from typing import BinaryIO
from urllib.parse import urlsplit

from portal.media.storage import EXTENSION, NAME, StoredInfo, StoreUnavailable


def parse_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ("bucket", "some/prefix/"); ValueError otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("the storage URL must look like s3://bucket/prefix")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


class S3Store:
    def __init__(self, url: str, *, endpoint_url: str | None = None, client=None) -> None:
        self.bucket, self.prefix = parse_url(url)
        if client is None:
            import boto3
            from botocore.config import Config as BotoConfig

            client = boto3.client(
                "s3", endpoint_url=endpoint_url or None,
                config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"},
                                  connect_timeout=5, read_timeout=30,
                                  s3={"addressing_style": "path"}))
        self.client = client

    def _key(self, name: str) -> str:
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise ValueError("not a stored file name")
        return self.prefix + name

    def _unavailable(self, exc: Exception) -> StoreUnavailable:
        return StoreUnavailable(f"s3://{self.bucket}/{self.prefix}: {exc}")

    def save(self, data: bytes, extension: str) -> str:
        """Write the bytes under a new generated name (one PUT: all or nothing)."""
        from botocore.exceptions import BotoCoreError, ClientError

        if not EXTENSION.fullmatch(extension):
            raise ValueError("not a stored file extension")
        name = f"{secrets.token_hex(16)}.{extension}"
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data)
        except (BotoCoreError, ClientError) as exc:
            raise self._unavailable(exc) from exc
        return name

    def stat(self, name: str) -> StoredInfo:
        """Size, time and tag of a stored object; FileNotFoundError if it is not there."""
        from botocore.exceptions import BotoCoreError, ClientError

        key = self._key(name)
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(name) from exc
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc
        return StoredInfo(head["ContentLength"], head["LastModified"].timestamp(),
                          head["ETag"].strip('"'))

    def exists(self, name: str) -> bool:
        try:
            self.stat(name)
        except FileNotFoundError:
            return False
        return True

    def open(self, name: str, *, size: int | None = None) -> BinaryIO:
        """A seekable reader: each run of reads is one ranged GET, streamed. ``size``
        (from ``stat``) saves asking for it again."""
        size = self.stat(name).size if size is None else size
        return io.BufferedReader(_ObjectReader(self.client, self.bucket, self._key(name), size),
                                 buffer_size=256 * 1024)

    def delete(self, name: str) -> None:
        """Remove a stored object; one that is already gone is fine."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(name))
        except (BotoCoreError, ClientError) as exc:
            raise self._unavailable(exc) from exc

    def orphans(self, known: set[str], *, older_than_seconds: float | None = None) -> list[str]:
        """Objects under the prefix no database row names, as keys for ``remove_orphan``;
        with ``older_than_seconds``, only those last written longer ago than that (an
        object written a moment ago may be a commit still on its way)."""
        from datetime import UTC, datetime, timedelta

        cutoff = (datetime.now(UTC) - timedelta(seconds=older_than_seconds)
                  if older_than_seconds is not None else None)
        found = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                rest = item["Key"][len(self.prefix):]
                if "/" not in rest and rest not in known and not rest.startswith(".") and (
                        cutoff is None or item["LastModified"] < cutoff):
                    found.append(item["Key"])
        return sorted(found)

    def remove_orphan(self, key: str) -> None:
        if key.startswith(self.prefix) and "/" not in key[len(self.prefix):]:
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def sweep_temporaries(self, older_than_seconds: float) -> int:
        return 0  # a PUT never leaves a partial object under any name


class _ObjectReader(io.RawIOBase):
    """Reads an object from the current position with one GET per contiguous run."""

    def __init__(self, client, bucket: str, key: str, size: int) -> None:
        self._client, self._bucket, self._key, self._size = client, bucket, key, size
        self._position = 0
        self._body = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        position = max(0, base + offset)
        if position != self._position:
            self._drop_body()
            self._position = position
        return position

    def readinto(self, buffer) -> int:
        if self._position >= self._size or len(buffer) == 0:
            return 0
        if self._body is None:
            self._body = self._client.get_object(
                Bucket=self._bucket, Key=self._key, Range=f"bytes={self._position}-")["Body"]
        data = self._body.read(len(buffer))
        buffer[:len(data)] = data
        self._position += len(data)
        return len(data)

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop_body()
        super().close()
