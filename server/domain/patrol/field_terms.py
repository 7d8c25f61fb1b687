"""The words of patrol records that a phone shows and sends: the categories of an incident
and the outcomes a checkpoint scan is given when its round is evaluated. The field app
receives them through `server/field_app/rules.py`."""

from __future__ import annotations

# What a guard may report (ReportIncident.category), in the order the phone lists them.
INCIDENT_CATEGORIES: tuple[str, ...] = (
    "security",
    "safety",
    "fire",
    "medical",
    "facilities",
    "other",
)

# CheckpointScan.outcome once the round's window closed.
SCAN_OUTCOMES: tuple[str, ...] = (
    "on_time",
    "late",
    "out_of_order",
    "not_on_route",
    "unknown_checkpoint",
)
