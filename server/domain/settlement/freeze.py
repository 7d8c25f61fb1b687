"""The canonical form of a statement and its SHA-256.

Canonical: JSON with sorted keys, no spaces, UTF-8, ids as lowercase hex with dashes,
instants as UTC to the second ("2031-03-31T23:59:59Z"), money in integer cents, measured
values as the decimal text stored on the line. Lines by position; each line's evidence in
stored order (kind, record_id, label, op_hash); disputes by the time raised. Anyone with
the statement's rows can recompute the hash; `verify` does so on the server.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from server.db.models import LineDispute, SettlementStatement, StatementLine


def _instant(at: datetime | None) -> str | None:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if at else None


def _id(value: object) -> str | None:
    return str(value) if value is not None else None


def canonical(
    statement: SettlementStatement, lines: list[StatementLine], disputes: list[LineDispute]
) -> bytes:
    body: dict[str, Any] = {
        "statement": {
            "id": _id(statement.id),
            "contract_id": _id(statement.contract_id),
            "contractor_id": _id(statement.contractor_id),
            "month": statement.month.isoformat(),
            "fee_cents": statement.fee_cents,
            "deductions_cents": statement.deductions_cents,
            "payable_cents": statement.payable_cents,
            "score": statement.score,
            "issued_at": _instant(statement.issued_at),
            "responded_at": _instant(statement.responded_at),
            "frozen_at": _instant(statement.frozen_at),
            "frozen_by_id": _id(statement.frozen_by_id),
        },
        "lines": [
            {
                "id": _id(line.id),
                "position": line.position,
                "indicator_code": line.indicator_code,
                "unit": line.unit,
                "measured": line.measured,
                "basis": line.basis,
                "rule_id": _id(line.rule_id),
                "rule_kind": line.rule_kind,
                "rule_text": line.rule_text,
                "computed_cents": line.computed_cents,
                "amount_cents": line.amount_cents,
                "adjustment_reason": line.adjustment_reason,
                "evidence": [
                    {
                        "kind": item.get("kind"),
                        "record_id": item.get("record_id"),
                        "label": item.get("label"),
                        "op_hash": item.get("op_hash"),
                    }
                    for item in line.evidence
                ],
            }
            for line in sorted(lines, key=lambda line: line.position)
        ],
        "disputes": [
            {
                "id": _id(d.id),
                "line_id": _id(d.line_id),
                "comment": d.comment,
                "raised_by_id": _id(d.raised_by_id),
                "raised_at": _instant(d.raised_at),
                "outcome": d.outcome.value if d.outcome else None,
                "new_amount_cents": d.new_amount_cents,
                "reason": d.reason,
                "resolved_by_id": _id(d.resolved_by_id),
                "resolved_at": _instant(d.resolved_at),
            }
            for d in sorted(disputes, key=lambda d: (d.raised_at, str(d.id)))
        ],
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def statement_hash(
    statement: SettlementStatement, lines: list[StatementLine], disputes: list[LineDispute]
) -> str:
    return hashlib.sha256(canonical(statement, lines, disputes)).hexdigest()
