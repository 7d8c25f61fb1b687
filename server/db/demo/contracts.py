"""The demo's three outside contracts, each with the indicators it scores and the rules
that turn a bad month into deductions (docs/settlement.md explains each rule)."""

from __future__ import annotations

from datetime import date

from server.db.demo.names import CLEANING_CONTRACTOR, LIFT_CONTRACTOR, SECURITY_CONTRACTOR
from server.db.demo.people import Workforce
from server.db.demo.rows import DemoRows
from server.db.models import Contract, ContractIndicator, DeductionRule, RuleKind

STARTS = date(2026, 1, 1)

# code, contractor, service, fee in cents, indicators (code, weight, target),
# rules (kind, indicator, amount_cents, percent, threshold)
CONTRACTS = (
    (
        "SEC-2026", SECURITY_CONTRACTOR, "security", 18_500_000,
        (("security.round_completion", 4, "0.95"), ("security.missed_checkpoints", 2, "20"),
         ("security.incidents_answered", 2, "0.9"), ("security.attendance", 2, "0.98")),
        ((RuleKind.PER_UNIT, "security.missed_checkpoints", 2_500, None, "20"),
         (RuleKind.PERCENT_PER_POINT, "security.round_completion", None, "0.5", "0.95"),
         (RuleKind.PERCENT_PER_POINT, "security.attendance", None, "0.25", "0.98"),
         (RuleKind.MONTHLY_CAP, None, None, "10", None)),
    ),
    (
        "CLN-2026", CLEANING_CONTRACTOR, "cleaning", 22_000_000,
        # Measured once the cleaning and ratings providers are registered (docs/settlement.md).
        (("cleaning.on_time_rate", 3, "0.95"), ("cleaning.audit_score", 2, "90"),
         ("cleaning.reclean_count", 1, "5"), ("satisfaction.mean_score", 1, "4")),
        ((RuleKind.PERCENT_PER_POINT, "cleaning.on_time_rate", None, "0.4", "0.95"),
         (RuleKind.PER_UNIT, "cleaning.reclean_count", 20_000, None, "5"),
         (RuleKind.MONTHLY_CAP, None, None, "10", None)),
    ),
    (
        "LIFT-2026", LIFT_CONTRACTOR, "lifts", 9_600_000,
        (("maintenance.response_minutes", 3, "30"), ("maintenance.repair_minutes", 2, "240"),
         ("maintenance.repeat_faults", 2, "1"), ("maintenance.sla_rate", 3, "0.95")),
        ((RuleKind.PER_UNIT, "maintenance.repeat_faults", 50_000, None, "1"),
         (RuleKind.PERCENT_PER_POINT, "maintenance.sla_rate", None, "0.5", "0.95"),
         (RuleKind.MONTHLY_CAP, None, 1_500_000, None, None)),
    ),
)  # fmt: skip


def build_contracts(rows: DemoRows, workforce: Workforce) -> None:
    for code, company, service, fee, indicators, rules in CONTRACTS:
        contract_id = rows.entity(
            Contract,
            code=code,
            contractor_id=workforce.contractor_ids[company],
            service=service,
            starts_on=STARTS,
            ends_on=None,
            monthly_fee_cents=fee,
        )
        for indicator, weight, target in indicators:
            rows.entity(
                ContractIndicator,
                contract_id=contract_id,
                code=indicator,
                weight=weight,
                target=target,
            )
        for position, (kind, code_of, amount, percent, threshold) in enumerate(rules, start=1):
            rows.entity(
                DeductionRule,
                contract_id=contract_id,
                position=position,
                kind=kind,
                indicator_code=code_of,
                amount_cents=amount,
                percent=percent,
                threshold=threshold,
            )
