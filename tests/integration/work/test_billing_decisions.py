"""The desk's billing decision on work kept late: accepting charges it, keeping the
server's version declines it, and both show where the desk reads the order."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from tests.integration.console_client import CSRF_COOKIE, console_login, page_text
from tests.integration.work.loop import Cast, applied, cast, whoami

Client = TestClient[Litestar]


def cancelled_while_working(c: Cast, *minutes: int) -> tuple[str, list[dict[str, Any]]]:
    """Labour logged offline (and a completion) on an order the desk cancels meanwhile."""
    order_id = c.report()
    c.to_technician(order_id)
    ref = {"work_order_id": order_id}
    ops = [c.technician.op("work_order.log_labour", {**ref, "minutes": m}) for m in minutes]
    ops.append(c.technician.op("work_order.complete", {**ref, "resolution": "Fixed it"}))
    applied(c.desk, "cancel", work_order_id=order_id, reason="Reported twice")
    results = c.technician.results(ops)
    assert {r["status"] for r in results} == {"conflict"}, results
    return order_id, results


def resolve(c: Cast, item_id: str, resolution: str) -> Any:
    return c.desk.http.post(
        f"/api/v1/conflicts/{item_id}/resolve",
        headers=c.desk.headers,
        json={"resolution": resolution},
    )


def test_accept_charges_a_late_line_and_keep_server_declines_one(client: Client) -> None:
    c = cast(client)
    order_id, (short, long, completion) = cancelled_while_working(c, 30, 60)
    waiting = c.detail(order_id)
    assert [line["billing"] for line in waiting["labour"]] == ["pending", "pending"]
    assert waiting["total_cents"] == 0

    accepted = resolve(c, short["conflict_id"], "accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["resolved"] is True
    assert accepted.json()["detail"]["item"]["resolution"] == "accept"
    assert [line["billing"] for line in accepted.json()["detail"]["lines"]] == ["accepted"]
    declined = resolve(c, long["conflict_id"], "keep_server")
    assert declined.status_code == 200, declined.text
    assert [line["billing"] for line in declined.json()["detail"]["lines"]] == ["declined"]
    # A completion report kept as a note has nothing to charge: accepting it is refused.
    nothing = resolve(c, completion["conflict_id"], "accept")
    assert nothing.status_code == 422, nothing.text
    assert nothing.json()["code"] == "invalid_input"
    assert "Nothing on this item waits for billing" in nothing.json()["detail"]
    still = c.get(f"/api/v1/conflicts/{completion['conflict_id']}")
    assert still["item"]["status"] == "open"

    detail = c.detail(order_id)
    by_minutes = {line["minutes"]: line for line in detail["labour"]}
    assert (by_minutes[30]["billing"], by_minutes[60]["billing"]) == ("accepted", "declined")
    assert detail["labour_cents"] == detail["total_cents"] == by_minutes[30]["cost_cents"]
    assert detail["pending_cents"] == 0
    desk = whoami(c.desk)["name"]
    billing = [e for e in detail["timeline"] if e["action"] == "billing"]
    assert [(e["actor"], e["detail"].split(":")[0]) for e in billing] == [
        (desk, "accepted"),
        (desk, "declined"),
    ]


def test_the_desk_sees_billing_on_the_order_page_and_accepts_there(client: Client) -> None:
    c = cast(client)
    order_id, (labour, _) = cancelled_while_working(c, 45)
    cost = c.detail(order_id)["labour"][0]["cost_cents"]
    conflict_url = f"/desk/conflicts/{labour['conflict_id']}"
    console_login(client, "D0001")
    page = client.get(f"/desk/orders/{order_id}").text
    assert 'data-billing="pending"' in page
    assert f'href="{conflict_url}"' in page, "a pending line links to its decision"
    assert 'data-total-cents="0"' in page
    assert f'data-pending-cents="{cost}"' in page
    assert "Awaiting the desk" in page_text(page)

    item = page_text(client.get(conflict_url).text)
    assert "Labour, 45 min" in item
    assert "Accept and charge the department" in item
    token = client.cookies.get(CSRF_COOKIE)
    done = client.post(
        f"{conflict_url}/resolve",
        data={"resolution": "accept", "note": "Work was done", "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert "Accepted and charged" in page_text(client.get(conflict_url).text)
    after = client.get(f"/desk/orders/{order_id}").text
    assert 'data-billing="accepted"' in after
    assert f'data-total-cents="{cost}"' in after
    assert f'href="{conflict_url}"' not in after
    assert "data-pending-cents" not in after


def test_a_resubmission_refused_again_never_charges_its_copy(client: Client) -> None:
    c = cast(client)
    order_id, (labour, _) = cancelled_while_working(c, 40)
    again = resolve(c, labour["conflict_id"], "resubmit")
    assert again.status_code == 200, again.text
    body = again.json()
    assert (body["resolved"], body["attempt"]["status"]) == (False, "conflict")
    assert body["detail"]["can_accept"] is True
    # The attempt kept the same work a second time: that copy is declined at once.
    assert sorted(line["billing"] for line in body["detail"]["lines"]) == ["declined", "pending"]
    detail = c.detail(order_id)
    [kept] = [line for line in detail["labour"] if line["billing"] == "pending"]
    assert detail["pending_cents"] == kept["cost_cents"]

    accepted = resolve(c, labour["conflict_id"], "accept")
    assert accepted.status_code == 200, accepted.text
    detail = c.detail(order_id)
    assert sorted(line["billing"] for line in detail["labour"]) == ["accepted", "declined"]
    assert (detail["total_cents"], detail["pending_cents"]) == (kept["cost_cents"], 0)
