"""Many writers and pullers at once through a server with several workers.

A puller that follows the change log while others write must end with exactly what a
fresh full pull gives: nothing missing (the snapshot horizon) and nothing extra.
"""

from __future__ import annotations

import asyncio
import random
import threading
from pathlib import Path
from typing import Any

import httpx

from tests.databases import load_small_demo, scratch_database
from tests.phone import Phone
from tests.servers import server_env, serving

WRITERS = ("T0001", "T0002", "D0001", "L0001")
ROUNDS_PER_WRITER = 12


def _writer(base: str, employee_no: str, seed: int, errors: list[str]) -> None:
    rng = random.Random(seed)  # noqa: S311 - a reproducible workload, not a secret
    with httpx.Client(base_url=base, timeout=60) as http:
        phone = Phone(http, employee_no)
        assets = http.get("/api/v1/assets", headers=phone.headers, params={"limit": 40}).json()[
            "items"
        ]
        locations = http.get(
            "/api/v1/locations", headers=phone.headers, params={"limit": 40}
        ).json()["items"]
        for round_no in range(ROUNDS_PER_WRITER):
            batch = []
            for _ in range(rng.randint(1, 5)):
                asset = rng.choice(assets)
                if rng.random() < 0.5:
                    batch.append(
                        phone.op(
                            "asset.add_note",
                            {"asset_id": asset["id"], "text": f"{employee_no} r{round_no}"},
                        )
                    )
                else:
                    same_site = [
                        loc for loc in locations if loc["site_id"] == asset["site_id"]
                    ] or locations
                    batch.append(
                        phone.op(
                            "asset.set_location",
                            {"asset_id": asset["id"], "location_id": rng.choice(same_site)["id"]},
                        )
                    )
            response = phone.push(batch)
            if response.status_code != 200 or any(
                r["status"] != "applied" for r in response.json()["results"]
            ):
                errors.append(f"{employee_no}: {response.status_code} {response.text[:300]}")


def _comparable(phone: Phone) -> dict[tuple[str, str], Any]:
    return {key: (phone.versions[key], data) for key, data in phone.replica.items()}


def test_pullers_following_concurrent_writers_end_with_the_full_state(
    backend: str, tmp_path: Path
) -> None:
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        with (
            serving(server_env(url, tmp_path / "state"), workers=3) as server,
            httpx.Client(base_url=server.base, timeout=60) as http,
        ):
            followers = [Phone(http, "D0001"), Phone(http, "T0001")]
            for follower in followers:
                follower.pull_all(limit=200)
            errors: list[str] = []
            threads = [
                threading.Thread(target=_writer, args=(server.base, who, n, errors))
                for n, who in enumerate(WRITERS)
            ]
            for thread in threads:
                thread.start()
            while any(thread.is_alive() for thread in threads):
                for follower in followers:
                    follower.pull_page(limit=25)
            for thread in threads:
                thread.join()
            assert errors == []
            for follower in followers:
                follower.pull_all(limit=25)
                fresh = Phone(http, follower.employee_no)
                fresh.pull_all(limit=1000)
                assert _comparable(follower) == _comparable(fresh)
