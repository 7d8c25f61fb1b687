"""The contractor's monthly verification report as plain text, for the terminal and for
pasting into a note: per guard the count of each kind of finding, then every finding with
its local time, the records and the op hashes it names."""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from server.db.models import Contractor, Role
from server.domain.accounts.actor import Actor
from server.domain.patrol import reports
from server.domain.patrol.verification import Thresholds
from server.errors import NotFound


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "no findings"


def render(report: reports.ContractorReport) -> str:
    zone = ZoneInfo(report.time_zone)
    lines = [
        f"Verification report: {report.contractor}, {report.month} ({report.time_zone})",
        f"{len(report.guards)} guards, {report.records} records, {report.ops} ops: "
        f"{_counts(report.counts)}",
    ]
    for guard in report.guards:
        lines.append("")
        lines.append(
            f"{guard.employee_no} {guard.name}: {guard.records} records, {guard.ops} ops: "
            f"{_counts(guard.counts)}"
        )
        for finding in guard.findings:
            when = (
                finding.at.astimezone(zone).isoformat(sep=" ", timespec="minutes")
                if finding.at
                else "(no time)"
            )
            lines.append(f"  {when}  {finding.kind}: {finding.message}")
            if finding.record_ids:
                lines.append(f"    records: {', '.join(finding.record_ids)}")
            if finding.op_hashes:
                lines.append(
                    f"    op hashes: {', '.join(h or '(none)' for h in finding.op_hashes)}"
                )
    return "\n".join(lines) + "\n"


def operator() -> Actor:
    """The server's operator at the terminal: an admin who sees every contractor."""
    return Actor(
        uuid.UUID(int=0),
        "CLI",
        "rounds CLI",
        frozenset({Role.ADMIN}),
        None,
        None,
        None,
        frozenset(),
    )


async def contractor_text(
    session: AsyncSession, code: str, month: date, thresholds: Thresholds
) -> str:
    contractor_id = await session.scalar(
        select(col(Contractor.id)).where(col(Contractor.code) == code)
    )
    if contractor_id is None:
        raise NotFound(f"No contractor with the code {code}.")
    report = await reports.contractor_report(session, operator(), contractor_id, month, thresholds)
    return render(report)
