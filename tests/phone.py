"""A scripted phone that speaks the sync protocol over real HTTP, as the field app does."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from server.db.demo import DEMO_PASSWORD
from sync.chain import op_hash
from sync.hlc import HybridClock


@dataclass
class Phone:
    """One local database on one phone: its device, incarnation, seq and hash chain."""

    http: Any  # a Litestar TestClient or an httpx.Client
    employee_no: str
    password: str = DEMO_PASSWORD
    device_id: uuid.UUID = field(default_factory=uuid.uuid4)
    incarnation: uuid.UUID = field(default_factory=uuid.uuid4)
    seq: int = 0
    last_hash: str = ""
    token: str = ""
    refresh_token: str = ""
    replica: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    cursor: str | None = None
    acked: int = 0

    def __post_init__(self) -> None:
        self.clock = HybridClock(str(self.device_id))
        self.sign_in()

    def sign_in(self) -> None:
        response = self.http.post(
            "/api/v1/auth/login",
            json={
                "employee_no": self.employee_no,
                "password": self.password,
                "device_id": str(self.device_id),
                "device_name": "test phone",
            },
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        self.refresh_token = response.json()["refresh_token"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def wipe(self) -> None:
        """The browser cleared storage: a new local database, seq from 1, empty replica."""
        self.incarnation, self.seq, self.last_hash = uuid.uuid4(), 0, ""
        self.replica.clear()
        self.versions.clear()
        self.cursor = None

    def op(
        self,
        name: str,
        args: dict[str, Any],
        *,
        v: int = 1,
        blobs: list[str] | None = None,
        hlc: str | None = None,
        client_time: str | None = None,
    ) -> dict[str, Any]:
        """Record an op locally: the next seq, chained to the previous op (`client_time`:
        what the phone's clock says, by default the right time)."""
        self.seq += 1
        stamp = hlc if hlc is not None else str(self.clock.tick(int(time.time() * 1000)))
        body = {
            "op_id": str(uuid.uuid4()),
            "incarnation": str(self.incarnation),
            "seq": self.seq,
            "name": name,
            "v": v,
            "args": args,
            "client_time": client_time or datetime.now(UTC).isoformat(timespec="milliseconds"),
            "hlc": stamp,
            "blobs": blobs or [],
            "prev_hash": self.last_hash,
        }
        self.last_hash = op_hash(body)
        return body

    def push(self, ops: list[dict[str, Any]], device_id: uuid.UUID | None = None) -> httpx.Response:
        return self.http.post(
            "/api/v1/sync/push",
            headers=self.headers,
            json={"device_id": str(device_id or self.device_id), "ops": ops},
        )

    def results(self, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
        response = self.push(ops)
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def pull_page(self, limit: int = 500) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit, "incarnation": str(self.incarnation)}
        if self.cursor:
            params["cursor"] = self.cursor
        response = self.http.get("/api/v1/sync/pull", headers=self.headers, params=params)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        if page["reset"]:
            self.replica.clear()
            self.versions.clear()
        for change in page["changes"]:
            key = (change["type"], change["id"])
            if change["deleted"]:
                self.replica.pop(key, None)
                self.versions.pop(key, None)
            elif change["version"] >= self.versions.get(key, 0):
                self.replica[key] = change["data"]
                self.versions[key] = change["version"]
        self.cursor = page["cursor"]
        self.acked = page["acks"]["last_seq"]
        return page

    def pull_all(self, limit: int = 500, max_pages: int = 10_000) -> int:
        """Pull until the server says there is no more; returns the number of pages."""
        for pages in range(1, max_pages + 1):
            if not self.pull_page(limit)["more"]:
                return pages
        raise AssertionError("pull did not finish")

    def of_type(self, entity_type: str) -> dict[str, dict[str, Any]]:
        return {key[1]: data for key, data in self.replica.items() if key[0] == entity_type}
