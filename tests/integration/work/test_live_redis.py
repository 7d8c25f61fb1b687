"""Live updates across processes: with Redis configured, a change committed by one server
process reaches a dispatch board connected to another."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx

from tests.databases import load_small_demo, scratch_database
from tests.integration.console_client import console_login
from tests.integration.work.loop import cast
from tests.servers import Server, server_env

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_a_report_on_one_process_reaches_the_board_on_another(backend: str, tmp_path: Path) -> None:
    with scratch_database(backend, tmp_path) as url:
        asyncio.run(load_small_demo(url))
        env = server_env(
            url, tmp_path / "state", ROUNDS_REDIS_URL=REDIS_URL, ROUNDS_COOKIE_SECURE="false"
        )
        board_server, phone_server = Server(env, workers=1), Server(env, workers=1)
        board_server.start()
        phone_server.start()
        try:
            with (
                httpx.Client(base_url=board_server.base, timeout=30) as desk,
                httpx.Client(base_url=phone_server.base, timeout=30) as phones,
            ):
                console_login(desk, "D0001")  # type: ignore[arg-type]
                heard: list[str] = []

                def listen() -> None:
                    with desk.stream(
                        "GET", "/desk/board/events", params={"max_events": 3, "max_seconds": 20}
                    ) as stream:
                        heard.extend(stream.iter_lines())

                listener = threading.Thread(target=listen)
                listener.start()
                c = cast(phones)
                reported: list[str] = []
                deadline = time.monotonic() + 20
                while listener.is_alive() and time.monotonic() < deadline:
                    reported.append(c.report("Theatre light flickers"))
                    listener.join(timeout=0.5)
                listener.join(timeout=30)
                body = "\n".join(heard)
                assert any(order_id in body for order_id in reported), body[:500]
        finally:
            board_server.stop()
            phone_server.stop()
