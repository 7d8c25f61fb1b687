"""The blob stores tests run against: local files, and S3 through moto's server mode.

moto is started as a real process speaking the S3 protocol on a free port, once per test
session and only when a test asks for the S3 store.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx

from tests.servers import free_port

MOTO = str(Path(sys.executable).with_name("moto_server"))
REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "rounds-test", "aws_secret_access_key": "rounds-test"}


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    def client(self) -> object:
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION, **CREDENTIALS)

    def new_bucket(self) -> str:
        name = f"rounds-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)  # type: ignore[attr-defined]
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket, Prefix=prefix)  # type: ignore[attr-defined]
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def env(self, bucket: str) -> dict[str, str]:
        """The settings that make a server keep its blobs in `bucket`."""
        return {
            "ROUNDS_BLOB_STORE": "s3",
            "ROUNDS_S3_BUCKET": bucket,
            "ROUNDS_S3_ENDPOINT_URL": self.endpoint,
            "ROUNDS_S3_REGION": REGION,
            "ROUNDS_S3_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "ROUNDS_S3_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "ROUNDS_S3_ADDRESSING_STYLE": "path",
            "ROUNDS_S3_TIMEOUT_SECONDS": "5",
        }


def wait_listening(endpoint: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"moto_server exited with {process.returncode}")
        try:
            httpx.get(endpoint, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"moto_server did not answer at {endpoint}")


def start_s3(log: Path) -> Iterator[S3Server]:
    """moto_server on a free port until the generator is closed."""
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(
            [MOTO, "-H", "127.0.0.1", "-p", str(port)], stdout=output, stderr=output
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_listening(endpoint, process)
        yield S3Server(endpoint)
    finally:
        process.terminate()
        process.wait(timeout=30)
