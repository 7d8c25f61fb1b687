"""A hand-computed month, end to end through HTTP on both databases: the scorecard, the
draft statement, a dispute round trip (contractor disputes in the console, the desk
resolves), the freeze and its hash, the exports; and one contractor never reaching
another's contracts, scorecards, statements or evidence by any route."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from openpyxl import load_workbook
from sqlalchemy import text

from server.app import create_app
from server.db.engine import make_engine
from server.settings import DatabaseSettings
from tests.conftest import BASE_URL, api_login, settings_for
from tests.databases import load_small_demo, scratch_database
from tests.integration.console_client import CSRF_COOKIE, console_login
from tests.integration.settlement.builders import OP_A, OP_B, OP_C, World, build_world
from tests.pdf_pages import media_boxes

pytestmark = pytest.mark.db
Client = TestClient[Litestar]
MONTH = "2025-03"


@pytest.fixture(scope="module")
def world(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Client, str, World]]:
    directory = tmp_path_factory.mktemp(f"settle-{backend}")
    with scratch_database(backend, directory) as url:
        asyncio.run(load_small_demo(url))
        settings = settings_for(url, directory / "state")
        built = build_world(settings)
        with TestClient(create_app(settings), base_url=BASE_URL) as client:
            yield client, url, built


async def _sql(url: str, statement: str, **params: Any) -> None:
    engine = make_engine(DatabaseSettings(url=url))
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement), params)
    finally:
        await engine.dispose()


def api(client: Client, who: str, method: str, path: str, **kwargs: Any) -> Any:
    return client.request(method, path, headers=api_login(client, who), **kwargs)


def by_code(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {line["code"]: line for line in card["indicators"]}


def test_security_scorecard_of_a_hand_computed_month(world: tuple[Client, str, World]) -> None:
    client, _, w = world
    response = api(
        client, "D0001", "GET", f"/api/v1/contracts/{w.security_contract}/scorecard",
        params={"month": MONTH},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    lines = by_code(response.json())
    # 7 completed of 10 judged rounds (the scheduled one and April's are not counted).
    assert lines["security.round_completion"]["value"] == "0.7000"
    assert lines["security.round_completion"]["basis"] == 10
    # 0.70 / 0.95 * 100 = 73.684... -> 73.68
    assert lines["security.round_completion"]["score"] == "73.68"
    failed = lines["security.round_completion"]["evidence"]
    assert {e["record_id"] for e in failed} == {str(i) for i in [*w.partial_rounds, w.missed_round]}
    assert {e["op_hash"] for e in failed} == {OP_A, OP_B, None}  # a missed round has no op
    # 1 + 2 + 5 stops missed = 8 > target 5: 5 / 8 * 100 = 62.50
    assert lines["security.missed_checkpoints"]["value"] == "8.0000"
    assert lines["security.missed_checkpoints"]["score"] == "62.50"
    # 3 of 4 incidents answered: 0.75 / 1 -> 75.00; the unanswered one is the evidence.
    incidents = lines["security.incidents_answered"]
    assert (incidents["value"], incidents["score"]) == ("0.7500", "75.00")
    assert [(e["record_id"], e["op_hash"]) for e in incidents["evidence"]] == [
        (str(w.unanswered_incident), OP_C)
    ]
    # 3 of 4 shifts clocked in: 0.75 / 0.98 * 100 = 76.530... -> 76.53
    attendance = lines["security.attendance"]
    assert (attendance["value"], attendance["score"]) == ("0.7500", "76.53")
    assert [e["record_id"] for e in attendance["evidence"]] == [str(w.absent_shift)]
    # Not measured by any provider: left out, its weight of 5 with it.
    assert lines["security.patrol_photos"]["value"] is None
    # (3 * 73.68 + 1 * 62.50 + 1 * 75.00 + 2 * 76.53) / 7 = 511.60 / 7 = 73.0857 -> 73.09
    assert response.json()["score"] == "73.09"


def test_lift_scorecard_from_the_contractors_team_orders(world: tuple[Client, str, World]) -> None:
    client, _, w = world
    card = api(
        client, "D0001", "GET", f"/api/v1/contracts/{w.lift_contract}/scorecard",
        params={"month": MONTH},
    ).json()  # fmt: skip
    lines = by_code(card)
    # Response 30, 90, 60 min: the median (nearest rank, rank 2 of 3) is 60. 30/60 -> 50.00
    assert (
        lines["maintenance.response_minutes"]["value"],
        lines["maintenance.response_minutes"]["score"],
    ) == ("60.0000", "50.00")
    # Repair 120, 360, 240 min: median 240, on target -> 100.00
    assert lines["maintenance.repair_minutes"]["score"] == "100.00"
    # The second order on the first asset, 8 days after the first: one repeat; target 0 -> 0
    repeats = lines["maintenance.repeat_faults"]
    assert (repeats["value"], repeats["score"]) == ("1.0000", "0.00")
    assert [e["record_id"] for e in repeats["evidence"]] == [str(w.orders[1])]
    # The second order arrived 90 min after dispatch, due in 60: 2 of 3 met.
    sla = lines["maintenance.sla_rate"]
    assert sla["value"] == "0.6667"  # 0.6667 / 0.95 * 100 = 70.178... -> 70.18
    assert sla["score"] == "70.18"
    # (50.00 + 100.00 + 0.00 + 70.18) / 4 = 55.045 -> 55.05 (half-up)
    assert card["score"] == "55.05"  # fmt: skip


def _second(text: str | None) -> str | None:
    """An instant as the canonical form writes it: UTC, to the second."""
    if text is None:
        return None
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def recomputed_hash(statement: dict[str, Any]) -> str:
    """The statement's SHA-256 recomputed from what the API shows, by docs/settlement.md
    alone: what a contractor does to check a frozen statement without the server's code."""
    lines = statement["lines"]
    body = {
        "statement": {
            "id": statement["id"], "contract_id": statement["contract_id"],
            "contractor_id": statement["contractor_id"], "month": statement["month"] + "-01",
            "fee_cents": statement["fee_cents"], "deductions_cents": statement["deductions_cents"],
            "payable_cents": statement["payable_cents"], "score": statement["score"],
            "issued_at": _second(statement["issued_at"]),
            "responded_at": _second(statement["responded_at"]),
            "frozen_at": _second(statement["frozen_at"]),
            "frozen_by_id": statement["frozen_by_id"],
        },
        "lines": [
            {key: line[key] for key in (
                "id", "position", "indicator_code", "unit", "measured", "basis", "rule_kind",
                "rule_text", "computed_cents", "amount_cents", "adjustment_reason", "evidence")}
            | {"rule_id": line["rule_id"]}
            for line in sorted(lines, key=lambda line: line["position"])
        ],
        "disputes": [
            {key: d[key] for key in (
                "id", "line_id", "comment", "raised_by_id", "outcome", "new_amount_cents",
                "reason", "resolved_by_id")}
            | {"raised_at": _second(d["raised_at"]), "resolved_at": _second(d["resolved_at"])}
            for d in sorted(statement["disputes"], key=lambda d: (d["raised_at"], d["id"]))
        ],
    }  # fmt: skip
    text_form = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text_form.encode()).hexdigest()


def _csrf(client: Client) -> str:
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return token


def test_statement_dispute_resolution_and_freeze(world: tuple[Client, str, World]) -> None:
    client, url, w = world
    created = api(
        client, "D0001", "POST", f"/api/v1/contracts/{w.security_contract}/statements",
        json={"month": MONTH},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    statement = created.json()
    # Fee 100,000.00 = 10,000,000 cents.
    # 1. 8 missed checkpoints x 50.00                         =    400.00 ->     40,000
    # 2. round completion 0.95 - 0.70 = 25 points x 0.5 % x fee = 12,500.00 -> 1,250,000
    # 3. attendance 0.98 - 0.75 = 23 points x 0.25 % x fee      =  5,750.00 ->   575,000
    # 4. incidents 0.90 - 0.75 = 15 points x 0.1 % x fee        =  1,500.00 ->   150,000
    # lines 1-4 = 2,015,000 > cap 15 % of fee = 1,500,000: 5. cap line -515,000
    amounts = [line["amount_cents"] for line in statement["lines"]]
    assert amounts == [40_000, 1_250_000, 575_000, 150_000, -515_000]
    assert (statement["deductions_cents"], statement["payable_cents"]) == (1_500_000, 8_500_000)
    assert statement["score"] == "73.09"
    missed_line = statement["lines"][0]
    assert missed_line["measured"] == "8.0000"
    assert {e["op_hash"] for e in missed_line["evidence"]} == {OP_A, OP_B, None}
    sid = statement["id"]
    assert api(client, "D0001", "POST", f"/api/v1/statements/{sid}/issue").status_code == 200

    # The contractor's manager disputes two lines in the console, each with a comment.
    console_login(client, w.security_manager)
    page = client.get(f"/desk/statements/{sid}")
    assert page.status_code == 200
    assert 'data-status="issued"' in page.text
    assert OP_A in page.text  # the evidence, with its op hash, is on the page
    rounds_line, attendance_line = statement["lines"][1], statement["lines"][2]
    empty = client.post(
        f"/desk/statements/{sid}/lines/{rounds_line['id']}/dispute",
        data={"comment": "  ", "_csrf_token": _csrf(client)},
    )
    assert empty.status_code == 422
    assert 'data-error-field="comment"' in empty.text
    for line, why in (
        (rounds_line, "Rounds 8-10 March: the ward block was closed"),
        (attendance_line, "The guard on 5 March was on approved leave"),
    ):
        answer = client.post(
            f"/desk/statements/{sid}/lines/{line['id']}/dispute",
            data={"comment": why, "_csrf_token": _csrf(client)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    # The manager may not resolve their own dispute.
    disputed = api(client, w.security_manager, "GET", f"/api/v1/statements/{sid}").json()
    assert disputed["status"] == "disputed"
    first, second = disputed["disputes"]
    refused = api(
        client, w.security_manager, "POST",
        f"/api/v1/statements/{sid}/disputes/{first['id']}/resolve",
        json={"outcome": "upheld", "reason": "mine", "new_amount_cents": 0},
    )  # fmt: skip
    assert refused.status_code == 403

    # The desk upholds the first (waived) in the console and rejects the second.
    console_login(client, "D0001")
    upheld = client.post(
        f"/desk/statements/{sid}/disputes/{first['id']}/resolve",
        data={"outcome": "upheld", "new_amount": "0", "reason": "Block closed by estates",
              "_csrf_token": _csrf(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert upheld.status_code == 303, upheld.text
    rejected = api(
        client, "D0001", "POST", f"/api/v1/statements/{sid}/disputes/{second['id']}/resolve",
        json={"outcome": "rejected", "reason": "No leave was requested"},
    ).json()  # fmt: skip
    # Now 40,000 + 0 + 575,000 + 150,000 = 765,000, under the cap: the cap line is 0.
    assert [line["amount_cents"] for line in rejected["lines"]] == [40_000, 0, 575_000, 150_000, 0]
    assert rejected["lines"][1]["computed_cents"] == 1_250_000
    assert rejected["lines"][1]["adjustment_reason"] == "Block closed by estates"
    assert (rejected["status"], rejected["deductions_cents"]) == ("resolved", 765_000)
    assert rejected["payable_cents"] == 9_235_000

    frozen = api(client, "D0001", "POST", f"/api/v1/statements/{sid}/freeze").json()
    digest = frozen["frozen_hash"]
    assert frozen["status"] == "frozen"
    assert len(digest) == 64
    check = api(client, w.security_manager, "GET", f"/api/v1/statements/{sid}/verify").json()
    assert check == {"frozen_hash": digest, "matches": True}
    # The contractor recomputes it from what they were shown, by the documented form.
    assert recomputed_hash(frozen) == digest
    # Frozen never changes: every action is refused, the hash stays.
    for path, body in (
        (f"/api/v1/contracts/{w.security_contract}/statements", {"month": MONTH}),
        (f"/api/v1/statements/{sid}/issue", None),
        (f"/api/v1/statements/{sid}/freeze", None),
        (f"/api/v1/statements/{sid}/disputes/{second['id']}/resolve",
         {"outcome": "upheld", "reason": "x", "new_amount_cents": 0}),
    ):  # fmt: skip
        answer = api(client, "D0001", "POST", path, json=body)
        assert answer.status_code == 409, (path, answer.text)
        assert answer.json()["code"] == "invalid_transition"
    again = api(
        client, w.security_manager, "POST",
        f"/api/v1/statements/{sid}/lines/{rounds_line['id']}/dispute", json={"comment": "again"},
    )  # fmt: skip
    assert again.status_code == 409
    assert api(client, "D0001", "GET", f"/api/v1/statements/{sid}").json()["frozen_hash"] == digest

    outside = api(
        client, "D0001", "POST", f"/api/v1/contracts/{w.security_contract}/statements",
        json={"month": "2024-12"},
    )  # fmt: skip
    assert outside.status_code == 422  # the contract starts in January 2025
    assert outside.json()["code"] == "invalid_input"

    # The exports list each line's records with their op hashes.
    book = load_workbook(io.BytesIO(client.get(f"/desk/statements/{sid}/statement.xlsx").content))
    evidence = list(book["Evidence"].iter_rows(values_only=True))[1:]
    assert evidence[0][:3] == (1, "security.missed_checkpoints", "expected_round")
    assert OP_A in {row[5] for row in evidence}
    summary = dict(book["Statement"].iter_rows(values_only=True))
    assert summary["SHA-256"] == digest
    assert summary["Payable"] == "92,350.00"
    pdf = client.get(f"/desk/statements/{sid}/statement.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    boxes = media_boxes(pdf.content)
    assert boxes
    assert all(tuple(round(n, 2) for n in box) == (0.0, 0.0, 595.28, 841.89) for box in boxes)  # A4

    # A row changed behind the service's back no longer matches the stored hash.
    line_key = uuid.UUID(rounds_line["id"])
    stored_id = line_key.hex if "sqlite" in url else str(line_key)  # how each stores a UUID
    asyncio.run(
        _sql(url, "UPDATE statement_line SET amount_cents = 1 WHERE id = :id", id=stored_id)
    )
    tampered = api(client, "D0001", "GET", f"/api/v1/statements/{sid}/verify").json()
    assert tampered["matches"] is False


def test_a_contractor_manager_reaches_only_their_own_contractor(
    world: tuple[Client, str, World],
) -> None:
    client, _, w = world
    statement = api(
        client, "D0001", "POST", f"/api/v1/contracts/{w.lift_contract}/statements",
        json={"month": MONTH},
    ).json()  # fmt: skip
    sid, line_id = statement["id"], (statement["lines"] or [{"id": str(uuid.uuid4())}])[0]["id"]
    api(client, "D0001", "POST", f"/api/v1/statements/{sid}/issue")
    # The lift manager sees theirs, the security manager (and demo M0001, M0002) never.
    own = api(client, w.lift_manager, "GET", "/api/v1/contracts").json()
    assert [c["id"] for c in own] == [str(w.lift_contract)]
    for outsider in (w.security_manager, "M0001", "M0002"):
        assert str(w.lift_contract) not in {
            c["id"] for c in api(client, outsider, "GET", "/api/v1/contracts").json()
        }
        assert sid not in {
            s["id"] for s in api(client, outsider, "GET", "/api/v1/statements").json()
        }
        for path in (
            f"/api/v1/contracts/{w.lift_contract}/scorecard?month={MONTH}",
            f"/api/v1/statements/{sid}",
            f"/api/v1/statements/{sid}/verify",
        ):
            assert api(client, outsider, "GET", path).status_code == 404, (outsider, path)
        answer = api(client, outsider, "POST", f"/api/v1/statements/{sid}/accept")
        assert answer.status_code == 404, outsider
        answer = api(
            client, outsider, "POST", f"/api/v1/statements/{sid}/lines/{line_id}/dispute",
            json={"comment": "not mine"},
        )  # fmt: skip
        assert answer.status_code == 404, outsider
        console_login(client, outsider)
        for path in (
            f"/desk/contracts/{w.lift_contract}",
            f"/desk/statements/{sid}",
            f"/desk/statements/{sid}/statement.pdf",
            f"/desk/statements/{sid}/statement.xlsx",
        ):
            assert client.get(path).status_code == 404, (outsider, path)
        for path in ("/desk/contracts", "/desk/statements?month=" + MONTH,
                     "/desk/scorecards?month=" + MONTH):  # fmt: skip
            page = client.get(path)
            assert page.status_code == 200
            assert f"CL-{w.tag}" not in page.text, (outsider, path)
            assert sid not in page.text, (outsider, path)
        posted = client.post(
            f"/desk/statements/{sid}/accept", data={"_csrf_token": _csrf(client)},
            follow_redirects=False,
        )  # fmt: skip
        assert posted.status_code == 404
    # Their own, by the same routes.
    console_login(client, w.lift_manager)
    assert client.get(f"/desk/statements/{sid}").status_code == 200
    assert f"CL-{w.tag}" in client.get("/desk/scorecards?month=" + MONTH).text
    assert client.get(f"/desk/statements/{sid}/statement.xlsx").status_code == 200
    accepted = client.post(
        f"/desk/statements/{sid}/accept", data={"_csrf_token": _csrf(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert accepted.status_code == 303
    assert (
        api(client, w.lift_manager, "GET", f"/api/v1/statements/{sid}").json()["status"]
        == "accepted"
    )


def test_month_on_month_history_and_its_chart(world: tuple[Client, str, World]) -> None:
    client, _, w = world
    points = api(
        client, "D0001", "GET", f"/api/v1/contracts/{w.security_contract}/history",
        params={"month": "2025-04", "months": 3},
    ).json()  # fmt: skip
    # February: no records at all. April: the one completed round (ratio 1 -> 100) and no
    # missed stops (0 <= 5 -> 100); incidents and attendance not measured:
    # (3 * 100 + 1 * 100) / 4 = 100.00
    assert points == [
        {"month": "2025-02", "score": None},
        {"month": "2025-03", "score": "73.09"},
        {"month": "2025-04", "score": "100.00"},
    ]
    too_many = api(
        client, "D0001", "GET", f"/api/v1/contracts/{w.security_contract}/history",
        params={"months": 99},
    )  # fmt: skip
    assert too_many.status_code == 422
    console_login(client, "D0001")
    page = client.get("/desk/scorecards", params={"month": "2025-04"}).text
    section = page[page.index(f'data-scorecard="CS-{w.tag}"') :]
    section = section[: section.index("</section>")]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="scores"' in section
    assert 'data-month="2025-03" data-score="73.09"' in section
    assert 'data-month="2025-04" data-score="100.00"' in section
    assert 'data-month="2025-02" data-score=""' in section  # no column: nothing measured


def test_contract_indicators_and_rules_edited_in_the_console(
    world: tuple[Client, str, World],
) -> None:
    client, _, w = world
    console_login(client, "D0001")
    created = client.post(
        "/desk/contracts",
        data={"code": f"cx-{w.tag}", "contractor_id": str(w.security_id), "service": "security",
              "starts_on": "2025-01-01", "fee": "1,234.50", "_csrf_token": _csrf(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert created.status_code == 303, created.text
    where = created.headers["location"]
    page = client.get(where).text
    assert f"CX-{w.tag}" in page
    assert 'data-fee="123450"' in page
    bad = client.post(
        f"{where}/indicators",
        data={"code": "security.attendance", "weight": "2", "target": "lots",
              "_csrf_token": _csrf(client)},
    )  # fmt: skip
    assert bad.status_code == 422
    assert 'data-error-field="target"' in bad.text
    good = client.post(
        f"{where}/indicators",
        data={"code": "security.attendance", "weight": "2", "target": "0,98",
              "_csrf_token": _csrf(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert good.status_code == 303
    no_amount = client.post(
        f"{where}/rules",
        data={"kind": "per_unit", "indicator_code": "security.missed_checkpoints",
              "_csrf_token": _csrf(client)},
    )  # fmt: skip
    assert no_amount.status_code == 422
    rule = client.post(
        f"{where}/rules",
        data={"kind": "monthly_cap", "percent": "12.5", "_csrf_token": _csrf(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert rule.status_code == 303
    page = client.get(where).text
    assert 'data-indicator="security.attendance"' in page
    assert "0.98" in page
    assert 'data-rule="monthly_cap"' in page
    # The contractor's manager reads the contract but may not edit it.
    console_login(client, w.security_manager)
    seen = client.get(where)
    assert seen.status_code == 200
    assert f'action="{where}/rules"' not in seen.text
    refused = client.post(
        f"{where}/rules",
        data={"kind": "monthly_cap", "percent": "100", "_csrf_token": _csrf(client)},
    )  # fmt: skip
    assert refused.status_code == 403


def test_the_desk_links_a_maintenance_team_to_the_lift_contractor(
    world: tuple[Client, str, World],
) -> None:
    client, _, w = world
    console_login(client, "D0001")
    where = f"/desk/contracts/{w.lift_contract}"
    page = client.get(where).text
    assert f'data-team="T{w.tag}"' in page
    fire = api(client, "D0001", "GET", "/api/v1/teams").json()
    fire_id = next(team["id"] for team in fire if team["code"] == "FIRE")
    linked = client.post(
        f"{where}/teams", data={"team_id": fire_id, "_csrf_token": _csrf(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert linked.status_code == 303
    assert 'data-team="FIRE"' in client.get(where).text
    # A crew that is one contractor's is not silently handed to another.
    taken = client.post(
        f"/desk/contracts/{w.security_contract}/teams",
        data={"team_id": fire_id, "_csrf_token": _csrf(client)},
    )  # fmt: skip
    assert taken.status_code == 422
    unlinked = client.post(
        f"{where}/teams/{fire_id}/unlink", data={"_csrf_token": _csrf(client)},
        follow_redirects=False,
    )  # fmt: skip
    assert unlinked.status_code == 303
    assert 'data-team="FIRE"' not in client.get(where).text
    console_login(client, w.lift_manager)
    refused = client.post(f"{where}/teams", data={"team_id": fire_id, "_csrf_token": _csrf(client)})
    assert refused.status_code == 403
